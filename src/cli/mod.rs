//! The command line: clap definitions here, one module per subcommand.

mod check;
mod config_load;
mod doctor;
mod explain;
mod fmt;
mod init;
mod limit_flags;
mod list;
mod lsp;
pub(crate) mod run;
pub mod tier_flags;
mod trust;
mod up;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status for success.
pub const EXIT_OK: u8 = 0;
/// Exit status for errors in the input (diagnostics) or a failed trigger.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status for usage and configuration errors.
pub const EXIT_USAGE: u8 = 2;

/// The help of every `--config`: the whole lookup order, as `config::discover_file_in`
/// follows it (docs/configuration.md says the same).
const CONFIG_HELP: &str = "Configuration file. Without it, the first that applies: \
$SYMBIONT_CONFIG, else ./config.toml, else the config.toml beside the agent file when its \
folder is trusted (`symbi trust`), else $XDG_CONFIG_HOME/symbi/config.toml (or \
~/.config/symbi/config.toml), else the built-in defaults. SYMBIONT_* environment variables \
then override single keys";

/// symbi: check, run and edit agent definition files.
#[derive(Parser, Debug)]
#[command(name = "symbi", version, about, propagate_version = true)]
pub struct Cli {
    /// When to colour diagnostics: `auto` (on a terminal, unless NO_COLOR is set), `always`
    /// or `never`.
    #[arg(long, global = true, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The `--color` choice.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set to a non-empty value.
    #[default]
    Auto,
    /// Always colour, even through a pipe or with `NO_COLOR`.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check agent files (or every .symbi/.dsl file below a directory) without running them.
    Check(CheckArgs),
    /// Check an agent file, then run one of its triggers through the sandbox of its tier.
    Run(RunArgs),
    /// Rewrite agent files in the canonical layout.
    Fmt(FmtArgs),
    /// Start the language server on stdin/stdout.
    Lsp(LspArgs),
    /// Report which sandbox tiers and containment mechanisms this host offers, and the
    /// configuration in force with where each value came from.
    #[command(long_about = "Report which sandbox tiers (None, Tier1 Docker, Tier2 gVisor, Tier3 \
Firecracker) and which containment mechanisms (rlimits, Landlock, seccomp, cgroups) this host \
offers, then the configuration in force: the file read, how it was found, and every value with \
where it came from. With FILE, the configuration `symbi check` and `symbi run` would use for \
that agent file. Exit status 0 whatever is unavailable; 2 on configuration errors.")]
    Doctor(DoctorArgs),
    /// Explain a diagnostic code (`symbi explain E0301`).
    Explain(ExplainArgs),
    /// Trust the config.toml of a folder, so it is read beside the agent files there.
    Trust(TrustArgs),
    /// Write a starter agent, the script it runs and a commented config.toml in DIR.
    Init(InitArgs),
    /// Serve agents over HTTP: fire triggers, follow runs, keep a durable run history.
    Up(UpArgs),
    /// Removes a symbi process's containers once it exits (started by symbi itself).
    #[command(name = "__container-watchdog", hide = true)]
    ContainerWatchdog(WatchdogArgs),
}

/// Arguments of the hidden container watchdog (see `sandbox::docker::watchdog`).
#[derive(clap::Args, Debug)]
pub struct WatchdogArgs {
    /// The engine's address.
    #[arg(long)]
    pub engine: String,
    /// The owner's pid.
    #[arg(long)]
    pub pid: u32,
    /// The owner's start time.
    #[arg(long)]
    pub start: String,
}

/// Flags that choose the tier and limits; `check` takes them too so it agrees with `run`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TierArgs {
    /// Configuration file.
    #[arg(long, value_name = "P", help = CONFIG_HELP)]
    pub config: Option<PathBuf>,
    /// Run on tier None (native execution) and consent to it.
    #[arg(long)]
    pub native: bool,
    /// The sandbox tier: none, tier1, tier2 or tier3 (aliases: native, docker, gvisor, firecracker).
    #[arg(long, value_name = "TIER")]
    pub sandbox_tier: Option<String>,
}

/// Arguments of `symbi check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Leave out files and folders matching GLOB (gitignore syntax, as in `.symbiignore`);
    /// may be repeated.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Configuration and tier selection.
    #[command(flatten)]
    pub tier: TierArgs,
}

/// How `symbi check` prints diagnostics.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// Rendered with source excerpts, like rustc.
    Human,
    /// `file:line:col: error[E0103]: message`, one per line.
    Short,
    /// One JSON object per diagnostic per line (see docs/diagnostics.md).
    Json,
}

/// Arguments of `symbi run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The agent file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The agent to run (needed when the file has several).
    #[arg(long)]
    pub agent: Option<String>,
    /// The trigger to run (needed when the agent has several).
    #[arg(long)]
    pub trigger: Option<String>,
    /// List the agents and triggers with what fires each (and a schedule's next fire time)
    /// instead of running.
    #[arg(long)]
    pub list: bool,
    /// The trigger's payload: JSON text, or @path to a JSON file.
    #[arg(short = 'i', long, value_name = "JSON|@FILE")]
    pub input: Option<String>,
    /// Memory limit: MiB (`512`) or a size (`512M`, `2G`), at least 1 MiB (narrows the
    /// configuration; above its ceiling, lowered to it with a note).
    #[arg(long, value_name = "SIZE", value_parser = limit_flags::memory_mb)]
    pub max_memory: Option<u64>,
    /// CPU cores, a number above 0 (narrows the configuration; above its ceiling, lowered
    /// to it with a note).
    #[arg(long, value_name = "CORES", value_parser = limit_flags::cpu_cores, allow_negative_numbers = true)]
    pub max_cpu: Option<f64>,
    /// Wall-clock timeout of each execution: seconds (`30`) or a duration (`30s`, `5m`,
    /// `1h`), from 1 second to 7 days (narrows the configuration; above its ceiling,
    /// lowered to it with a note).
    #[arg(long, value_name = "DURATION", value_parser = limit_flags::timeout_seconds)]
    pub timeout: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: RunFormat,
    /// No `symbi:` lines of symbi's own: only the agent's prints and logs, the commands'
    /// output, diagnostics and the note of a lowered limit flag.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More `symbi:` lines: each command's argv word by word, its working directory, its
    /// limits, when it started and how it was contained.
    #[arg(short, long)]
    pub verbose: bool,
    /// Configuration and tier selection.
    #[command(flatten)]
    pub tier: TierArgs,
}

/// How `symbi run` reports.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunFormat {
    /// The children's output as it comes; symbi's own lines on stderr.
    Human,
    /// One JSON event per line on stdout (see docs/run-events.md).
    Json,
}

/// Arguments of `symbi fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files or directories to format (default: the current directory).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Leave out files and folders matching GLOB (gitignore syntax, as in `.symbiignore`);
    /// may be repeated.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only list the files that would change; exit 1 if any.
    #[arg(long)]
    pub check: bool,
    /// Read one file from stdin and write the formatted text to stdout.
    #[arg(long)]
    pub stdin: bool,
}

/// Arguments of `symbi lsp`.
#[derive(clap::Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; the server always speaks over stdio.
    #[arg(long)]
    pub stdio: bool,
}

/// Arguments of `symbi doctor`.
#[derive(clap::Args, Debug)]
pub struct DoctorArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: RunFormat,
    /// Configuration file.
    #[arg(long, value_name = "P", help = CONFIG_HELP)]
    pub config: Option<PathBuf>,
    /// An agent file: report the configuration `check` and `run` would use for it.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Arguments of `symbi trust`.
#[derive(clap::Args, Debug)]
pub struct TrustArgs {
    /// The folder whose config.toml to trust (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Forget the folder instead.
    #[arg(long, conflicts_with = "list")]
    pub revoke: bool,
    /// List the trusted folders and whether each config.toml is unchanged.
    #[arg(long, conflicts_with = "dir")]
    pub list: bool,
}

/// Arguments of `symbi init`.
#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The folder to write the starter files in (created if missing; default: the current
    /// directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Arguments of `symbi up`.
#[derive(clap::Args, Debug)]
pub struct UpArgs {
    /// Agent files or folders to serve (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Configuration file.
    #[arg(long, value_name = "P", help = CONFIG_HELP)]
    pub config: Option<PathBuf>,
    /// The address to bind (overrides `api.host` and SYMBIONT_API_HOST).
    #[arg(long, value_name = "H")]
    pub host: Option<String>,
    /// The port (overrides `api.port` and SYMBIONT_API_PORT; 0 picks a free one).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Reload when an agent file changes.
    #[arg(long)]
    pub watch: bool,
    /// Leave out files and folders matching GLOB (gitignore syntax, as in `.symbiignore`);
    /// may be repeated.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

/// Arguments of `symbi explain`.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The code, such as E0301 or W0005.
    #[arg(value_name = "CODE")]
    pub code: String,
}

/// Parses the command line and runs the subcommand; returns the process exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    crate::diag::render::set_color_mode(match cli.color {
        ColorChoice::Auto => crate::diag::render::ColorMode::Auto,
        ColorChoice::Always => crate::diag::render::ColorMode::Always,
        ColorChoice::Never => crate::diag::render::ColorMode::Never,
    });
    let status = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Run(args) => run::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Trust(args) => trust::run(args),
        Command::Init(args) => init::run(args),
        Command::Up(args) => up::run(args),
        Command::ContainerWatchdog(a) => crate::sandbox::docker::watchdog::run(&a.engine, a.pid, &a.start),
    };
    ExitCode::from(status)
}

/// Writes text to stdout. A closed pipe (`symbi explain E0301 | head`) is not an error worth
/// a panic: the reader has what it wanted.
pub(crate) fn print_stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Prints a usage error the way every subcommand does, and returns exit status 2.
pub(crate) fn usage_error(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}
