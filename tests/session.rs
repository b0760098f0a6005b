//! The session layer: one set of game rules under every front end.
//!
//! The operations a front end calls (new game, choose, undo, load, resume, reload) and
//! the effects they hand back, on the fixture story; and the rules the front ends used
//! to disagree on (autosave, endings, emphasis), checked against both of them.

mod common;

use std::time::Duration;

use butterfly::engine::{self, UndoError};
use butterfly::session::{
    self, Effect, Notice, Opening, Profile, ReloadOutcome, SavedGame, Session, SessionError,
    transcript,
};
use butterfly::story::{Story, emphasis};
use butterfly::tui::wrap;
use common::{fixture, load_files};

fn story() -> &'static Story {
    use std::sync::OnceLock;
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(fixture)
}

#[test]
fn a_new_game_records_its_first_scene_and_is_autosaved() {
    let mut s = Session::new(story(), Profile::default(), 7);
    assert!(s.state().is_none());
    let effects = s.new_game().unwrap();
    assert_eq!(
        effects,
        [
            Effect::StartClock(Duration::ZERO),
            Effect::SaveProfile,
            Effect::Autosave
        ]
    );
    let first = s.state().unwrap().clone();
    assert_eq!(first.seed, 7);
    assert!(s.profile.scenes_seen.contains(&first.scene));
    // The next new game takes the next seed, and the profile has nothing new to learn
    // from the same opening scene.
    let effects = s.new_game().unwrap();
    assert_eq!(s.state().unwrap().seed, session::next_seed(7));
    assert_eq!(
        effects,
        [Effect::StartClock(Duration::ZERO), Effect::Autosave]
    );
}

#[test]
fn a_choice_moves_on_and_a_refused_one_changes_nothing() {
    let mut s = Session::new(story(), Profile::default(), 3);
    s.new_game().unwrap();
    let before = s.state().unwrap().clone();
    let err = s.choose("no-such-choice").unwrap_err();
    assert!(matches!(err, SessionError::Engine(_)), "{err:?}");
    assert_eq!(s.state(), Some(&before));

    let effects = s.choose("grass").unwrap();
    assert_eq!(effects, [Effect::SaveProfile, Effect::Autosave]);
    assert_eq!(s.state().unwrap().scene, "grass");
    assert_eq!(s.state().unwrap().path.len(), 1);
    assert!(s.journal().len() >= 3, "scene, choice, scene");
}

#[test]
fn undo_steps_back_and_is_refused_at_the_start() {
    let mut s = Session::new(story(), Profile::default(), 3);
    assert_eq!(s.undo().unwrap_err(), SessionError::NoGame);
    s.new_game().unwrap();
    let start = s.state().unwrap().clone();
    assert_eq!(
        s.undo().unwrap_err(),
        SessionError::Undo(UndoError::AtStart)
    );
    s.choose("grass").unwrap();
    assert_eq!(s.undo().unwrap(), [Effect::Autosave]);
    assert_eq!(s.state(), Some(&start));
}

#[test]
fn a_load_restarts_the_clock_and_says_how_the_save_fits() {
    let mut s = Session::new(story(), Profile::default(), 1);
    let (state, _) = engine::start(story(), 9).unwrap();
    let saved = |divergence, story_changed| SavedGame {
        state: state.clone(),
        play_time: Duration::from_secs(90),
        divergence,
        story_changed,
    };
    let effects = s.load(saved(None, false));
    assert_eq!(effects[0], Effect::StartClock(Duration::from_secs(90)));
    assert_eq!(effects.last(), Some(&Effect::Autosave));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Notice(_))));

    let effects = s.load(saved(None, true));
    assert!(effects.contains(&Effect::Notice(Notice::StoryChanged)));

    let divergence = engine::replay(
        story(),
        9,
        &[engine::Step {
            scene: "gate".into(),
            choice: "nowhere".into(),
        }],
    )
    .unwrap_err();
    let effects = s.load(saved(Some(divergence.clone()), false));
    assert!(effects.contains(&Effect::Notice(Notice::Diverged(Box::new(divergence)))));
}

#[test]
fn reload_carries_the_game_over_to_the_new_story() {
    let mut s = Session::new(story(), Profile::default(), 3);
    assert!(s.reload(story(), &Opening::default()).is_none(), "no game");
    s.new_game().unwrap();
    s.choose("grass").unwrap();
    match s.reload(story(), &Opening::default()) {
        Some(ReloadOutcome::Kept(state)) => assert_eq!(Some(&state), s.state()),
        other => panic!("{other:?}"),
    }
    // The outcome's state plays on in a session over the new story.
    let mut next = Session::new(story(), s.profile.clone(), 0);
    let effects = next.resume(s.state().unwrap().clone(), Duration::from_secs(5));
    assert_eq!(effects[0], Effect::StartClock(Duration::from_secs(5)));
    assert_eq!(next.state(), s.state());
}

/// Both front ends show the same characters for the same markup: the plain player
/// strips the markers, the terminal interface styles what they enclose.
#[test]
fn emphasis_reads_the_same_in_both_front_ends() {
    for text in [
        "plain words",
        "an *emphasised* word",
        "a lone * star",
        "*two* and *three*",
        "five stars*",
        "*open and never closed",
    ] {
        let tui: String = wrap::markup(text, 0).iter().map(|c| c.ch).collect();
        assert_eq!(emphasis::strip(text), tui, "{text:?}");
    }
    assert_eq!(emphasis::strip("a lone * star"), "a lone * star");
}

/// An afterword that renders empty has no heading, in the plain transcript as in the
/// terminal interface (which builds its blocks from the same `EndingPages`).
#[test]
fn empty_afterword_and_credits_are_dropped_everywhere() {
    let loaded = load_files(&[
        (
            "h.ron",
            r#"Story(id: "t", title: "T", start: "a",
                variables: [Flag(name: "f")],
                endings: [Ending(id: "e", title: "The End", epilogue: ["After."])],
                afterword: ["{if f: only when f}", "  "],
                credits: ["By *us*."])"#,
        ),
        (
            "c.ron",
            r#"Chapter(title: "C", date: "D", place: "P", scenes: [
                Scene(id: "a", text: ["Hello."], choices: [Choice(id: "go", label: "Go", goto: "b")]),
                Scene(id: "b", text: ["Bye."], ending: "e"),
            ])"#,
        ),
    ]);
    let story = loaded.story.expect("the story loads");
    let mut s = Session::new(&story, Profile::default(), 1);
    s.new_game().unwrap();
    assert!(s.ending().is_none());
    s.choose("go").unwrap();
    let pages = s.ending().expect("the game is over");
    assert!(pages.afterword.is_empty(), "{pages:?}");
    assert_eq!(pages.credits, ["By *us*."]);
    let text = transcript::ending(&story, s.state().unwrap());
    assert!(!text.contains("Afterword"), "{text}");
    assert!(text.contains("— Credits —\n\nBy us.\n"), "{text}");
}

/// Control characters in a story never survive the load: texts, labels and ids are
/// terminal-safe before any front end sees them.
#[test]
fn the_story_is_terminal_safe_once_loaded() {
    let loaded = load_files(&[
        (
            "h.ron",
            "Story(id: \"t\", title: \"T\\u{1b}]0;x\\u{7}\", start: \"a\",\n\
             endings: [Ending(id: \"e\", title: \"E\\u{202e}nd\")])",
        ),
        (
            "c.ron",
            "Chapter(title: \"C\", date: \"D\\u{9b}2J\", place: \"P\", scenes: [\n\
             Scene(id: \"a\", text: [\"x\\u{1b}[2Jy\"], choices: [Choice(id: \"go\\u{7}\", label: \"G\\u{1b}o\", goto: \"b\")]),\n\
             Scene(id: \"b\", text: [\"z\"], ending: \"e\"),\n])",
        ),
    ]);
    let story = loaded.story.expect("the story loads");
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let mut s = Session::new(&story, Profile::default(), 1);
    s.new_game().unwrap();
    let scene = s.scene().unwrap();
    let choices = s.choices();
    let shown = format!(
        "{}{}{}{}{}",
        story.title,
        scene.date,
        scene.paragraphs.join(""),
        choices[0].label,
        choices[0].id
    );
    assert!(!shown.chars().any(unsafe_char), "{shown:?}");
    // The sanitised id still works: the game plays on with it.
    let id = choices[0].id.clone();
    s.choose(&id).unwrap();
    let end = s.ending().unwrap();
    assert!(!end.title.chars().any(unsafe_char), "{:?}", end.title);
}
