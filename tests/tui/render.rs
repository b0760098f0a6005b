//! Every screen drawn to ratatui's `TestBackend`: insta snapshots at 80×24 and 120×40,
//! and checks of what plain text cannot show (italics, dimming, colour).

use butterfly::engine::{self, Step};
use butterfly::save::{SlotInfo, TextSpeed, ThemeName};
use butterfly::story::Story;
use butterfly::tui::app::MenuItem;
use butterfly::tui::{App, Msg, update};
use ratatui::style::{Color, Modifier};

use crate::support::{
    at_title, buffer, fixture, list, loaded, playing, render, replaying, seasoned, send, slot,
};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Builds the app at each size and snapshots it.
fn snap(name: &str, build: impl Fn(&Story, u16, u16) -> App) {
    let story = fixture();
    for (w, h) in SIZES {
        let app = build(&story, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app, w, h));
    }
}

fn recorded() -> Vec<Step> {
    let step = |scene: &str, choice: &str| Step {
        scene: scene.to_owned(),
        choice: choice.to_owned(),
    };
    vec![
        step("gate", "grass"),
        step("grass", "continue"),
        step("gate", "open"),
        step("yard", "crossroads"),
    ]
}

fn some_slots() -> Vec<SlotInfo> {
    let mut broken = slot("4", 0, 0);
    broken.label = None;
    broken.problem = Some("the save is damaged".to_owned());
    vec![
        slot("auto", 3, 1),
        slot("1", 2, 90),
        slot("3", 12, 3000),
        broken,
    ]
}

#[test]
fn content_note() {
    snap("content_note", |story, w, h| {
        let mut p = seasoned();
        p.settings.content_note_seen = false;
        let mut app = App::new(story, p, 7, false);
        update(&mut app, Msg::Resize(w, h));
        app
    });
}

#[test]
fn title_without_saves() {
    snap("title", at_title);
}

#[test]
fn title_with_a_save_offers_continue() {
    snap("title_continue", |story, w, h| {
        let mut app = at_title(story, w, h);
        list(&mut app, some_slots());
        app
    });
}

#[test]
fn play_chapter_card() {
    snap("play_card", |story, w, h| {
        let mut app = at_title(story, w, h);
        update(&mut app, Msg::Confirm);
        app
    });
}

#[test]
fn play_typewriter_midway() {
    snap("play_typing", |story, w, h| {
        let mut p = seasoned();
        p.settings.text_speed = TextSpeed::Slow;
        let mut app = App::new(story, p, 7, false);
        send(&mut app, &[Msg::Resize(w, h), Msg::Confirm, Msg::OtherKey]);
        for _ in 0..30 {
            update(&mut app, Msg::Tick);
        }
        app
    });
}

#[test]
fn play_with_choices() {
    snap("play", |story, w, h| {
        let mut app = playing(story, w, h);
        update(&mut app, Msg::Down);
        app
    });
}

#[test]
fn play_at_an_ending() {
    snap("play_ending", |story, w, h| {
        let mut app = playing(story, w, h);
        let state = engine::replay(story, 7, &recorded()).unwrap();
        let result = Ok(loaded(state, None, std::time::Duration::ZERO));
        send(
            &mut app,
            &[
                Msg::Loaded {
                    slot: "1".into(),
                    result,
                },
                Msg::OtherKey,
            ],
        );
        app
    });
}

#[test]
fn journal() {
    snap("journal", |story, w, h| {
        let mut app = playing(story, w, h);
        send(
            &mut app,
            &[
                Msg::Digit(1),
                Msg::Confirm,
                Msg::Digit(1),
                Msg::OtherKey,
                Msg::Journal,
            ],
        );
        app
    });
}

#[test]
fn save_slots() {
    snap("save", |story, w, h| {
        let mut app = playing(story, w, h);
        list(&mut app, some_slots());
        send(&mut app, &[Msg::Save, Msg::Down]);
        app
    });
}

#[test]
fn confirm_overwrite() {
    snap("overwrite", |story, w, h| {
        let mut app = playing(story, w, h);
        list(&mut app, some_slots());
        send(&mut app, &[Msg::Save, Msg::Digit(1)]);
        app
    });
}

#[test]
fn load_slots() {
    snap("load", |story, w, h| {
        let mut app = playing(story, w, h);
        list(&mut app, some_slots());
        update(&mut app, Msg::Load);
        app
    });
}

#[test]
fn help() {
    snap("help", |story, w, h| {
        let mut app = playing(story, w, h);
        update(&mut app, Msg::Help);
        app
    });
}

#[test]
fn confirm_quit() {
    snap("quit", |story, w, h| {
        let mut app = playing(story, w, h);
        update(&mut app, Msg::Quit);
        app
    });
}

#[test]
fn endings() {
    snap("endings", |story, w, h| {
        let mut app = at_title(story, w, h);
        app.session.profile.endings_found.insert("home".into());
        app.menu = MenuItem::Endings;
        update(&mut app, Msg::Confirm);
        app
    });
}

#[test]
fn settings() {
    snap("settings", |story, w, h| {
        let mut app = at_title(story, w, h);
        app.menu = MenuItem::Settings;
        send(&mut app, &[Msg::Confirm, Msg::Down]);
        app
    });
}

#[test]
fn replay() {
    snap("replay", |story, w, h| {
        let mut app = replaying(story, &recorded());
        send(&mut app, &[Msg::Resize(w, h), Msg::Right, Msg::Right]);
        app
    });
}

#[test]
fn too_small_asks_to_enlarge_and_recovers() {
    let story = fixture();
    let mut app = playing(&story, 80, 24);
    update(&mut app, Msg::Resize(20, 6));
    let small = render(&app, 20, 6);
    insta::assert_snapshot!("enlarge_20x6", small);
    assert!(small.contains("Please"), "{small}");
    update(&mut app, Msg::Resize(80, 24));
    let big = render(&app, 80, 24);
    assert!(big.contains("Search the grass"), "{big}");
    // The smallest sizes draw something without panicking.
    for (w, h) in [(1, 1), (2, 1), (39, 11), (40, 11), (39, 12)] {
        update(&mut app, Msg::Resize(w, h));
        let s = render(&app, w, h);
        assert!(
            !s.contains("Search the grass"),
            "{w}×{h} is below the minimum: {s}"
        );
    }
    update(&mut app, Msg::Resize(40, 12));
    assert!(
        render(&app, 40, 12).contains("Search the grass"),
        "40×12 is enough"
    );
}

#[test]
fn emphasis_is_italic_disabled_choices_are_dim_and_selection_stands_out() {
    let story = fixture();
    let mut app = playing(&story, 80, 24);
    app.session.profile.settings.theme = ThemeName::Monochrome;
    let buf = buffer(&app, 80, 24);
    let text = render(&app, 80, 24);
    let find = |needle: &str| -> (u16, u16) {
        for (y, line) in text.lines().enumerate() {
            if let Some(x) = line.find(needle) {
                let col = line[..x].chars().count();
                return (col as u16, y as u16);
            }
        }
        panic!("{needle:?} not on screen:\n{text}");
    };
    let (x, y) = find("literal");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::ITALIC),
        "emphasis is italic"
    );
    let (x, y) = find("stay");
    assert!(
        !buf[(x, y)].modifier.contains(Modifier::ITALIC),
        "plain text is not"
    );
    assert!(!text.contains('*'), "markers are hidden");
    let (x, y) = find("Open the gate");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::DIM),
        "locked choice is dim"
    );
    assert!(
        text.contains("Open the gate — It is locked."),
        "with its reason"
    );
    let (x, y) = find("Search the grass");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::REVERSED),
        "selection is reversed"
    );
}

#[test]
fn no_color_draws_no_colour_on_any_screen() {
    let story = fixture();
    let mut app = playing(&story, 80, 24);
    app.no_color = true;
    app.session.profile.settings.theme = ThemeName::Sepia;
    for msgs in [vec![], vec![Msg::Help], vec![Msg::Save], vec![Msg::Quit]] {
        let mut app = app.clone();
        send(&mut app, &msgs);
        let buf = buffer(&app, 80, 24);
        for cell in buf.content() {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{msgs:?}");
        }
    }
    app.no_color = false;
    let buf = buffer(&app, 80, 24);
    assert!(
        buf.content().iter().any(|c| c.bg != Color::Reset),
        "sepia paints paper"
    );
}

#[test]
fn wide_characters_wrap_and_reflow_on_resize() {
    let src = [
        butterfly::story::SourceFile {
            path: "story.ron".into(),
            bytes: br#"Story(id: "w", title: "W", start: "a", endings: [Ending(id: "e", title: "E")])"#.to_vec(),
        },
        butterfly::story::SourceFile {
            path: "a.ron".into(),
            bytes: r#"Chapter(title: "宋丽玲", date: "1964", place: "北京", scenes: [
                Scene(id: "a", text: ["宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲宋丽玲。Song Liling sings."], ending: "e"),
            ])"#
            .as_bytes()
            .to_vec(),
        },
    ];
    let story = butterfly::story::load(&src).story.expect("loads");
    for width in [40_u16, 41, 57, 80] {
        let mut app = playing(&story, width, 20);
        update(&mut app, Msg::Resize(width, 20));
        let text = render(&app, width, 20);
        let prose: String = text
            .lines()
            .skip(2)
            .take_while(|l| !l.contains('─'))
            .map(str::trim)
            .collect();
        assert!(
            prose.starts_with(&"宋丽玲".repeat(14)),
            "at {width} columns every character survives the wrap:\n{text}"
        );
        assert!(prose.contains("Song Liling sings."), "{text}");
    }
}
