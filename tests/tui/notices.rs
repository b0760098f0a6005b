//! Notices too long for the footer wrap above it instead of being cut (issue 15 item 6,
//! issue 18 item 6), and a story bug the session reports is shown (issue 17).

use std::sync::OnceLock;

use butterfly::story::Story;
use butterfly::tui::{Msg, Screen, update};

use crate::support::{at_title, playing, render, send};

/// The screen's text with its lines joined and spaces collapsed, to find a wrapped
/// message in it.
fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A story whose only choice divides by a variable that is zero.
fn buggy() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| {
        let header = r#"Story(id: "bug", title: "Bug", start: "a",
            variables: [Int(name: "n", min: -1000, max: 1000), Int(name: "zero")],
            endings: [Ending(id: "end", title: "End", epilogue: ["Over."])])"#;
        let chapter = r#"Chapter(title: "One", date: "Today", place: "Here", scenes: [
            Scene(id: "a", text: ["Count."], choices: [
                Choice(id: "divide", label: "Divide", goto: "b", effects: ["n = 10 / zero"]),
            ]),
            Scene(id: "b", text: ["Counted."], choices: [
                Choice(id: "on", label: "On", goto: "c"),
            ]),
            Scene(id: "c", text: ["x"], ending: "end"),
        ])"#;
        let loaded = crate::common::load_files(&[("story.ron", header), ("one.ron", chapter)]);
        loaded
            .story
            .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
    })
}

#[test]
fn issue_17_a_story_bug_is_shown_and_play_goes_on() {
    let mut app = playing(buggy(), 40, 12);
    send(&mut app, &[Msg::Digit(1)]);
    let game = app.game.as_ref().unwrap();
    assert_eq!(game.state.scene, "b", "the choice was taken");
    let notice = app.notice.clone().expect("the bug is shown");
    assert!(
        notice.starts_with("A bug in the story, not your doing: `(10 / zero)` divided by zero in scene `a`; play goes on"),
        "{notice}"
    );
    let screen = render(&app, 40, 12);
    insta::assert_snapshot!("story_bug_40x12", screen);
    assert!(
        flat(&screen).contains("Please tell its author."),
        "{screen}"
    );
    // The next key clears it; the game goes on to its ending.
    send(&mut app, &[Msg::Digit(1)]);
    assert_eq!(app.notice, None);
    assert!(app.game.as_ref().unwrap().state.is_over());
    assert_eq!(*app.screen(), Screen::Play);
}

#[test]
fn a_long_notice_wraps_above_the_footer_and_is_cut_only_past_half_the_screen() {
    let story = crate::support::fixture();
    let mut app = at_title(&story, 40, 12);
    let long = "The edited story has 2 error(s); still playing the old version. First: chapters/a_gate.ron:12:31: unknown scene `gras` (did you mean `grass`?)";
    update(&mut app, Msg::Notice(long.into()));
    let screen = render(&app, 40, 12);
    insta::assert_snapshot!("long_notice_40x12", screen);
    assert!(flat(&screen).contains(long), "whole:\n{screen}");
    let wide = render(&app, 100, 30);
    assert!(flat(&wide).contains(long), "whole:\n{wide}");
    // Far too long for half of 12 rows: cut, and marked.
    let huge = "word ".repeat(200);
    update(&mut app, Msg::Notice(huge));
    let screen = render(&app, 40, 12);
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("word")).collect();
    assert_eq!(rows.len(), 6, "{screen}");
    assert!(rows[5].ends_with('…'), "{screen}");
}
