//! Parse + lower throughput on generated files of 1 MB and 10 MB.
//!
//! `cargo bench --bench parse` runs criterion. With `SYMBI_PARSE_ONCE=<bytes>` the binary
//! instead parses one generated file of that size and prints its peak memory, which is
//! what `/usr/bin/time -v` and `valgrind --tool=callgrind` measure (docs/performance.md).

#![allow(missing_docs, reason = "criterion_group! generates an undocumented function")]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use std::hint::black_box;
use symbi::syntax::parse;

#[path = "corpus/generated.rs"]
mod corpus;
use corpus::generated;

fn parse_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+lower");
    group.sample_size(10);
    for (name, size) in [("1MB", 1_000_000), ("10MB", 10_000_000)] {
        let source = generated(size);
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &source, |b, s| {
            b.iter(|| {
                let parsed = parse(black_box(s));
                assert!(parsed.diagnostics.is_empty());
                parsed
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_throughput);

/// Peak resident memory of this process in KiB (Linux), for the record.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    if let Some(size) = std::env::var("SYMBI_PARSE_ONCE").ok().and_then(|s| s.parse::<usize>().ok()) {
        let source = generated(size);
        let before = peak_kib().unwrap_or(0);
        let start = std::time::Instant::now();
        let parsed = parse(&source);
        let elapsed = start.elapsed();
        let items = parsed.file.items.len();
        drop(parsed);
        let peak = peak_kib().unwrap_or(0);
        println!(
            "parsed {} bytes ({items} items) in {elapsed:?}: {:.1} MB/s; peak RSS {peak} KiB ({before} KiB before parsing)",
            source.len(),
            source.len() as f64 / elapsed.as_secs_f64() / 1e6
        );
        return;
    }
    benches();
    criterion::Criterion::default().configure_from_args().final_summary();
}
