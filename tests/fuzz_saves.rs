//! Fuzzing the save loader: random bytes and mutated valid saves never panic the game,
//! never get modified by loading, and never get lost by saving over them (a refused
//! write leaves the file as it was; an accepted one keeps it as `<slot>.ron.bak`).
//!
//! Seeded like `fuzz_story.rs`: `BUTTERFLY_FUZZ_SEED` reruns a failure, the proptest
//! variant runs `BUTTERFLY_FUZZ_CASES` cases (default 32).

mod common;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Duration;

use butterfly::engine::{self, GameState};
use butterfly::save::{self, SaveStore};
use butterfly::story::Story;
use common::{MUTATIONS, apply};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn fixture() -> Story {
    common::fixture()
}

/// Plays the first available choice `steps` times (fewer if the game ends).
fn play(story: &Story, seed: u64, steps: usize) -> GameState {
    let (mut state, _) = engine::start(story, seed).unwrap();
    for _ in 0..steps {
        if state.is_over() {
            break;
        }
        let choices = engine::choices(story, &state);
        let Some(c) = choices.iter().rfind(|c| c.enabled) else {
            break;
        };
        engine::choose(story, &mut state, &c.id.clone()).unwrap();
    }
    state
}

/// Valid save files of the fixture: a fresh game, a middling one, a finished one.
fn valid_saves(story: &Story) -> Vec<Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let store = SaveStore::new(tmp.path().to_owned());
    [(1, 0), (2, 3), (3, 40)]
        .iter()
        .map(|&(seed, steps)| {
            let state = play(story, seed, steps);
            store.save("s", story, &state, Duration::ZERO).unwrap();
            fs::read(store.slot_path("s").unwrap()).unwrap()
        })
        .collect()
}

/// The promise for one damaged slot file; `Err` says what broke.
fn check_save(story: &Story, bytes: &[u8], play_on: &GameState) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let store = SaveStore::new(tmp.path().to_owned());
    let path = store.slot_path("fuzz").unwrap();
    fs::write(&path, bytes).unwrap();
    let unchanged = |when: &str| -> Result<(), String> {
        if fs::read(&path).map_err(|e| e.to_string())? == bytes {
            Ok(())
        } else {
            Err(format!("the file was modified by {when}"))
        }
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let loaded = store.load("fuzz", story);
        let _ = save::read_file(&path);
        let _ = store.list_for(story);
        let _ = store.latest_for(story);
        if let Ok(l) = &loaded {
            // What loads must be playable.
            let _ = engine::choices(story, &l.state);
            let _ = engine::render(story, &l.state);
        }
        loaded.map(|_| ()).map_err(|e| e.to_string())
    }))
    .map_err(|_| "loading panicked".to_owned())?;
    unchanged("loading")?;
    if let Err(msg) = &outcome
        && msg.chars().any(char::is_control)
    {
        return Err(format!("control characters in the message {msg:?}"));
    }
    let saved = catch_unwind(AssertUnwindSafe(|| {
        store.save("fuzz", story, play_on, Duration::ZERO)
    }))
    .map_err(|_| "saving over it panicked".to_owned())?;
    match saved {
        Err(_) => unchanged("a refused save")?,
        Ok(()) => {
            // Replaced: then it was a save of this story, and it is kept as the backup.
            let bak = fs::read(path.with_extension("ron.bak")).map_err(|e| e.to_string())?;
            if bak != bytes {
                return Err("replaced without keeping the old file as .bak".to_owned());
            }
        }
    }
    Ok(())
}

fn seed_from_env() -> u64 {
    std::env::var("BUTTERFLY_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5A7E_5EED)
}

#[test]
fn damaged_saves_never_panic_and_are_never_modified() {
    let story = fixture();
    let valid = valid_saves(&story);
    let play_on = play(&story, 9, 2);
    let base = seed_from_env();
    let mut failures = Vec::new();
    let mut loaded_anyway = 0;
    for i in 0..300u64 {
        let seed = base.wrapping_add(i);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let bytes: Vec<u8> = if i % 6 == 0 {
            // Pure noise, sometimes starting like a save.
            let n = rng.random_range(0..400);
            let mut b: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            if rng.random_bool(0.5) {
                b.splice(0..0, b"(format: 1, ".iter().copied());
            }
            b
        } else {
            let mut b = valid[rng.random_range(0..valid.len())].clone();
            for _ in 0..rng.random_range(1..=3) {
                let m = MUTATIONS[rng.random_range(0..MUTATIONS.len())];
                apply(&mut b, m, rng.random_range(0..usize::MAX), rng.random());
            }
            b
        };
        match check_save(&story, &bytes, &play_on) {
            Ok(()) => {}
            Err(e) => failures.push(format!("seed {seed}: {e}")),
        }
        if save::format::decode(Path::new("fuzz.ron"), &bytes).is_ok() {
            loaded_anyway += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures (rerun with BUTTERFLY_FUZZ_SEED):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Most mutants must be damaged, or the test exercises only the happy path.
    assert!(
        loaded_anyway < 150,
        "{loaded_anyway} of 300 mutants still parse"
    );
}

#[test]
fn a_damaged_profile_never_panics_and_loads_as_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    let store = SaveStore::new(tmp.path().to_owned());
    let mut rng = ChaCha8Rng::seed_from_u64(seed_from_env());
    let mut good = save::Profile::default();
    good.settings.content_note_seen = true;
    good.endings_found.insert("home".to_owned());
    store.save_profile(&good).unwrap();
    let valid = fs::read(store.profile_path()).unwrap();
    for _ in 0..200 {
        let mut b = valid.clone();
        let m = MUTATIONS[rng.random_range(0..MUTATIONS.len())];
        apply(&mut b, m, rng.random_range(0..usize::MAX), rng.random());
        fs::write(store.profile_path(), &b).unwrap();
        let _ = store.load_profile();
        assert_eq!(
            fs::read(store.profile_path()).unwrap(),
            b,
            "loading modified it"
        );
    }
}

fn cases() -> u32 {
    std::env::var("BUTTERFLY_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32)
}

fn shared() -> &'static (Story, Vec<Vec<u8>>, GameState) {
    static SHARED: std::sync::OnceLock<(Story, Vec<Vec<u8>>, GameState)> =
        std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let story = fixture();
        let valid = valid_saves(&story);
        let play_on = play(&story, 9, 2);
        (story, valid, play_on)
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The same promise, with shrinking to the fewest, smallest edits.
    #[test]
    fn proptest_damaged_saves(
        pick in any::<usize>(),
        edits in prop::collection::vec((0..MUTATIONS.len(), any::<usize>(), any::<u8>()), 1..6),
    ) {
        let (story, valid, play_on) = shared();
        let mut b = valid[pick % valid.len()].clone();
        for &(m, at, byte) in &edits {
            apply(&mut b, MUTATIONS[m], at, byte);
        }
        if let Err(e) = check_save(story, &b, play_on) {
            prop_assert!(false, "{e}");
        }
    }

    /// Bytes with no structure at all.
    #[test]
    fn proptest_random_bytes_as_a_save(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let (story, _, play_on) = shared();
        if let Err(e) = check_save(story, &bytes, play_on) {
            prop_assert!(false, "{e}");
        }
    }
}
