//! Engine benchmarks: parsing floor, full load, check, reload of one edited file, steps
//! and replays, at 1k/10k/100k scenes of the synthetic story (`butterfly::synth`). See
//! docs/performance.md; `benches/ratios.sh` prints the load group's ratios, and
//! `benches/issue16.sh` runs these with `benches/frame.rs` and prints issue 16's table.

use std::hint::black_box;
use std::time::Duration;

use butterfly::engine::{self, Step};
use butterfly::story::{self, Reload, Reloader, SourceFile, raw::RawFile};
use butterfly::{source, synth};
use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn write_story(files: &[SourceFile], scenes: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("butterfly-bench-{scenes}-{}", std::process::id()));
    for f in files {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.bytes).unwrap();
    }
    dir
}

fn bytes(files: &[SourceFile]) -> u64 {
    files.iter().map(|f| f.bytes.len() as u64).sum()
}

fn loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    // Loads of the 100k story take seconds: flat sampling runs each of the 10 samples
    // for the same number of iterations (at least one), where linear sampling would
    // run 1 + 2 + … + 10 = 55 of them.
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1) / 2)
        .sampling_mode(SamplingMode::Flat);
    for n in SIZES {
        let files = synth::generate(n);
        let dir = write_story(&files, n);
        g.throughput(Throughput::Bytes(bytes(&files)));
        // 1. The floor: ron parsing into our model types, nothing else.
        g.bench_with_input(
            BenchmarkId::new("floor_ron_parse", n),
            &files,
            |b, files| {
                b.iter(|| {
                    for f in files {
                        let text = std::str::from_utf8(&f.bytes).unwrap();
                        let raw: RawFile = story::raw::ron_options().from_str(text).unwrap();
                        black_box(raw);
                    }
                });
            },
        );
        // 2. Full load: read + parse + merge + index + compile (no lints).
        g.bench_with_input(BenchmarkId::new("full_load", n), &dir, |b, dir| {
            b.iter(|| {
                let files = source::read_dir(dir).unwrap();
                let loaded = story::load_unlinted(&files);
                black_box(loaded.story.unwrap());
            });
        });
        // 3. Check: every whole-story lint on a loaded story.
        let loaded = story::load_unlinted(&files).story.unwrap();
        g.bench_with_input(BenchmarkId::new("check_lints", n), &loaded, |b, s| {
            b.iter(|| black_box(story::lint::lint(s)));
        });
        // 4. Reload after an author saves one file (the middle chapter, a paragraph
        // changed): read that file, recompile what depends on it. Each run alternates
        // between two versions, so every reload sees a real edit.
        let mut reloader = Reloader::new(files.clone(), false);
        let edited = files.len() / 2;
        let path = dir.join(&files[edited].path);
        let versions = edited_versions(&files[edited]);
        let mut turn = 0usize;
        g.bench_function(BenchmarkId::new("reload_one_file", n), |b| {
            b.iter_batched(
                || {
                    turn += 1;
                    std::fs::write(&path, &versions[turn % 2]).unwrap();
                },
                |()| {
                    let bytes = std::fs::read(&path).unwrap();
                    let how = reloader.edit(vec![(files[edited].path.clone(), bytes)]);
                    assert_eq!(how, Some(Reload::Incremental));
                    black_box(reloader.loaded().story.as_ref().unwrap().scenes.len())
                },
                BatchSize::PerIteration,
            );
        });
        // What a front end that kept its own copy of the story would pay on top (the
        // TUI borrows the reloader's instead).
        g.bench_with_input(BenchmarkId::new("story_clone", n), &loaded, |b, s| {
            b.iter(|| black_box(s.clone()));
        });
        let _ = std::fs::remove_dir_all(dir);
    }
    g.finish();
}

/// Two edits of a chapter file: its first paragraph rewritten two ways.
fn edited_versions(file: &SourceFile) -> [Vec<u8>; 2] {
    let text = std::str::from_utf8(&file.bytes).unwrap();
    let open = text.find("text: [\n").unwrap() + "text: [\n".len();
    let open = open + text[open..].find('"').unwrap() + 1;
    let close = open + text[open..].find('"').unwrap();
    [
        "Rain on the roofs.",
        "Rain on the {if lucky: lucky | other} roofs.",
    ]
    .map(|p| {
        let mut t = text.to_owned();
        t.replace_range(open..close, p);
        t.into_bytes()
    })
}

/// A path of `len` steps through the synthetic story, always walking on.
fn path(story: &story::Story, len: usize) -> Vec<Step> {
    let (mut state, _) = engine::start(story, 7).unwrap();
    for _ in 0..len {
        if state.is_over() {
            break;
        }
        let pick = engine::choices(story, &state)
            .into_iter()
            .find(|c| c.enabled)
            .unwrap();
        engine::choose(story, &mut state, &pick.id).unwrap();
    }
    state.path
}

fn stepping(c: &mut Criterion) {
    let story = story::load(&synth::generate(20_000)).story.unwrap();
    let mut g = c.benchmark_group("engine");
    // 4. One step: list the choices and apply one.
    g.bench_function("step_choices_and_choose", |b| {
        let (start, _) = engine::start(&story, 1).unwrap();
        let mut state = start.clone();
        b.iter(|| {
            if state.path.len() > 5_000 {
                state = start.clone();
            }
            let cs = engine::choices(&story, &state);
            let pick = cs.iter().find(|c| c.enabled).unwrap();
            engine::choose(&story, &mut state, &pick.id).unwrap();
        });
    });
    // 5. Replays of 1,000 and 10,000 steps.
    for len in [1_000, 10_000] {
        let steps = path(&story, len);
        assert_eq!(steps.len(), len);
        g.sample_size(20);
        g.bench_with_input(BenchmarkId::new("replay", len), &steps, |b, steps| {
            b.iter(|| black_box(engine::replay(&story, 7, steps).unwrap()));
        });
    }
    g.finish();
}

fn saving(c: &mut Criterion) {
    use butterfly::save::format::{SaveFile, decode, encode, verify};
    let story = story::load(&synth::generate(20_000)).story.unwrap();
    let steps = path(&story, 1_000);
    let state = engine::replay(&story, 7, &steps).unwrap();
    let mut g = c.benchmark_group("save");
    g.sample_size(30);
    let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_hours(500_000);
    // 6. Save encode and decode of a 1,000-step game (recording replays the path to
    // checksum each step; loading replays it again to verify).
    g.bench_function("encode_1000_steps", |b| {
        b.iter(|| {
            let file = SaveFile::record(&story, &state, Duration::from_mins(1), now);
            black_box(encode(&file, &story.title).unwrap())
        });
    });
    let text = encode(
        &SaveFile::record(&story, &state, Duration::from_mins(1), now),
        &story.title,
    )
    .unwrap();
    let p = std::path::Path::new("bench.ron");
    g.bench_function("decode_and_verify_1000_steps", |b| {
        b.iter(|| {
            let file = decode(p, text.as_bytes()).unwrap();
            black_box(verify(p, &story, &file).unwrap())
        });
    });
    g.finish();
}

criterion_group!(benches, loading, stepping, saving);
criterion_main!(benches);
