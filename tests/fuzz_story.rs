//! Fuzzing the story loader in-process: mutated copies of every story directory (the
//! shipped story and each fixture) must never panic the checker, and whenever the
//! original was clean but the mutant is not, an error must say `file:line`.
//!
//! Seeded, so a failure reproduces: the failing seed is printed, and
//! `BUTTERFLY_FUZZ_SEED=<seed>` reruns exactly that case first. The proptest variant
//! runs `BUTTERFLY_FUZZ_CASES` cases (default 32); see docs/guarantees.md for long runs.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use butterfly::story::{self, SourceFile};
use common::{MUTATIONS, apply, corpus, located_problem, mutate_story};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Loads `files` and checks the promise; `Err` describes the broken promise.
fn check_mutant(files: &[SourceFile], original_clean: bool) -> Result<(), String> {
    let loaded = catch_unwind(AssertUnwindSafe(|| story::load(files)))
        .map_err(|p| format!("the loader panicked: {}", panic_message(&*p)))?;
    if original_clean && let Some(problem) = located_problem(&loaded) {
        return Err(problem);
    }
    Ok(())
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string payload)".to_owned())
}

/// How many mutants per story directory: the shipped story is large, so it gets fewer
/// (each load is a whole story), which keeps the whole test to a few seconds in debug.
fn budget(files: &[SourceFile]) -> u64 {
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    if bytes > 64 * 1024 { 40 } else { 600 }
}

#[test]
fn mutated_stories_never_panic_and_always_say_where() {
    let base_seed: u64 = std::env::var("BUTTERFLY_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_B077_E4F1);
    let mut failures = Vec::new();
    let mut total = 0;
    for (name, files) in corpus() {
        let clean = story::load(&files).error_count() == 0;
        for i in 0..budget(&files) {
            let seed = base_seed.wrapping_add(i);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut mutant = files.clone();
            let what = mutate_story(&mut mutant, &mut rng);
            total += 1;
            if let Err(e) = check_mutant(&mutant, clean) {
                failures.push(format!("{name} seed {seed}: {what}\n    {e}"));
            }
        }
    }
    assert!(total > 0, "no story directories found to fuzz");
    assert!(
        failures.is_empty(),
        "{} of {total} mutants broke the promise (rerun one with BUTTERFLY_FUZZ_SEED):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every mutation kind must actually change a typical file, or the fuzzer tests less
/// than it claims.
#[test]
fn every_mutation_changes_the_file() {
    let original =
        b"Chapter(\n  title: \"A\",\n  scenes: [Scene(id: \"x\", text: [\"\xC3\xA9\"])],\n)\n"
            .to_vec();
    for m in MUTATIONS {
        let mut b = original.clone();
        apply(&mut b, m, 17, 3);
        assert_ne!(b, original, "{m:?} left the file unchanged");
    }
}

fn cases() -> u32 {
    std::env::var("BUTTERFLY_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The same promise, driven by proptest so a failure shrinks to the fewest, smallest
    /// mutations. Works on the fixture stories (fast) and, one case in eight, the
    /// shipped story.
    #[test]
    fn proptest_mutated_stories(
        dir_pick in any::<usize>(),
        file_pick in any::<usize>(),
        edits in prop::collection::vec((0..MUTATIONS.len(), any::<usize>(), any::<u8>()), 1..6),
    ) {
        let dirs = corpus_cached();
        let (name, files, clean) = &dirs[dir_pick % dirs.len()];
        let mut mutant = files.clone();
        let f = file_pick % mutant.len();
        for &(m, at, byte) in &edits {
            apply(&mut mutant[f].bytes, MUTATIONS[m], at, byte);
        }
        if let Err(e) = check_mutant(&mutant, *clean) {
            prop_assert!(false, "{name} {}: {e}", mutant[f].path);
        }
    }
}

/// The corpus, read once per test binary.
fn corpus_cached() -> &'static [(String, Vec<SourceFile>, bool)] {
    static CORPUS: std::sync::OnceLock<Vec<(String, Vec<SourceFile>, bool)>> =
        std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut all: Vec<(String, Vec<SourceFile>, bool)> = corpus()
            .into_iter()
            .map(|(n, f)| {
                let clean = story::load(&f).error_count() == 0;
                (n, f, clean)
            })
            .collect();
        // Weight the small fixtures: repeat each so the big story is one pick in eight.
        let small: Vec<_> = all
            .iter()
            .filter(|(n, ..)| !common::is_shipped_story(n))
            .cloned()
            .collect();
        for _ in 0..7 {
            all.extend(small.iter().cloned());
        }
        all
    })
}
