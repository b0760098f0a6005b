//! Scaling benchmarks (issue 17): each dimension a story can grow in, alone, at
//! 1k/10k/100k — choices in one scene, `Extend` blocks, endings, variables, scenes in a
//! branching tree, paragraphs in one file — through `check` (load with lints), play
//! start-up (load, start, first menu), `stats` (explore with fixed small caps, then
//! the counts), and with the commands' default options: `explore`, `stats`' random
//! play (`playtest`, 1,000 games), `verify` and `graph`. Linear work shows as time
//! growing ten-fold per step; a quadratic spot as a hundred-fold. Stories come from
//! `butterfly::synth::shaped`. See docs/performance.md and docs/guarantees.md
//! ("Scaling").

use std::hint::black_box;
use std::time::Duration;

use butterfly::synth::{self, SHAPES, Shape};
use butterfly::tools::{explore, graph, playtest, stats, verify};
use butterfly::{engine, story};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn name(shape: Shape) -> &'static str {
    match shape {
        Shape::ChoicesInOneScene => "choices_in_one_scene",
        Shape::Extends => "extends",
        Shape::Endings => "endings",
        Shape::Variables => "variables",
        Shape::Tree => "tree_scenes",
        Shape::Paragraphs => "paragraphs",
    }
}

/// Small, fixed caps: what is measured is the cost per unit of story, not the search.
fn explore_options() -> explore::Options {
    explore::Options {
        runs: 20,
        seed: 0,
        max_steps: 100,
        max_states: 2_000,
        beam: 20,
    }
}

fn scaling(c: &mut Criterion) {
    for shape in SHAPES {
        let mut g = c.benchmark_group(format!("scaling/{}", name(shape)));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(2));
        for n in SIZES {
            let files = synth::shaped(shape, n);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::new("check", n), &files, |b, files| {
                b.iter(|| black_box(story::load(files).diagnostics.len()));
            });
            // Past a limit (10,000 endings) the story is refused: only `check` applies.
            let Some(loaded) = story::load_unlinted(&files).story else {
                continue;
            };
            g.bench_with_input(BenchmarkId::new("play_start", n), &files, |b, files| {
                b.iter(|| {
                    let s = story::load_unlinted(files).story.expect("loads");
                    let (state, _) = engine::start(&s, 1).expect("starts");
                    black_box(engine::choices(&s, &state).len())
                });
            });
            g.bench_with_input(BenchmarkId::new("stats", n), &loaded, |b, s| {
                b.iter(|| {
                    let report =
                        explore::explore(s, &explore_options(), &mut |_| {}).expect("explores");
                    black_box(stats::compute(s, &report).to_string().len())
                });
            });
            g.bench_with_input(BenchmarkId::new("explore_default", n), &loaded, |b, s| {
                b.iter(|| {
                    let report = explore::explore(s, &explore::Options::default(), &mut |_| {})
                        .expect("explores");
                    black_box(report.to_string().len())
                });
            });
            g.bench_with_input(BenchmarkId::new("random_play", n), &loaded, |b, s| {
                b.iter(|| {
                    let play = playtest::measure(s, &playtest::Options::default()).expect("plays");
                    black_box(play.display(s).to_string().len())
                });
            });
            g.bench_with_input(BenchmarkId::new("verify", n), &loaded, |b, s| {
                b.iter(|| {
                    let report = verify::verify(s, &verify::Options::default()).expect("verifies");
                    black_box(report.to_string().len())
                });
            });
            g.bench_with_input(BenchmarkId::new("graph", n), &loaded, |b, s| {
                b.iter(|| black_box(graph::render(s, graph::Format::Dot).len()));
            });
        }
        g.finish();
    }
}

criterion_group!(benches, scaling);
criterion_main!(benches);
