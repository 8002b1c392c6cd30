//! The bearer token and the refusal to serve a network without one.

use super::harness::{Up, agent, config, folder, marker};

#[test]
fn with_a_token_every_route_but_health_needs_it() {
    let dir = folder(&agent(&marker()), &config(""));
    let up = Up::start(dir.path(), &[], &[("SYMBIONT_API_TOKEN", "s3cret-token")]);
    assert_eq!(up.get("/api/v1/health/live").status, 200);
    assert_eq!(up.get("/api/v1/health/ready").status, 200);
    for (method, path) in
        [("GET", "/api/v1/agents"), ("POST", "/api/v1/agents/Hello/triggers/go"), ("GET", "/metrics")]
    {
        for auth in [None, Some("Bearer wrong"), Some("Bearer s3cret-toke"), Some("s3cret-token")] {
            let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", *a)).collect();
            let r = up.request(method, path, "", &headers);
            assert_eq!(r.status, 401, "{method} {path} with {auth:?}");
            assert_eq!(r.json()["error"]["code"], "unauthorized");
        }
    }
    let ok = up.request("GET", "/api/v1/agents", "", &[("Authorization", "Bearer s3cret-token")]);
    assert_eq!(ok.status, 200);
    let (_, stderr) = {
        up.signal(nix::sys::signal::Signal::SIGTERM);
        up.wait_exit()
    };
    assert!(!stderr.contains("s3cret-token"), "the token was logged: {stderr}");
}

#[test]
fn a_network_address_without_a_token_refuses_to_start() {
    let dir = folder(&agent(&marker()), &config(""));
    let err = Up::try_start(dir.path(), &["--host", "0.0.0.0"], &[]).err().unwrap_or_default();
    assert_eq!(err.0, Some(2), "{}", err.1);
    assert!(err.1.contains("SYMBIONT_API_TOKEN"), "{}", err.1);
    let env = Up::try_start(dir.path(), &[], &[("SYMBIONT_API_HOST", "0.0.0.0")]).err().unwrap_or_default();
    assert_eq!(env.0, Some(2), "{}", env.1);
}
