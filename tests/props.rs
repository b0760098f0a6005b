//! Property tests: random walks through the fixture and the shipped story, and random
//! damage to story files.
//!
//! A walk starts from a random seed and takes random available choices. Whatever the
//! path: nothing panics, every integer stays within its declared bounds, every scene
//! that is not an ending offers a way on, choices shown disabled are refused without a
//! trace, and the same seed and choices give the same state (by playing again and by
//! `replay`). The loader, fed damaged files, never
//! panics and places every diagnostic inside the file it names.

mod common;

use std::sync::OnceLock;

use butterfly::engine::{self, GameState};
use butterfly::story::expr::Type;
use butterfly::story::{self, SourceFile, Story};
use proptest::prelude::*;

fn fixture() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(common::fixture)
}

fn real() -> Option<&'static Story> {
    static STORY: OnceLock<Option<Story>> = OnceLock::new();
    STORY.get_or_init(common::real_story).as_ref()
}

/// Plays `picks` (each an index into the enabled choices, wrapped) from `seed`,
/// checking the invariants after every step. Returns the final state.
fn walk(story: &Story, seed: u64, picks: &[usize]) -> GameState {
    let (mut state, _) = engine::start(story, seed).expect("the story starts");
    assert_in_bounds(story, &state);
    for &pick in picks {
        if state.is_over() {
            break;
        }
        let all = engine::choices(story, &state);
        // A choice shown disabled is refused, and refusing changes nothing.
        for c in all.iter().filter(|c| !c.enabled) {
            let before = state.clone();
            assert!(
                engine::choose(story, &mut state, &c.id).is_err(),
                "disabled `{}` taken",
                c.id
            );
            assert_eq!(state, before);
        }
        let offered: Vec<_> = all.into_iter().filter(|c| c.enabled).collect();
        assert!(
            !offered.is_empty(),
            "stuck in scene `{}` (seed {seed}, after {:?})",
            state.scene,
            state.path
        );
        let id = &offered[pick % offered.len()].id;
        if let Err(e) = engine::choose(story, &mut state, id) {
            panic!("offered choice `{id}` in `{}` refused: {e}", state.scene);
        }
        assert_in_bounds(story, &state);
        engine::render(story, &state).expect("every reached scene renders");
    }
    state
}

fn assert_in_bounds(story: &Story, state: &GameState) {
    for v in &story.variables {
        let value = state.var(&v.name);
        match v.ty {
            Type::Int | Type::Enum(_) => assert!(
                (v.min..=v.max).contains(&value),
                "`{}` = {value} outside {}..={} in `{}`",
                v.name,
                v.min,
                v.max,
                state.scene
            ),
            Type::Bool => assert!(value == 0 || value == 1, "flag `{}` = {value}", v.name),
        }
    }
}

fn check_walk(story: &Story, seed: u64, picks: &[usize]) {
    let a = walk(story, seed, picks);
    let b = walk(story, seed, picks);
    assert_eq!(a, b, "same seed and choices, same state");
    let replayed = engine::replay(story, seed, &a.path).expect("a played path replays");
    assert_eq!(replayed, a);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fixture_walks_keep_their_invariants(
        seed in any::<u64>(),
        picks in prop::collection::vec(any::<usize>(), 0..60),
    ) {
        check_walk(fixture(), seed, &picks);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn story_walks_keep_their_invariants(
        seed in any::<u64>(),
        picks in prop::collection::vec(any::<usize>(), 0..300),
    ) {
        if let Some(story) = real() {
            check_walk(story, seed, &picks);
        }
    }

    #[test]
    fn damaged_files_never_panic_the_loader(
        which in 0usize..4,
        cut in any::<prop::sample::Index>(),
        junk in prop::collection::vec(any::<u8>(), 0..8),
        at in any::<prop::sample::Index>(),
        drop in 0usize..40,
    ) {
        let mut files = fixture_files();
        let bytes = &mut files[which].bytes;
        // Cut out a stretch, then splice in arbitrary bytes (often not UTF-8).
        let start = at.index(bytes.len() + 1);
        let end = (start + drop).min(bytes.len());
        bytes.splice(start..end, junk);
        let keep = cut.index(bytes.len() + 1).max(bytes.len() / 2);
        bytes.truncate(keep);
        let loaded = story::load(&files);
        for d in &loaded.diagnostics {
            if d.file.is_empty() || d.line == 0 {
                continue;
            }
            let f = files.iter().find(|f| f.path == d.file).expect("names a real file");
            let text = String::from_utf8_lossy(&f.bytes);
            let lines = text.split('\n').count();
            prop_assert!(d.line <= lines, "{d}");
            let width = text.split('\n').nth(d.line - 1).map_or(0, |l| l.chars().count());
            prop_assert!(d.col >= 1 && d.col <= width + 1, "{d}");
        }
        prop_assert_eq!(loaded.story.is_some(), loaded.error_count() == 0);
    }
}

fn fixture_files() -> Vec<SourceFile> {
    butterfly::source::read_dir(&common::root().join("tests/fixtures/full")).unwrap()
}

#[test]
fn the_real_story_walks_to_an_ending_with_first_choices() {
    // Always taking the first choice must end the game: no loop of first choices.
    let Some(story) = real() else { return };
    let state = walk(story, 1, &[0; 500]);
    assert!(
        state.is_over(),
        "still in `{}` after 500 first choices",
        state.scene
    );
}
