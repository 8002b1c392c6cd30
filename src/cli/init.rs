//! `symbi init [DIR]`: a starter agent, the script it runs, and a commented `config.toml`
//! that consents to tier None, in DIR (default: the current directory). Writing that file
//! is the user's own act, so the folder is trusted at once, as `symbi trust DIR` would.
//! Nothing is overwritten: an existing file is E0003, and nothing is written then.

use super::{EXIT_OK, EXIT_USAGE, InitArgs};
use crate::config::EnvVars;
use crate::diag::Diagnostic;
use crate::diag::codes::INIT_WOULD_OVERWRITE as WOULD_OVERWRITE;
use crate::diag::render::color_enabled;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The starter files, by name.
const FILES: [(&str, &str); 3] = [
    ("agent.symbi", include_str!("init/agent.symbi")),
    ("greet.py", include_str!("init/greet.py")),
    ("config.toml", include_str!("init/config.toml")),
];

/// Runs `symbi init`; returns the exit status.
pub fn run(args: InitArgs) -> u8 {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let color = color_enabled(std::io::stderr().is_terminal());
    let existing: Vec<String> = FILES
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        let d = Diagnostic::error(
            WOULD_OVERWRITE,
            format!("`symbi init` would overwrite {}", existing.join(", ")),
        )
        .with_note("nothing was written")
        .with_help("run `symbi init NEW_FOLDER` to start in a folder of its own");
        eprint!("{}", crate::diag::render::render_human(&[d], &crate::diag::Sources::default(), color));
        return EXIT_USAGE;
    }
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| FILES.iter().try_for_each(|(name, text)| std::fs::write(dir.join(name), text)));
    if let Err(e) = written {
        let d = Diagnostic::error(
            WOULD_OVERWRITE,
            format!("cannot write the starter files in `{}`: {e}", dir.display()),
        )
        .with_help("choose a folder you can write to");
        eprint!("{}", crate::diag::render::render_human(&[d], &crate::diag::Sources::default(), color));
        return EXIT_USAGE;
    }
    let trusted = match super::trust::trust(&dir, &EnvVars::from_process()) {
        Ok(text) => text,
        Err(diagnostics) => {
            eprint!("{}", diagnostics.render(color));
            return EXIT_USAGE;
        }
    };
    let shown = dir.display();
    super::print_stdout(&format!(
        "wrote {shown}/agent.symbi, {shown}/greet.py and {shown}/config.toml\n{trusted}\
         next:\n  symbi check {shown}/agent.symbi\n  symbi run {shown}/agent.symbi -i '{{\"name\": \"Ada\"}}'\n"
    ));
    EXIT_OK
}
