//! The `symbi` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    symbi::cli::main()
}
