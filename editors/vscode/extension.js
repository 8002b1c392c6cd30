// Starts `symbi lsp` for .symbi and .dsl files. No build step: plain CommonJS.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("symbi");
  const command = settings.get("path") || "symbi";
  const run = { command, args: ["lsp"] };
  client = new LanguageClient(
    "symbi",
    "symbi",
    { run, debug: run },
    {
      documentSelector: [{ scheme: "file", language: "symbi" }, { scheme: "untitled", language: "symbi" }],
      initializationOptions: { config: settings.get("config") || undefined },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
