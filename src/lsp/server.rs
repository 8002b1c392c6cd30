//! The language server: LSP requests and notifications mapped onto the document store and
//! the feature modules.
//!
//! State lives behind one `std::sync::Mutex` that is never held across an `.await`; the
//! server runs with a concurrency level of one so notifications (`didChange` above all) are
//! applied in the order the client sent them.

use super::analysis::{Analysis, analyze, load_config};
use super::documents::{Document, Documents};
use super::position::Encoding;
use super::workspace::ConfigChoice;
use super::{actions, completion, diagnostics, formatting, hover, navigation};
use crate::config::EnvVars;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// Everything the server remembers between messages.
#[derive(Debug, Default)]
pub struct State {
    /// The open documents.
    pub documents: Documents,
    /// The negotiated position encoding.
    pub encoding: Encoding,
    /// How configuration files are found.
    pub config: ConfigChoice,
    /// The server's environment (`$SYMBIONT_CONFIG`, `SYMBIONT_*` overrides).
    pub env: EnvVars,
}

/// The `LanguageServer` implementation.
#[derive(Debug)]
pub struct Backend {
    client: Client,
    state: Mutex<State>,
    shut_down: Arc<AtomicBool>,
}

impl Backend {
    /// A server that talks to `client`; `shut_down` is set when `shutdown` arrives, so the
    /// process can exit 0 after `exit` (and 1 after an `exit` without `shutdown`).
    pub fn new(client: Client, shut_down: Arc<AtomicBool>) -> Self {
        let state = State { env: EnvVars::from_process(), ..State::default() };
        Backend { client, state: Mutex::new(state), shut_down }
    }

    /// The state; a poisoned lock (a panic in another handler) is recovered, not propagated.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Re-analyses the document at `uri` and publishes its diagnostics.
    async fn refresh(&self, uri: Uri) {
        let published = {
            let mut state = self.state();
            let path = uri.to_file_path().map(|p| p.into_owned());
            let (config, config_problem) = load_config(&state.config, path.as_deref(), &state.env);
            let encoding = state.encoding;
            state.documents.get_mut(&uri).map(|doc| {
                doc.analysis = analyze(&doc.text, &config);
                doc.analysis.diagnostics.extend(config_problem);
                let map = doc.positions(encoding);
                let diags = doc
                    .analysis
                    .diagnostics
                    .iter()
                    .map(|d| diagnostics::to_lsp(d, &uri, &map))
                    .collect::<Vec<_>>();
                (diags, doc.version)
            })
        };
        if let Some((diags, version)) = published {
            self.client.publish_diagnostics(uri, diags, Some(version)).await;
        }
    }

    /// Runs `f` on the open document at `uri`, if it is open.
    fn with_document<T>(&self, uri: &Uri, f: impl FnOnce(&Document, Encoding) -> Option<T>) -> Option<T> {
        let state = self.state();
        let doc = state.documents.get(uri)?;
        f(doc, state.encoding)
    }
}

/// The workspace folders of `initialize` as paths (the deprecated `rootUri` as fallback).
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders = params.workspace_folders.iter().flatten().map(|f| &f.uri);
    let mut roots: Vec<PathBuf> = folders.filter_map(|u| u.to_file_path().map(|p| p.into_owned())).collect();
    #[allow(deprecated)]
    if roots.is_empty()
        && let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path())
    {
        roots.push(root.into_owned());
    }
    roots
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref());
        let encoding = Encoding::negotiate(offered);
        let explicit = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("config"))
            .and_then(|c| c.as_str())
            .map(PathBuf::from);
        {
            let mut state = self.state();
            state.encoding = encoding;
            state.config = ConfigChoice { roots: workspace_roots(&params), explicit };
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into(), "\"".into(), ":".into()]),
                    ..Default::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..Default::default()
                })),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "symbi".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        {
            let mut state = self.state();
            state.documents.open(doc.uri.clone(), Document::new(doc.text, doc.version, Analysis::default()));
        }
        self.refresh(doc.uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let known = {
            let mut state = self.state();
            let encoding = state.encoding;
            match state.documents.get_mut(&uri) {
                Some(doc) => {
                    doc.apply_changes(params.content_changes, encoding);
                    doc.version = params.text_document.version;
                    true
                }
                None => false,
            }
        };
        if known {
            self.refresh(uri).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state().documents.close(&uri);
        // An editor keeps showing what was last published, so a closed file is cleared.
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        Ok(self.with_document(&p.text_document.uri, |doc, enc| hover::hover(doc, enc, p.position)))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        Ok(self.with_document(&p.text_document.uri, |doc, enc| {
            let items = completion::complete(doc, enc, p.position);
            Some(CompletionResponse::Array(items))
        }))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let uri = p.text_document.uri;
        Ok(self.with_document(&uri, |doc, enc| {
            let range = navigation::definition(doc, enc, p.position)?;
            Some(GotoDefinitionResponse::Scalar(Location::new(uri.clone(), range)))
        }))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let uri = p.text_document.uri;
        let include = params.context.include_declaration;
        Ok(self.with_document(&uri, |doc, enc| {
            let ranges = navigation::references(doc, enc, p.position, include);
            Some(ranges.into_iter().map(|r| Location::new(uri.clone(), r)).collect())
        }))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self.with_document(&params.text_document.uri, |doc, enc| {
            Some(DocumentSymbolResponse::Nested(navigation::document_symbols(doc, enc)))
        }))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self.with_document(&params.text_document.uri, formatting::format_document))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        Ok(self.with_document(&uri, |doc, enc| {
            let actions = actions::code_actions(doc, enc, &uri, &params.context.diagnostics);
            Some(actions.into_iter().map(CodeActionOrCommand::CodeAction).collect())
        }))
    }
}
