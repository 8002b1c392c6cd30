//! `symbiont`, the seed document's name for the same program as `symbi`.

fn main() -> std::process::ExitCode {
    symbi::cli::main()
}
