//! The agents the service serves: every file below the paths of `symbi up`, checked, with
//! an index from agent name to the program that defines it.
//!
//! A catalog is immutable; a reload builds a new one and swaps it in, so a run keeps the
//! [`Program`] it started with to the end. A file that fails its check on reload keeps its
//! previous version in the new catalog.

use super::roots::Roots;
use crate::check::{CheckContext, check_source};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::diag::render::{Sources, render_human, render_short};
use crate::policy::{TierChoice, effective_tier};
use crate::syntax::ast;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// One checked agent file.
#[derive(Debug)]
pub struct Program {
    /// The file as walked.
    pub path: PathBuf,
    /// Its text.
    pub source: String,
    /// Its syntax tree (checked: no errors).
    pub file: ast::File,
    /// Its modification time when read, for `--watch`.
    pub modified: Option<SystemTime>,
}

impl Program {
    /// The agent called `name`, if the file defines it.
    pub fn agent(&self, name: &str) -> Option<&ast::Agent> {
        self.file.agents().find(|a| a.name.name == name)
    }

    /// The texts its diagnostics may point into: the file and the standard library.
    pub fn sources(&self) -> Sources {
        sources(&self.path, &self.source)
    }
}

fn sources(path: &Path, text: &str) -> Sources {
    let mut sources = Sources::new(path.display().to_string(), text);
    for (name, std_text) in crate::stdlib::stdlib().sources() {
        sources.insert(name, std_text);
    }
    sources
}

/// A trigger as the agents listing shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TriggerInfo {
    /// Its name.
    pub name: String,
    /// `trigger`, `schedule` or `webhook`.
    pub kind: &'static str,
    /// The cron expression of a schedule.
    pub schedule: Option<String>,
    /// The environment variable holding a webhook's secret (not shown).
    #[serde(skip)]
    pub secret: Option<String>,
}

/// An agent as the service knows it.
#[derive(Clone, Debug)]
pub struct AgentEntry {
    /// Its name.
    pub name: String,
    /// The program that defines it.
    pub program: Arc<Program>,
    /// The tier its runs use.
    pub tier: String,
    /// Its triggers, in file order.
    pub triggers: Vec<TriggerInfo>,
}

/// The agents being served.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Every file, by path.
    pub programs: BTreeMap<PathBuf, Arc<Program>>,
    /// Every agent, by name.
    pub agents: BTreeMap<String, AgentEntry>,
}

/// A file that was refused, with its diagnostics.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// The file (or the path that could not be walked).
    pub file: String,
    /// `file:line:col: error[CODE]: message`, one per diagnostic.
    pub diagnostics: Vec<String>,
    /// The diagnostics rendered with source excerpts, for the log.
    #[serde(skip)]
    pub rendered: String,
}

/// The outcome of a load: the catalog, and the files it refused (kept at their previous
/// version, if they had one).
pub struct Loaded {
    /// The new catalog.
    pub catalog: Catalog,
    /// The files refused.
    pub refused: Vec<Refused>,
}

impl Catalog {
    /// The schedules of every program of the catalog.
    pub fn schedules(&self) -> Vec<(crate::schedule::ScheduleKey, crate::schedule::Cron)> {
        self.programs.values().flat_map(|p| crate::schedule::schedules_of(&p.file)).collect()
    }

    /// Walks `paths`, checks every file with `cfg`, and builds the catalog; a refused file
    /// keeps its version from `previous`.
    pub fn load(roots: &Roots, cfg: &Config, previous: Option<&Catalog>) -> Loaded {
        let mut refused = Vec::new();
        let mut programs = BTreeMap::new();
        for walked in roots.walk() {
            let path = match walked {
                Ok(path) => path,
                // A warning (an empty folder) refuses nothing.
                Err(p) if !p.diagnostic.is_error() => continue,
                Err(p) => {
                    refused.push(refusal(&p.path, "", &[*p.diagnostic]));
                    continue;
                }
            };
            let reused = previous
                .and_then(|p| p.programs.get(&path))
                .filter(|p| p.modified.is_some() && modified(&p.path) == p.modified);
            if let Some(program) = reused {
                programs.insert(path, program.clone());
                continue;
            }
            match check_file(&path, cfg) {
                Ok(program) => {
                    programs.insert(path, Arc::new(program));
                }
                Err(problem) => {
                    refused.push(problem);
                    if let Some(old) = previous.and_then(|p| p.programs.get(&path)) {
                        programs.insert(path, old.clone());
                    }
                }
            }
        }
        let mut catalog = Catalog { programs: BTreeMap::new(), agents: BTreeMap::new() };
        for (path, program) in programs {
            let duplicate = program
                .file
                .agents()
                .find_map(|a| catalog.agents.get(&a.name.name).map(|other| (a, other.program.path.clone())));
            if let Some((agent, other)) = duplicate {
                let d = Diagnostic::error(
                    crate::diag::codes::AGENT_IN_TWO_FILES,
                    format!("agent `{}` is also defined in `{}`", agent.name.name, other.display()),
                )
                .with_primary(agent.name.span, "defined again here")
                .with_help("rename one of them: the service finds agents by name");
                refused.push(refusal(&path, &program.source, &[d]));
                continue;
            }
            for agent in program.file.agents() {
                catalog.agents.insert(agent.name.name.clone(), entry(agent, &program, cfg));
            }
            catalog.programs.insert(path, program);
        }
        Loaded { catalog, refused }
    }

    /// Some file changed on disk since it was read (for `--watch`), or the set of files did.
    pub fn changed_on_disk(&self, roots: &Roots) -> bool {
        let now: Vec<PathBuf> = roots.walk().into_iter().filter_map(Result::ok).collect();
        now.len() != self.programs.len()
            || now.iter().any(|p| self.programs.get(p).is_none_or(|prog| modified(p) != prog.modified))
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn entry(agent: &ast::Agent, program: &Arc<Program>, cfg: &Config) -> AgentEntry {
    let tier = effective_tier(&TierChoice::default(), Some(agent), cfg).tier;
    AgentEntry {
        name: agent.name.name.clone(),
        program: program.clone(),
        tier: tier.name().to_string(),
        triggers: agent
            .triggers
            .iter()
            .map(|t| TriggerInfo {
                name: t.name.value.clone(),
                kind: t.kind(),
                schedule: t.cron().map(|c| c.value.clone()),
                secret: t.webhook_secret().map(|s| s.value.clone()),
            })
            .collect(),
    }
}

/// Reads and checks one file: a program, or its refusal with every diagnostic.
fn check_file(path: &Path, cfg: &Config) -> Result<Program, Refused> {
    let modified = modified(path);
    let source = crate::syntax::read_source(path).map_err(|d| refusal(path, "", &[d]))?;
    let ctx = CheckContext { config: cfg, tier: TierChoice::default(), agent: None, variable_types: false };
    let checked = check_source(&source, &ctx);
    if checked.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(refusal(path, &source, &checked.diagnostics));
    }
    Ok(Program { path: path.to_path_buf(), source, file: checked.file, modified })
}

fn refusal(path: &Path, text: &str, diagnostics: &[Diagnostic]) -> Refused {
    let sources = sources(path, text);
    let errors: Vec<Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    Refused {
        file: path.display().to_string(),
        diagnostics: render_short(&errors, &sources).lines().map(str::to_string).collect(),
        rendered: render_human(&errors, &sources, false),
    }
}
