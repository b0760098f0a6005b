//! The variables panel (issue 14 item 6): every variable, its value as the author
//! writes it (enums by name, flags true/false) and what last changed it, opened with a
//! key the help screen names, scrollable, and the same rows as plain `vars`.

use std::sync::OnceLock;

use butterfly::story::Story;
use butterfly::tui::{Msg, Screen, update};

use crate::support::{playing, render, send};

/// A story with an enum, flags and numbers, more of them than a 40×12 screen shows.
fn story() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| {
        let header = r#"Story(
            id: "vars", title: "Vars", start: "a",
            variables: [
                Enum(name: "aria", values: ["un_bel_di", "vissi_darte"], initial: "un_bel_di"),
                Flag(name: "lied"),
                Int(name: "devotion", initial: 5, min: 0, max: 100),
                Int(name: "illusion"),
                Int(name: "heat"),
                Flag(name: "kept_letter", initial: true),
            ],
            endings: [Ending(id: "e", title: "E", epilogue: ["Over."])],
        )"#;
        let chapter = r#"Chapter(title: "One", date: "Today", place: "Here", scenes: [
            Scene(id: "a", text: ["She sings."], on_enter: ["illusion += 1"], choices: [
                Choice(id: "lie", label: "Lie", goto: "b",
                       effects: ["lied = true", "aria = vissi_darte", "devotion += 10"]),
            ]),
            Scene(id: "b", text: ["The end."], ending: "e"),
        ])"#;
        let loaded = crate::common::load_files(&[("story.ron", header), ("one.ron", chapter)]);
        loaded
            .story
            .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
    })
}

#[test]
fn v_opens_the_panel_with_values_as_written_and_what_changed_them() {
    let mut app = playing(story(), 100, 30);
    send(&mut app, &[Msg::Variables]);
    assert_eq!(*app.screen(), Screen::Variables);
    let before = render(&app, 100, 30);
    assert!(before.contains("aria"), "{before}");
    assert!(before.contains("un_bel_di"), "enums by name:\n{before}");
    assert!(before.contains("false"), "flags as true/false:\n{before}");
    assert!(
        before.contains("the opening"),
        "on_enter at the start:\n{before}"
    );
    insta::assert_snapshot!("variables_100x30_opening", before);

    // Back to the game, take the choice, look again.
    send(&mut app, &[Msg::Variables]);
    assert_eq!(*app.screen(), Screen::Play);
    send(&mut app, &[Msg::Digit(1), Msg::Variables]);
    let after = render(&app, 100, 30);
    assert!(after.contains("vissi_darte"), "{after}");
    assert!(
        after.contains("step 1: `lie` in `a`"),
        "what last changed it:\n{after}"
    );
    insta::assert_snapshot!("variables_100x30_after_a_choice", after);
    send(&mut app, &[Msg::Back]);
    assert_eq!(*app.screen(), Screen::Play, "Esc goes back to the game");
}

#[test]
fn the_panel_scrolls_at_40x12() {
    let mut app = playing(story(), 40, 12);
    send(&mut app, &[Msg::Variables]);
    let top = render(&app, 40, 12);
    insta::assert_snapshot!("variables_40x12_top", top);
    assert!(
        !top.contains("kept_letter"),
        "the last variable is below:\n{top}"
    );
    send(&mut app, &[Msg::End]);
    let bottom = render(&app, 40, 12);
    insta::assert_snapshot!("variables_40x12_bottom", bottom);
    assert!(bottom.contains("kept_letter = true"), "{bottom}");
    send(&mut app, &[Msg::Home]);
    assert_eq!(render(&app, 40, 12), top);
}

#[test]
fn the_panel_lists_the_rows_plain_vars_prints() {
    let mut app = playing(story(), 100, 30);
    send(&mut app, &[Msg::Digit(1)]);
    let rows = app.session.variables();
    assert_eq!(rows.len(), 6);
    send(&mut app, &[Msg::Variables]);
    let screen = render(&app, 100, 30);
    for v in &rows {
        let line = screen
            .lines()
            .find(|l| l.trim_start().starts_with(&v.name))
            .unwrap_or_else(|| panic!("{} missing:\n{screen}", v.name));
        assert!(line.contains(&v.value), "{line}");
    }
}

#[test]
fn the_key_is_on_the_help_screen_and_in_the_footer() {
    let mut app = playing(story(), 120, 40);
    let screen = render(&app, 120, 40);
    assert!(screen.contains("v vars"), "{screen}");
    update(&mut app, Msg::Help);
    let help = render(&app, 120, 40);
    assert!(
        help.contains("variables: every value and what last changed it"),
        "{help}"
    );
}

#[test]
fn in_a_replay_the_panel_shows_the_step_on_screen() {
    use butterfly::engine::Step;
    let step = Step {
        scene: "a".into(),
        choice: "lie".into(),
    };
    let mut app = crate::support::replaying(story(), &[step]);
    update(&mut app, Msg::Resize(100, 30));
    send(&mut app, &[Msg::Variables]);
    assert!(render(&app, 100, 30).contains("un_bel_di"), "step 0");
    send(&mut app, &[Msg::Back, Msg::Right, Msg::Variables]);
    let after = render(&app, 100, 30);
    assert!(after.contains("vissi_darte"), "{after}");
    assert!(after.contains("step 1: `lie` in `a`"), "{after}");
    send(&mut app, &[Msg::Back]);
    assert_eq!(*app.screen(), Screen::Replay);
}
