//! Checking throughput: parse + lower + check of a generated 10 MB file of many agents.
//!
//! The figure goes into docs/performance.md under "Checking" (target: at least 4 MB/s).

#![allow(missing_docs, reason = "criterion_group! generates an undocumented function")]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use symbi::check::{CheckContext, check_file};
use symbi::config::Config;

/// One agent that exercises names, calls, methods, fields, security and resources.
fn agent(i: usize) -> String {
    format!(
        r#"agent Worker{i} {{
  metadata {{
    name: "worker {i}"
    version: "1.0.{i}"
  }}
  security {{
    tier: Tier1
    sandbox: Moderate
    capabilities: ["local_filesystem", "network"]
  }}
  resources {{
    max_memory_mb: 512
    timeout: 30s
  }}
  fn summary(r: ExecResult, label: String = "run") -> String {{
    if r.success {{
      return "${{label}}: " + r.stdout.trim()
    }}
    return "${{label}} failed: ${{r.stderr}}"
  }}
  on trigger "build" {{
    let r = execute_native("python3 build.py --target {i}", timeout: 60s)
    let lines = r.stdout.lines()
    let total = 0
    for line in lines {{
      if line.starts_with("ok") {{
        total += 1
      }}
    }}
    log(summary(r, label: "build {i}"), level: "info")
    if file_exists("out/{i}.json") {{
      let data = json_parse(read_file("out/{i}.json"))
      print(data.items)
    }}
    emit("report", {{ total: total, worker: {i} }})
  }}
  on trigger "report" (event) {{
    print(json_stringify(event, pretty: true))
  }}
}}

"#
    )
}

/// A file of at least `bytes` bytes made of agents.
fn generated(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 2048);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&agent(i));
        i += 1;
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = generated(10 * 1024 * 1024);
    let config = Config::default();
    let ctx = CheckContext::new(&config);
    // A generated file that does not check clean would measure error paths instead.
    let parsed = symbi::syntax::parse(&text);
    let problems = parsed.diagnostics.len() + check_file(&parsed.file, &ctx).len();
    assert_eq!(problems, 0, "the generated file checks clean");

    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse_lower_check_10MB", |b| {
        b.iter(|| {
            let parsed = symbi::syntax::parse(black_box(&text));
            black_box(check_file(&parsed.file, &ctx))
        })
    });
    group.bench_function("check_only_10MB", |b| b.iter(|| black_box(check_file(&parsed.file, &ctx))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
