//! `update()` rules: every key on every screen (a table per screen), then the flows
//! behind them — typewriter, scrolling, saving, loading, undo, endings, replay.

use std::time::Duration;

use butterfly::engine::{self, Step};
use butterfly::save::{Profile, TextSpeed, ThemeName};
use butterfly::story::{self, SourceFile, Story};
use butterfly::tui::app::{JournalEntry, MenuItem};
use butterfly::tui::{App, Command, Msg, Screen, update};

use crate::support::{
    at_title, fixture, kinds, list, loaded, playing, replaying, seasoned, send, slot,
};

/// Every message a key can produce.
fn keys() -> Vec<Msg> {
    vec![
        Msg::Up,
        Msg::Down,
        Msg::Left,
        Msg::Right,
        Msg::PageUp,
        Msg::PageDown,
        Msg::Home,
        Msg::End,
        Msg::WheelUp,
        Msg::WheelDown,
        Msg::Confirm,
        Msg::Back,
        Msg::Quit,
        Msg::Help,
        Msg::Journal,
        Msg::Save,
        Msg::Load,
        Msg::Undo,
        Msg::Yes,
        Msg::No,
        Msg::Digit(1),
        Msg::Digit(9),
        Msg::OtherKey,
        Msg::Interrupt,
    ]
}

/// For every key: a fresh app from `build`, the key, then the top screen and commands
/// must be what `expect` says.
fn check_every_key(
    name: &str,
    build: &dyn Fn() -> App<'static>,
    expect: &dyn Fn(&Msg) -> (Screen, &'static str),
) {
    for key in keys() {
        let mut app = build();
        let cmds = update(&mut app, key.clone());
        let (screen, want) = expect(&key);
        assert_eq!(
            (app.screen().clone(), kinds(&cmds).as_str()),
            (screen, want),
            "screen {name}, key {key:?}"
        );
    }
}

fn story() -> &'static Story {
    use std::sync::OnceLock;
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(fixture)
}

fn play_with_slot() -> App<'static> {
    let mut app = playing(story(), 80, 24);
    list(&mut app, vec![slot("1", 2, 5)]);
    app
}

/// The recorded path used by replay tests: grass, back, open the gate, walk home.
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

#[test]
fn content_note_any_key_closes_it_and_remembers() {
    let build = || {
        let mut p = Profile::default();
        p.settings.text_speed = TextSpeed::Instant;
        App::new(story(), p, 7, false)
    };
    assert_eq!(*build().screen(), Screen::ContentNote);
    check_every_key("content note", &build, &|k| match k {
        Msg::Interrupt => (Screen::ContentNote, "quit"),
        _ => (Screen::Title, "profile"),
    });
    let mut app = build();
    let cmds = update(&mut app, Msg::Confirm);
    let Command::SaveProfile(p) = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert!(p.settings.content_note_seen);
    assert!(
        App::new(story(), *p.clone(), 7, false).stack == [Screen::Title],
        "not shown twice"
    );
}

#[test]
fn title_every_key() {
    let build = || {
        let mut app = at_title(story(), 80, 24);
        list(&mut app, vec![slot("1", 2, 5)]);
        app
    };
    assert_eq!(
        build().menu,
        MenuItem::Continue,
        "a save exists: Continue is preselected"
    );
    check_every_key("title", &build, &|k| match k {
        Msg::Confirm => (Screen::Title, "load:1"),
        Msg::Quit | Msg::Interrupt => (Screen::Title, "quit"),
        Msg::Help => (Screen::Help, ""),
        Msg::Load => (Screen::LoadSlots, "list"),
        Msg::Digit(1) => (Screen::Play, "clock profile save:auto"),
        _ => (Screen::Title, ""),
    });
}

#[test]
fn title_menu_moves_wraps_and_hides_continue_without_saves() {
    let mut app = at_title(story(), 80, 24);
    assert!(!app.menu_items().contains(&MenuItem::Continue));
    assert_eq!(app.menu, MenuItem::NewGame);
    update(&mut app, Msg::Up);
    assert_eq!(app.menu, MenuItem::Quit, "wraps to the bottom");
    update(&mut app, Msg::Down);
    update(&mut app, Msg::Down);
    assert_eq!(app.menu, MenuItem::Load);
    update(&mut app, Msg::Back);
    assert_eq!(
        app.menu,
        MenuItem::Quit,
        "Esc points at Quit rather than quitting"
    );
    update(&mut app, Msg::Home);
    update(&mut app, Msg::End);
    assert_eq!(kinds(&update(&mut app, Msg::Confirm)), "quit");
    for (item, screen) in [
        (MenuItem::Load, Screen::LoadSlots),
        (MenuItem::Endings, Screen::Endings),
        (MenuItem::Settings, Screen::Settings),
        (MenuItem::ContentNote, Screen::ContentNote),
    ] {
        let mut app = at_title(story(), 80, 24);
        app.menu = item;
        update(&mut app, Msg::Confirm);
        assert_eq!(*app.screen(), screen, "{item:?}");
        update(&mut app, Msg::Back);
        assert_eq!(*app.screen(), Screen::Title, "{item:?} goes back");
    }
}

#[test]
fn play_every_key() {
    check_every_key("play", &|| playing(story(), 80, 24), &|k| match k {
        Msg::Confirm | Msg::Digit(1) => (Screen::Play, "profile save:auto"),
        Msg::Back => (Screen::Pause, ""),
        Msg::Quit => (Screen::ConfirmQuit, ""),
        Msg::Help => (Screen::Help, ""),
        Msg::Journal => (Screen::Journal, ""),
        Msg::Save => (Screen::SaveSlots, "list"),
        Msg::Load => (Screen::LoadSlots, "list"),
        Msg::Interrupt => (Screen::Play, "save:auto quit"),
        _ => (Screen::Play, ""),
    });
}

fn revealing() -> App<'static> {
    let mut p = seasoned();
    p.settings.text_speed = TextSpeed::Slow;
    let mut app = App::new(story(), p, 7, false);
    update(&mut app, Msg::Resize(80, 24));
    send(&mut app, &[Msg::Confirm, Msg::OtherKey]);
    app
}

#[test]
fn play_any_key_completes_the_typewriter() {
    let app = revealing();
    let g = app.game.as_ref().unwrap();
    assert!(g.revealing() && !g.card && app.animating());
    check_every_key("play (revealing)", &revealing, &|k| match k {
        Msg::Interrupt => (Screen::Play, "save:auto quit"),
        _ => (Screen::Play, ""),
    });
    for key in keys().into_iter().filter(|k| !matches!(k, Msg::Interrupt)) {
        let mut app = revealing();
        update(&mut app, key.clone());
        let g = app.game.as_ref().unwrap();
        assert_eq!(g.revealed, g.total, "{key:?} shows everything");
        assert!(!app.animating());
    }
}

#[test]
fn play_any_key_dismisses_the_chapter_card() {
    let build = || {
        let mut app = at_title(story(), 80, 24);
        update(&mut app, Msg::Confirm);
        app
    };
    assert!(build().game.unwrap().card);
    assert!(
        !build().animating(),
        "a card waits for a key: nothing animates"
    );
    check_every_key("play (card)", &build, &|k| match k {
        Msg::Interrupt => (Screen::Play, "save:auto quit"),
        _ => (Screen::Play, ""),
    });
    let mut app = build();
    update(&mut app, Msg::Quit);
    assert!(!app.game.unwrap().card);
}

/// A game at the fixture's ending.
fn at_ending() -> App<'static> {
    let mut app = playing(story(), 80, 24);
    let path = recorded();
    let state = engine::replay(story(), 7, &path).unwrap();
    assert!(state.is_over());
    update(
        &mut app,
        Msg::Loaded {
            slot: "1".into(),
            result: Ok(loaded(state, None, Duration::ZERO)),
        },
    );
    update(&mut app, Msg::OtherKey);
    app
}

#[test]
fn play_at_an_ending_every_key() {
    check_every_key("play (ending)", &at_ending, &|k| match k {
        Msg::Confirm => (Screen::Title, "profile"),
        Msg::Undo => (Screen::Play, "save:auto"),
        Msg::Back => (Screen::Pause, ""),
        Msg::Quit => (Screen::ConfirmQuit, ""),
        Msg::Help => (Screen::Help, ""),
        Msg::Journal => (Screen::Journal, ""),
        Msg::Save => (Screen::SaveSlots, "list"),
        Msg::Load => (Screen::LoadSlots, "list"),
        Msg::Interrupt => (Screen::Play, "save:auto quit"),
        _ => (Screen::Play, ""),
    });
}

#[test]
fn journal_every_key() {
    let build = || {
        let mut app = playing(story(), 80, 24);
        update(&mut app, Msg::Journal);
        app
    };
    check_every_key("journal", &build, &|k| match k {
        Msg::Journal | Msg::Back | Msg::Quit => (Screen::Play, ""),
        Msg::Confirm => (Screen::Reading, ""),
        Msg::Help => (Screen::Help, ""),
        Msg::Interrupt => (Screen::Journal, "save:auto quit"),
        _ => (Screen::Journal, ""),
    });
}

#[test]
fn save_slots_every_key() {
    let build = || {
        let mut app = play_with_slot();
        update(&mut app, Msg::Save);
        app
    };
    check_every_key("save", &build, &|k| match k {
        Msg::Confirm | Msg::Digit(1) => (Screen::ConfirmOverwrite("1".into()), ""),
        Msg::Digit(9) => (Screen::NameSave("9".into()), ""),
        Msg::Save | Msg::Back | Msg::Quit => (Screen::Play, ""),
        Msg::Help => (Screen::Help, ""),
        Msg::Interrupt => (Screen::SaveSlots, "save:auto quit"),
        _ => (Screen::SaveSlots, ""),
    });
}

#[test]
fn confirm_overwrite_every_key() {
    let build = || {
        let mut app = play_with_slot();
        send(&mut app, &[Msg::Save, Msg::Digit(1)]);
        app
    };
    check_every_key("overwrite", &build, &|k| match k {
        Msg::Yes | Msg::Confirm => (Screen::NameSave("1".into()), ""),
        Msg::No | Msg::Back | Msg::Quit => (Screen::SaveSlots, ""),
        Msg::Interrupt => (Screen::ConfirmOverwrite("1".into()), "save:auto quit"),
        _ => (Screen::ConfirmOverwrite("1".into()), ""),
    });
}

#[test]
fn load_slots_every_key() {
    let build = || {
        let mut app = play_with_slot();
        update(&mut app, Msg::Load);
        app
    };
    check_every_key("load", &build, &|k| match k {
        Msg::Digit(1) => (Screen::LoadSlots, "load:1"),
        Msg::Load | Msg::Back | Msg::Quit => (Screen::Play, ""),
        Msg::Help => (Screen::Help, ""),
        Msg::Interrupt => (Screen::LoadSlots, "save:auto quit"),
        _ => (Screen::LoadSlots, ""),
    });
    let mut app = build();
    update(&mut app, Msg::Confirm);
    assert_eq!(app.notice.as_deref(), Some("The autosave is empty."));
    update(&mut app, Msg::Down);
    update(&mut app, Msg::Confirm);
    assert_eq!(
        app.notice.as_deref(),
        Some("The previous autosave is empty.")
    );
    send(&mut app, &[Msg::Down, Msg::Down]);
    assert_eq!(
        kinds(&update(&mut app, Msg::Confirm)),
        "load:1",
        "row 5 is slot 1"
    );
}

#[test]
fn help_scrolls_and_any_other_key_closes() {
    let build = || {
        let mut app = playing(story(), 80, 24);
        update(&mut app, Msg::Help);
        app
    };
    check_every_key("help", &build, &|k| match k {
        Msg::Up
        | Msg::Down
        | Msg::PageUp
        | Msg::PageDown
        | Msg::Home
        | Msg::End
        | Msg::WheelUp
        | Msg::WheelDown => (Screen::Help, ""),
        Msg::Interrupt => (Screen::Help, "save:auto quit"),
        _ => (Screen::Play, ""),
    });
    let mut app = playing(story(), 80, 14);
    send(&mut app, &[Msg::Help, Msg::End]);
    assert!(app.help_scroll > 0, "a short terminal scrolls the help");
}

#[test]
fn confirm_quit_every_key() {
    let build = || {
        let mut app = playing(story(), 80, 24);
        update(&mut app, Msg::Quit);
        app
    };
    check_every_key("quit", &build, &|k| match k {
        Msg::Yes | Msg::Confirm | Msg::Interrupt => (Screen::ConfirmQuit, "save:auto quit"),
        Msg::No | Msg::Back | Msg::Quit => (Screen::Play, ""),
        _ => (Screen::ConfirmQuit, ""),
    });
}

#[test]
fn endings_every_key() {
    let build = || {
        let mut app = at_title(story(), 80, 24);
        app.menu = MenuItem::Endings;
        update(&mut app, Msg::Confirm);
        app
    };
    check_every_key("endings", &build, &|k| match k {
        Msg::Back | Msg::Quit => (Screen::Title, ""),
        Msg::Help => (Screen::Help, ""),
        Msg::Interrupt => (Screen::Endings, "quit"),
        _ => (Screen::Endings, ""),
    });
}

#[test]
fn settings_every_key() {
    let build = || {
        let mut app = at_title(story(), 80, 24);
        app.menu = MenuItem::Settings;
        update(&mut app, Msg::Confirm);
        app
    };
    check_every_key("settings", &build, &|k| match k {
        Msg::Left | Msg::Right | Msg::Confirm => (Screen::Settings, "profile"),
        Msg::Back | Msg::Quit => (Screen::Title, ""),
        Msg::Help => (Screen::Help, ""),
        Msg::Interrupt => (Screen::Settings, "quit"),
        _ => (Screen::Settings, ""),
    });
}

#[test]
fn settings_cycle_and_persist() {
    let mut app = at_title(story(), 80, 24);
    app.menu = MenuItem::Settings;
    update(&mut app, Msg::Confirm);
    let speed = |app: &App| app.session.profile.settings.text_speed;
    assert_eq!(speed(&app), TextSpeed::Instant);
    update(&mut app, Msg::Right);
    assert_eq!(speed(&app), TextSpeed::Slow, "wraps round");
    update(&mut app, Msg::Left);
    update(&mut app, Msg::Left);
    assert_eq!(speed(&app), TextSpeed::Fast);
    update(&mut app, Msg::Down);
    let cmds = update(&mut app, Msg::Right);
    assert_eq!(app.session.profile.settings.theme, ThemeName::Sepia);
    let Command::SaveProfile(p) = &cmds[0] else {
        panic!()
    };
    assert_eq!(
        p.settings.theme,
        ThemeName::Sepia,
        "the change is what gets saved"
    );
    update(&mut app, Msg::Right);
    assert_eq!(app.session.profile.settings.theme, ThemeName::Monochrome);
}

#[test]
fn replay_every_key() {
    let build = || replaying(story(), &recorded());
    check_every_key("replay", &build, &|k| match k {
        // Taking over enters a scene like any other: its scenes count as seen, and it
        // is autosaved (the session's one rule).
        Msg::Confirm => (Screen::Play, "clock profile save:auto"),
        Msg::Help => (Screen::Help, ""),
        Msg::Back | Msg::Quit | Msg::Interrupt => (Screen::Replay, "quit"),
        _ => (Screen::Replay, ""),
    });
}

#[test]
fn replay_steps_and_takes_over() {
    let mut app = replaying(story(), &recorded());
    let r = app.replay.as_ref().unwrap();
    assert_eq!(r.recording.len(), 5, "start plus four steps");
    assert!(r.recording.divergence.is_none());
    assert_eq!(app.game.as_ref().unwrap().scene.id, "gate");
    update(&mut app, Msg::Right);
    assert_eq!(app.game.as_ref().unwrap().scene.id, "grass");
    update(&mut app, Msg::End);
    assert!(app.game.as_ref().unwrap().state.is_over());
    update(&mut app, Msg::Right);
    assert_eq!(app.replay.as_ref().unwrap().at, 4, "stops at the last step");
    send(&mut app, &[Msg::Home, Msg::Right, Msg::Right]);
    let g = app.game.as_ref().unwrap();
    assert_eq!(g.scene.id, "gate");
    assert_eq!(
        g.choices[g.selected].id, "open",
        "the recorded choice is highlighted"
    );
    update(&mut app, Msg::Confirm);
    assert_eq!(*app.screen(), Screen::Play);
    assert!(app.replay.is_none());
    assert_eq!(app.game.as_ref().unwrap().state.path, recorded()[..2]);
    // Playing on works like any game.
    update(&mut app, Msg::Digit(1));
    assert_eq!(app.game.as_ref().unwrap().scene.id, "yard");
}

#[test]
fn replay_reports_where_a_recording_diverges() {
    let mut steps = recorded();
    steps[2].choice = "fly".into();
    let app = replaying(story(), &steps);
    let r = app.replay.as_ref().unwrap();
    assert_eq!(r.recording.len(), 3);
    let d = r.recording.divergence.as_ref().expect("diverges");
    assert_eq!((d.step, d.choice.as_str()), (2, "fly"));
    let shown = crate::support::render(&app, 80, 24);
    assert!(shown.contains("replay 0/2"), "{shown}");
}

#[test]
fn choices_skip_disabled_ones_and_digits_count_enabled_only() {
    let mut app = playing(story(), 80, 24);
    let g = app.game.as_ref().unwrap();
    let ids: Vec<(&str, bool)> = g
        .choices
        .iter()
        .map(|c| (c.id.as_str(), c.enabled))
        .collect();
    assert_eq!(
        ids,
        [
            ("grass", true),
            ("open", false),
            ("climb", true),
            ("gate_lie", true)
        ]
    );
    update(&mut app, Msg::Down);
    assert_eq!(
        app.game.as_ref().unwrap().selected,
        2,
        "skips the locked gate"
    );
    update(&mut app, Msg::Up);
    update(&mut app, Msg::Up);
    assert_eq!(app.game.as_ref().unwrap().selected, 3, "wraps upwards");
    update(&mut app, Msg::Digit(3));
    assert_eq!(
        app.game.as_ref().unwrap().scene.id,
        "gate_lie",
        "3 is the third enabled"
    );
    let mut app = playing(story(), 80, 24);
    update(&mut app, Msg::Digit(4));
    assert_eq!(
        app.notice.as_deref(),
        Some("“Open the gate” is not available: It is locked."),
        "issue 13.5: the number of a dimmed choice says why"
    );
    assert_eq!(app.game.as_ref().unwrap().scene.id, "gate");
}

#[test]
fn typewriter_ticks_at_the_chosen_speed() {
    let mut app = revealing();
    assert_eq!(app.game.as_ref().unwrap().revealed, 0);
    update(&mut app, Msg::Tick);
    update(&mut app, Msg::Tick);
    assert_eq!(
        app.game.as_ref().unwrap().revealed,
        2,
        "slow: one character a tick"
    );
    for _ in 0..10_000 {
        if !app.animating() {
            break;
        }
        update(&mut app, Msg::Tick);
    }
    let g = app.game.as_ref().unwrap();
    assert_eq!(g.revealed, g.total);
    // Instant text never animates.
    let app = playing(story(), 80, 24);
    assert!(!app.animating());
}

#[test]
fn a_new_chapter_shows_a_card_and_the_same_chapter_does_not() {
    let mut app = playing(story(), 80, 24);
    update(&mut app, Msg::Digit(1));
    assert!(!app.game.as_ref().unwrap().card, "grass is still The Gate");
    send(&mut app, &[Msg::Confirm, Msg::Digit(1)]);
    let g = app.game.as_ref().unwrap();
    assert_eq!(g.scene.id, "yard");
    assert!(g.card, "The Yard is a new chapter");
}

#[test]
fn undo_steps_back_exactly_one_choice() {
    let mut app = playing(story(), 80, 24);
    update(&mut app, Msg::Undo);
    assert_eq!(app.notice.as_deref(), Some("Nothing to undo yet."));
    send(&mut app, &[Msg::Digit(1), Msg::Confirm]);
    let before_last = app.game.as_ref().unwrap().state.clone();
    send(&mut app, &[Msg::Digit(1), Msg::OtherKey]);
    assert_eq!(app.game.as_ref().unwrap().state.path.len(), 3);
    let cmds = update(&mut app, Msg::Undo);
    assert_eq!(kinds(&cmds), "save:auto");
    assert_eq!(app.game.as_ref().unwrap().state, before_last);
    assert_eq!(app.notice.as_deref(), Some("Stepped back one choice."));
}

#[test]
fn reaching_an_ending_records_it_once() {
    let mut app = playing(story(), 80, 24);
    let cmds = send(
        &mut app,
        &[Msg::Digit(1), Msg::Confirm, Msg::Digit(1), Msg::OtherKey],
    );
    assert_eq!(app.game.as_ref().unwrap().scene.id, "yard");
    assert!(cmds.iter().any(|c| matches!(c, Command::SaveProfile(_))));
    let walk = app
        .game
        .as_ref()
        .unwrap()
        .choices
        .iter()
        .position(|c| c.id == "crossroads")
        .unwrap();
    let n = app.game.as_ref().unwrap().number_of(walk).unwrap() as u8;
    let cmds = update(&mut app, Msg::Digit(n));
    assert!(app.game.as_ref().unwrap().state.is_over());
    assert!(app.session.profile.endings_found.contains("home"));
    assert_eq!(kinds(&cmds), "profile save:auto");
    update(&mut app, Msg::OtherKey);
    update(&mut app, Msg::Confirm);
    assert_eq!(*app.screen(), Screen::Title);
}

#[test]
fn saving_reports_success_failure_and_keeps_autosaves_quiet() {
    let mut app = playing(story(), 80, 24);
    let cmds = send(&mut app, &[Msg::Save, Msg::Digit(3), Msg::Confirm]);
    assert!(
        matches!(cmds[0], Command::ListSlots),
        "the folder is read again"
    );
    let Command::Save { slot, state, name } = &cmds[1] else {
        panic!("{cmds:?}")
    };
    assert_eq!(slot, "3");
    assert_eq!(*name, None, "no name typed: none given");
    assert_eq!(**state, app.game.as_ref().unwrap().state);
    assert_eq!(*app.screen(), Screen::Play);
    update(
        &mut app,
        Msg::Saved {
            slot: "3".into(),
            error: None,
            quiet: false,
        },
    );
    assert_eq!(app.notice.as_deref(), Some("Saved to slot 3."));
    update(&mut app, Msg::OtherKey);
    update(
        &mut app,
        Msg::Saved {
            slot: "auto".into(),
            error: None,
            quiet: true,
        },
    );
    assert_eq!(app.notice, None);
    update(
        &mut app,
        Msg::Saved {
            slot: "auto".into(),
            error: Some("disk full".into()),
            quiet: true,
        },
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("Could not save to the autosave: disk full")
    );
}

#[test]
fn loading_resumes_with_its_clock_and_reports_divergence() {
    let mut app = at_title(story(), 80, 24);
    let state = engine::replay(story(), 7, &recorded()[..2]).unwrap();
    let cmds = update(
        &mut app,
        Msg::Loaded {
            slot: "2".into(),
            result: Ok(loaded(state.clone(), None, Duration::from_mins(5))),
        },
    );
    assert!(
        matches!(cmds[..], [Command::StartClock(d), Command::SaveProfile(_), Command::Autosave(_)] if d == Duration::from_mins(5)),
        "the clock resumes, the save's scenes count as seen, and the scene entered is autosaved: {cmds:?}"
    );
    assert!(app.session.profile.scenes_seen.contains("grass"));
    assert_eq!(app.stack, [Screen::Play]);
    let g = app.game.as_ref().unwrap();
    assert_eq!(g.state, state);
    assert!(
        g.card && !g.revealing(),
        "a loaded scene shows its card, then all its text"
    );
    assert_eq!(app.notice.as_deref(), Some("Loaded slot 2."));

    let divergence = engine::replay(
        story(),
        7,
        &[Step {
            scene: "gate".into(),
            choice: "fly".into(),
        }],
    )
    .unwrap_err();
    update(
        &mut app,
        Msg::Loaded {
            slot: "3".into(),
            result: Ok(loaded(
                *divergence.last_good.clone(),
                Some(divergence),
                Duration::ZERO,
            )),
        },
    );
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .starts_with("The story was updated; you are back at The Gate"),
        "{:?}",
        app.notice
    );

    update(
        &mut app,
        Msg::Loaded {
            slot: "4".into(),
            result: Err("the save is damaged".into()),
        },
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("Could not load slot 4: the save is damaged")
    );
}

#[test]
fn journal_lists_scenes_and_choices_in_order() {
    let mut app = playing(story(), 80, 24);
    send(&mut app, &[Msg::Digit(1), Msg::Confirm, Msg::Journal]);
    let j = &app.journal;
    assert_eq!(j[0], JournalEntry::Chapter("The Gate".into()));
    assert!(matches!(&j[1], JournalEntry::Scene { when, .. } if when == "Morning · A gate"));
    assert_eq!(j[2], JournalEntry::Choice("Search the grass".into()));
    assert!(
        matches!(&j[3], JournalEntry::Scene { opening, .. } if opening.starts_with("The grass is wet"))
    );
    assert_eq!(j[4], JournalEntry::Choice("Continue".into()));
    assert_eq!(j.len(), 6);
}

/// A story with one very long scene, to scroll.
fn long_story() -> Story {
    let para =
        "宋丽玲 sings. “Come to the theatre,” she says, and the *whole* room listens. ".repeat(6);
    let text: Vec<String> = (0..8).map(|i| format!("{i}: {para}")).collect();
    let header =
        r#"Story(id: "long", title: "Long", start: "a", endings: [Ending(id: "e", title: "E")])"#;
    let chapter = format!(
        r#"Chapter(title: "One", date: "Today", place: "Here", scenes: [
            Scene(id: "a", text: {text:?}, choices: [Choice(label: "On", goto: "b"), Choice(id: "also", label: "Also on", goto: "b")]),
            Scene(id: "b", text: ["The end."], ending: "e"),
        ])"#
    );
    let files = [
        SourceFile {
            path: "story.ron".into(),
            bytes: header.into(),
        },
        SourceFile {
            path: "one.ron".into(),
            bytes: chapter.into_bytes(),
        },
    ];
    let loaded = story::load(&files);
    loaded
        .story
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
}

#[test]
fn long_text_scrolls_and_enter_reads_on_before_choosing() {
    let story = long_story();
    let mut app = playing(&story, 80, 24);
    let scroll = |app: &App| app.game.as_ref().unwrap().scroll;
    assert!(app.more_below());
    update(&mut app, Msg::PageDown);
    let page = scroll(&app);
    assert!(page > 5, "a page is most of the panel: {page}");
    update(&mut app, Msg::PageUp);
    assert_eq!(scroll(&app), 0);
    update(&mut app, Msg::WheelDown);
    assert_eq!(scroll(&app), 3);
    update(&mut app, Msg::WheelUp);
    assert_eq!(scroll(&app), 0);
    update(&mut app, Msg::End);
    let bottom = scroll(&app);
    assert!(!app.more_below());
    update(&mut app, Msg::PageDown);
    assert_eq!(scroll(&app), bottom, "never past the end");
    update(&mut app, Msg::Home);
    assert_eq!(scroll(&app), 0);
    // Enter pages through the text, then chooses.
    let mut presses = 0;
    while app.game.as_ref().unwrap().scene.id == "a" {
        update(&mut app, Msg::Confirm);
        presses += 1;
        assert!(presses < 50);
    }
    assert!(presses > 2, "Enter read on {} times first", presses - 1);
    // A taller terminal needs less scrolling; resizing clamps the scroll.
    let mut app = playing(&story, 80, 24);
    update(&mut app, Msg::End);
    update(&mut app, Msg::Resize(200, 80));
    assert_eq!(scroll(&app), 0, "everything fits now");
}

#[test]
fn the_typewriter_keeps_the_top_of_a_scene_in_view_as_a_key_does() {
    // Issue 13.7: letting a long scene type itself out scrolled its first paragraphs
    // away, while a key that shows everything kept the top.
    let story = long_story();
    let mut p = seasoned();
    p.settings.text_speed = TextSpeed::Fast;
    let typed = |ticks: usize, key: bool| {
        let mut app = App::new(&story, p.clone(), 1, false);
        update(&mut app, Msg::Resize(60, 16));
        send(&mut app, &[Msg::Confirm, Msg::OtherKey]);
        for _ in 0..ticks {
            update(&mut app, Msg::Tick);
        }
        if key {
            update(&mut app, Msg::OtherKey);
        }
        let g = app.game.as_ref().unwrap();
        (
            g.scroll,
            g.revealed == g.total,
            app.animating(),
            app.more_below(),
        )
    };
    let (scroll, _, animating, _) = typed(3, false);
    assert!(animating, "typing at first");
    assert_eq!(scroll, 0);
    assert_eq!(
        typed(400, false),
        (0, true, false, true),
        "typed out: top kept"
    );
    assert_eq!(typed(3, true), (0, true, false, true), "a key: the same");
}

#[test]
fn ctrl_c_outside_a_game_just_quits() {
    let mut app = at_title(story(), 80, 24);
    assert_eq!(kinds(&update(&mut app, Msg::Interrupt)), "quit");
}

#[test]
fn new_games_in_one_session_get_different_seeds() {
    let mut app = at_title(story(), 80, 24);
    update(&mut app, Msg::Confirm);
    let first = app.game.as_ref().unwrap().state.seed;
    assert_eq!(first, 7, "the first game uses the given seed");
    send(&mut app, &[Msg::OtherKey]);
    let path = recorded();
    for step in &path {
        let g = app.game.as_ref().unwrap();
        let i = g.choices.iter().position(|c| c.id == step.choice).unwrap();
        let n = g.number_of(i).unwrap() as u8;
        send(&mut app, &[Msg::Digit(n), Msg::OtherKey]);
    }
    send(&mut app, &[Msg::Confirm, Msg::Down, Msg::Up]);
    app.menu = MenuItem::NewGame;
    update(&mut app, Msg::Confirm);
    assert_ne!(app.game.as_ref().unwrap().state.seed, first);
}

#[test]
fn f5_asks_the_shell_to_reload_carrying_the_game() {
    let mut app = playing(story(), 80, 24);
    send(&mut app, &[Msg::Digit(1)]);
    let state = app.game.as_ref().unwrap().state.clone();
    let cmds = update(&mut app, Msg::Reload);
    assert_eq!(kinds(&cmds), "reload:1");
    match &cmds[0] {
        Command::Reload(Some(carried)) => assert_eq!(**carried, state),
        other => panic!("{other:?}"),
    }
    // At the title there is no game to carry.
    let mut title = at_title(story(), 80, 24);
    assert_eq!(kinds(&update(&mut title, Msg::Reload)), "reload:0");
}

#[test]
fn a_replay_is_not_reloaded() {
    let mut app = replaying(story(), &recorded());
    assert!(update(&mut app, Msg::Reload).is_empty());
    assert_eq!(
        app.notice.as_deref(),
        Some("Replays do not reload the story.")
    );
}

#[test]
fn resume_plays_on_with_the_carried_game_and_says_why() {
    let mut source = playing(story(), 80, 24);
    send(&mut source, &[Msg::Digit(1)]);
    let state = source.game.as_ref().unwrap().state.clone();

    let mut app = at_title(story(), 80, 24);
    let cmds = update(
        &mut app,
        Msg::Resume {
            state: Box::new(state.clone()),
            played: Duration::from_mins(3),
            note: "Story reloaded; your game still fits it.".into(),
        },
    );
    assert_eq!(*app.screen(), Screen::Play);
    assert_eq!(app.game.as_ref().unwrap().state, state);
    assert_eq!(
        app.notice.as_deref(),
        Some("Story reloaded; your game still fits it.")
    );
    assert!(matches!(cmds[0], Command::StartClock(d) if d == Duration::from_mins(3)));

    update(
        &mut app,
        Msg::Notice("The edited story has 1 error(s).".into()),
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("The edited story has 1 error(s).")
    );
}
