//! Parser throughput, side by side with `eventsource-stream` (the Rust SSE
//! parser most used today) and `sseer` (a memchr-based parser that reports
//! 4-51x the speed of `eventsource-stream`) on the same inputs in the same
//! run.
//!
//! Run with `npm run bench:native` (which also writes the table in
//! docs/benchmarks.md), or `cargo bench --bench parser`.
//!
//! Inputs (each about 4 MiB, so per-run overhead is negligible):
//! - `small`: events like `id: 123\nevent: tick\ndata: {"i":123,"v":"abcdefgh"}\n\n`,
//!   in 64 KiB chunks;
//! - `big`: 64 KiB events of 16 `data` lines of 4 KiB, in 64 KiB chunks;
//! - `tiny-chunks`: the small events, in chunks of 1, 2, ... 7, 1, 2 ... bytes.
//!
//! Every variant delivers each event to the caller and touches its data, so
//! none of them can skip work.
#![allow(missing_docs)]

use std::convert::Infallible;
use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use eventsource_stream::Eventsource;
use eventsource_wasm::parser::{Item, Parser};
use futures::StreamExt;

/// About 4 MiB of small events.
fn small_events() -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut n = 0;
    while out.len() < 4 << 20 {
        out.extend_from_slice(
            format!("id: {n}\nevent: tick\ndata: {{\"i\":{n},\"v\":\"abcdefgh\"}}\n\n").as_bytes(),
        );
        n += 1;
    }
    (out, n)
}

/// 64 events of 64 KiB data each, over 16 `data` lines.
fn big_events() -> (Vec<u8>, usize) {
    let line = "x".repeat(4096 - 1);
    let mut out = Vec::new();
    for n in 0..64 {
        out.extend_from_slice(format!("id: {n}\n").as_bytes());
        for _ in 0..16 {
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    (out, 64)
}

fn fixed_chunks(bytes: &[u8], size: usize) -> Vec<&[u8]> {
    bytes.chunks(size).collect()
}

fn tiny_chunks(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut size = 1;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        out.push(chunk);
        rest = tail;
        size = size % 7 + 1;
    }
    out
}

/// This crate: `feed` then drain with `next_item`, the documented loop.
fn ours(chunks: &[&[u8]]) -> usize {
    let mut parser = Parser::new();
    let mut total = 0;
    for chunk in chunks {
        parser.feed(chunk).unwrap();
        while let Some(item) = parser.next_item() {
            if let Item::Event(event) = item {
                total += black_box(event).data.len();
            }
        }
    }
    total
}

/// `eventsource-stream` over a stream of the same chunks.
fn theirs(chunks: &[&[u8]]) -> usize {
    let stream =
        futures::stream::iter(chunks.iter().map(|c| Ok::<_, Infallible>(*c))).eventsource();
    futures::executor::block_on(stream.fold(0, |total, event| async move {
        total + black_box(event.unwrap()).data.len()
    }))
}

/// `sseer` over a stream of the same chunks, as `Bytes` (made once, before
/// timing; cloning one only counts a reference).
fn sseer(chunks: &[Bytes]) -> usize {
    let stream = sseer::EventStream::new(futures::stream::iter(
        chunks.iter().map(|c| Ok::<_, Infallible>(c.clone())),
    ));
    futures::executor::block_on(stream.fold(0, |total, event| async move {
        total + black_box(event.unwrap()).data.len()
    }))
}

fn bench(c: &mut Criterion) {
    let (small, small_n) = small_events();
    let (big, big_n) = big_events();
    let cases: [(&str, Vec<&[u8]>, usize, usize); 3] = [
        (
            "small",
            fixed_chunks(&small, 64 << 10),
            small.len(),
            small_n,
        ),
        ("big", fixed_chunks(&big, 64 << 10), big.len(), big_n),
        ("tiny-chunks", tiny_chunks(&small), small.len(), small_n),
    ];
    // Sizes for scripts/bench-native-report.mjs, which turns criterion's
    // timings into MB/s, events/s and ratios.
    let sizes: Vec<String> = cases
        .iter()
        .map(|(name, _, bytes, events)| {
            format!("\"{name}\":{{\"bytes\":{bytes},\"events\":{events}}}")
        })
        .collect();
    std::fs::create_dir_all("target/criterion").unwrap();
    std::fs::write(
        "target/criterion/esw-inputs.json",
        format!("{{{}}}", sizes.join(",")),
    )
    .unwrap();

    for (name, chunks, bytes, _) in &cases {
        let owned: Vec<Bytes> = chunks.iter().map(|c| Bytes::copy_from_slice(c)).collect();
        // The parsers must agree on what they delivered before we time them.
        assert_eq!(
            ours(chunks),
            theirs(chunks),
            "{name}: eventsource-stream disagrees"
        );
        assert_eq!(ours(chunks), sseer(&owned), "{name}: sseer disagrees");
        let mut group = c.benchmark_group(*name);
        group.throughput(Throughput::Bytes(*bytes as u64));
        group.sample_size(20);
        group.bench_function("eventsource-wasm", |b| b.iter(|| ours(chunks)));
        group.bench_function("eventsource-stream", |b| b.iter(|| theirs(chunks)));
        group.bench_function("sseer", |b| b.iter(|| sseer(&owned)));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
