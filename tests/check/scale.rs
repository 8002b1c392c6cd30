//! The checker's cost grows linearly with the variables of one scope: declaring and
//! looking up a name does not scan the scope (figures in docs/performance.md).

use std::time::{Duration, Instant};
use symbi::check::{CheckContext, check_source};
use symbi::config::Config;

/// One trigger declaring `n` variables, each read by the next, the last printed.
fn lets(n: usize) -> String {
    let mut s = String::from("agent A {\n  on trigger \"t\" {\n    let v0 = 0\n");
    for i in 1..n {
        s.push_str(&format!("    let v{i} = v{} + 1\n", i - 1));
    }
    s.push_str(&format!("    print(v{})\n  }}\n}}\n", n - 1));
    s
}

/// The shortest of two checks of `text` (a busy machine slows single runs).
fn check_time(text: &str) -> Duration {
    let config = Config::default();
    (0..2)
        .map(|_| {
            let started = Instant::now();
            let checked = check_source(text, &CheckContext::new(&config));
            let elapsed = started.elapsed();
            assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics.first());
            elapsed
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn four_times_the_variables_cost_about_four_times_the_time_not_sixteen() {
    let (small, large) = (check_time(&lets(4_000)), check_time(&lets(16_000)));
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    println!("check: 4,000 lets {small:?}, 16,000 lets {large:?}, ratio {ratio:.1}");
    // Linear work gives about 4 and a scan per declaration about 16; 8 leaves room for noise.
    assert!(ratio < 8.0, "4,000 lets took {small:?} and 16,000 took {large:?}: ratio {ratio:.1}");
    assert!(large < Duration::from_secs(60), "16,000 lets took {large:?}");
}
