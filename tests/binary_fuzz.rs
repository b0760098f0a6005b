//! The real binary on mutated stories and saves: `check`, `play --plain` (with `load`
//! and `saves`) and `replay` end with an exit code the CLI documents (0, 1 or 2), never
//! Rust's panic code 101 and never a signal.
//!
//! The in-process fuzzer (`fuzz_story.rs`) covers far more mutants; this one proves the
//! same holds through the reading of directories, `main`, and the plain player.

mod common;

use std::path::Path;

use butterfly::save::SaveStore;
use common::{MUTATIONS, apply, corpus, is_shipped_story, mutate_story, write_copy};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Runs the binary and returns its exit code; fails on a signal or a panic.
fn exit_code(args: &[&str], stdin: &str, what: &str) -> i32 {
    let mut cmd = common::command();
    cmd.args(args);
    let out = common::output(cmd, stdin);
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "{what}: killed by a signal ({:?}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_ne!(
        code,
        101,
        "{what}: the binary panicked:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        [0, 1, 2].contains(&code),
        "{what}: undocumented exit code {code}"
    );
    code
}

#[test]
fn mutated_stories_never_panic_the_binary() {
    let moves = "1\n".repeat(60);
    let mut codes = [0usize; 3];
    for (name, files) in corpus() {
        let count = if is_shipped_story(&name) { 6 } else { 24 };
        for seed in 0..count {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut mutant = files.clone();
            let what = format!(
                "{name} seed {seed}: {}",
                mutate_story(&mut mutant, &mut rng)
            );
            let dir = tempfile::tempdir().unwrap();
            write_copy(Path::new(&name), &mutant, dir.path());
            let d = dir.path().to_str().unwrap();
            let code = exit_code(&["check", d], "", &what);
            codes[code as usize] += 1;
            exit_code(
                &["--story", d, "play", "--plain", "--seed", &seed.to_string()],
                &moves,
                &what,
            );
        }
    }
    // The mutator must mostly break stories, or this proves little.
    assert!(codes[1] > codes[0], "exit codes 0/1/2: {codes:?}");
}

#[test]
fn mutated_saves_never_panic_the_binary() {
    const STORY: &str = "tests/fixtures/full";
    let story = common::fixture();
    let tmp = tempfile::tempdir().unwrap();
    let saves = tmp.path().join("saves");
    let store = SaveStore::new(saves.clone());
    let (mut state, _) = butterfly::engine::start(&story, 5).unwrap();
    for _ in 0..4 {
        let id = butterfly::engine::choices(&story, &state)[0].id.clone();
        butterfly::engine::choose(&story, &mut state, &id).unwrap();
    }
    store
        .save("x", &story, &state, std::time::Duration::ZERO)
        .unwrap();
    let valid = std::fs::read(store.slot_path("x").unwrap()).unwrap();
    let story_dir = common::root().join(STORY);
    let story_arg = story_dir.to_str().unwrap();
    let saves_arg = saves.to_str().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(0xB1_5A7E);
    for round in 0..30 {
        let mut bytes = valid.clone();
        for _ in 0..rng.random_range(1..=3) {
            let m = MUTATIONS[rng.random_range(0..MUTATIONS.len())];
            apply(&mut bytes, m, rng.random_range(0..usize::MAX), rng.random());
        }
        let path = store.slot_path("x").unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let what = format!("save round {round}");
        let file = path.to_str().unwrap();
        exit_code(
            &["--story", story_arg, "replay", "--verify", file],
            "",
            &what,
        );
        exit_code(
            &["--story", story_arg, "replay", "--plain", file],
            "",
            &what,
        );
        exit_code(
            &[
                "--story", story_arg, "--saves", saves_arg, "play", "--plain", "--seed", "1",
            ],
            "saves\nload x\n1\nsave x\n1\n",
            &what,
        );
    }
}
