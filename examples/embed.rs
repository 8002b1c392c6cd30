//! symbi as a library: the seed's examples 1 (development mode) and 3 (mixed execution).
//!
//! ```text
//! cargo run --example embed                     # runs natively, prints the output
//! cargo run --example embed -- --no-consent     # refused: E0301, as `symbi run` refuses
//! SYMBIONT_ENV=production cargo run --example embed   # refused: E0302
//! ```
//!
//! The exit status is 1 when a call is refused, as with `symbi run`.

use std::collections::HashMap;
use symbi::runtime::{Config, SandboxOrchestrator, SecurityTier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let consent = !std::env::args().any(|a| a == "--no-consent");

    // Example 1: enable native execution for development.
    let mut config = Config::default();
    config.security.allow_native_execution = consent;
    config.security.default_sandbox_tier = SecurityTier::None;

    let orchestrator = SandboxOrchestrator::new(config)?;

    // Execute code natively (with the configuration's default interpreter, bash).
    let result = match orchestrator
        .execute_code(SecurityTier::None, "echo 'Hello from native execution!'", HashMap::new())
        .await
    {
        Ok(result) => result,
        Err(refused) => {
            eprintln!("{refused}");
            if let Some(help) = &refused.help {
                eprintln!("  = help: {help}");
            }
            std::process::exit(1);
        }
    };
    println!("Output: {}", result.stdout.trim_end());
    println!("exit code: {:?}, success: {}", result.exit_code, result.success);

    // Example 3: trusted work natively, untrusted work in a container.
    let env_vars = HashMap::from([("GREETING".to_string(), "hello".to_string())]);
    let local = orchestrator
        .execute_code(SecurityTier::None, "echo \"$GREETING from the host\"", env_vars.clone())
        .await?;
    println!("native: {}", local.stdout.trim_end());
    match orchestrator
        .execute_code(SecurityTier::Tier1, "echo \"$GREETING from a container\"", env_vars)
        .await
    {
        Ok(isolated) => println!("Tier1: {}", isolated.stdout.trim_end()),
        // No engine or image here: the call is refused, never run on another tier.
        Err(e) => println!("Tier1: not run here ({e})"),
    }
    Ok(())
}
