//! Games begun mid-story (`play --from SCENE --set NAME=VALUE`): undo, saves and the
//! replay viewer rebuild them from the scene they began in, never from the story's
//! start (which once made undo fail with "the story changed under this game").

mod common;

use std::time::Duration;

use butterfly::engine::{self, GameState, Opening};
use butterfly::save::SaveStore;
use butterfly::session::{Profile, Recording, Session, SessionError};
use butterfly::story::Story;
use common::{butterfly, fixture, real_story};

/// Plays up to `n` choices, the first enabled one each time; every state before a
/// choice is returned, oldest first, with the state reached last.
fn play_first_choices(session: &mut Session, n: usize) -> (Vec<GameState>, GameState) {
    let mut before = Vec::new();
    for _ in 0..n {
        let Some(choice) = session.choices().into_iter().find(|c| c.enabled) else {
            break;
        };
        before.push(session.state().unwrap().clone());
        session.choose(&choice.id).unwrap();
    }
    (before, session.state().unwrap().clone())
}

/// A game begun in the first scene the story's opening choice leads to, so it is not
/// the start: `(scene, state begun there)`.
fn begun_past_the_start(story: &Story, seed: u64) -> (String, GameState) {
    let mut s = Session::new(story, Profile::default(), seed);
    s.new_game().unwrap();
    let choice = s.choices().into_iter().find(|c| c.enabled).unwrap();
    s.choose(&choice.id).unwrap();
    let scene = s.state().unwrap().scene.clone();
    assert_ne!(scene, story.start, "the fixture's opening choice moves on");
    let (state, _) = engine::start_at(story, seed, &scene, &[]).unwrap();
    (scene, state)
}

/// Undo all the way back, checking each step lands on the state before that choice.
fn undo_every_choice(story: &Story, state: GameState, choices: usize) {
    let mut s = Session::new(story, Profile::default(), state.seed);
    let first = state.clone();
    s.resume(state, Duration::ZERO);
    let (before, _) = play_first_choices(&mut s, choices);
    assert!(before.len() >= 2, "the test needs several choices to undo");
    for expected in before.iter().rev() {
        s.undo().unwrap();
        assert_eq!(s.state(), Some(expected));
    }
    assert_eq!(s.state(), Some(&first));
    assert_eq!(
        s.undo().unwrap_err(),
        SessionError::Undo(engine::UndoError::AtStart)
    );
}

#[test]
fn undo_in_a_game_begun_mid_story_steps_back_one_choice_at_a_time() {
    let story = fixture();
    let (_, state) = begun_past_the_start(&story, 11);
    undo_every_choice(&story, state, 4);
}

#[test]
fn undo_in_the_shipped_story_begun_at_the_pouch_steps_back() {
    let Some(story) = real_story() else { return };
    // The writer's report: `play --from paris_1968_pouch`, a few choices, then `u`.
    let (state, _) = engine::start_at(&story, 5, "paris_1968_pouch", &[]).unwrap();
    undo_every_choice(&story, state, 3);
}

#[test]
fn undo_keeps_the_values_a_game_was_begun_with() {
    let story = fixture();
    let (scene, _) = begun_past_the_start(&story, 3);
    let var = &story.variables[0];
    let value = if var.values.is_empty() {
        (var.initial + 1).clamp(var.min, var.max).to_string()
    } else {
        var.values.last().unwrap().clone()
    };
    let set = [(var.name.clone(), value)];
    let (state, _) = engine::start_at(&story, 3, &scene, &set).unwrap();
    assert_eq!(
        state.opening,
        Opening {
            scene: Some(scene.clone()),
            overrides: set.to_vec()
        }
    );
    undo_every_choice(&story, state, 3);
}

#[test]
fn a_save_of_a_game_begun_mid_story_loads_and_replays_from_there() {
    let story = fixture();
    let (scene, state) = begun_past_the_start(&story, 21);
    let mut s = Session::new(&story, Profile::default(), 21);
    s.resume(state, Duration::ZERO);
    let (_, played) = play_first_choices(&mut s, 3);
    assert!(!played.path.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().to_path_buf());
    store
        .save("1", &story, &played, Duration::from_secs(5))
        .unwrap();
    let text = std::fs::read_to_string(dir.path().join("1.ron")).unwrap();
    assert!(
        text.contains(&format!("scene: Some(\"{scene}\")")),
        "{text}"
    );
    let loaded = store.load("1", &story).unwrap();
    assert!(loaded.divergence.is_none(), "{:?}", loaded.divergence);
    assert_eq!(loaded.state, played);

    // The loaded game still undoes, and the replay viewer walks it from its scene.
    let mut again = Session::new(&story, Profile::default(), 1);
    again.resume(loaded.state.clone(), Duration::ZERO);
    again.undo().unwrap();
    let recording = Recording::of_game(&story, &loaded.state).unwrap();
    assert!(recording.divergence.is_none());
    assert_eq!(recording.len(), played.path.len() + 1);
    assert_eq!(recording.view_state(0).unwrap().scene, scene);
}

#[test]
fn an_ordinary_save_does_not_mention_an_opening() {
    let story = fixture();
    let (state, _) = engine::start(&story, 4).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SaveStore::new(dir.path().to_path_buf());
    store.save("1", &story, &state, Duration::ZERO).unwrap();
    let text = std::fs::read_to_string(dir.path().join("1.ron")).unwrap();
    assert!(!text.contains("opening"), "{text}");
}

#[test]
fn plain_undo_in_a_game_begun_mid_story_steps_back() {
    let story = fixture();
    let (scene, _) = begun_past_the_start(&story, 1);
    let fixture_dir = common::root().join("tests/fixtures/full");
    let run = butterfly(
        &[
            "play",
            "--story",
            fixture_dir.to_str().unwrap(),
            "--plain",
            "--seed",
            "1",
            "--from",
            &scene,
        ],
        "1\n1\nundo\nundo\nquit\n",
    );
    let out = &run.stdout;
    assert!(!out.contains("Cannot undo"), "{out}");
    assert_eq!(out.matches("Undone.").count(), 2, "{out}");
}
