//! Issue 13, the player's experience: one test per defect found by playing (named after
//! its item), then the pause menu, the backlog, the endings gallery and the mouse.

use std::time::Duration;

use butterfly::engine::{self, Step};
use butterfly::save::{PREVIOUS_AUTO_SLOT, Profile, TextSpeed, paragraph_id};
use butterfly::story::{self, SourceFile, Story};
use butterfly::tui::app::{MenuItem, PauseItem};
use butterfly::tui::{App, Msg, Screen, update};

use crate::support::{
    at_title, fixture, kinds, list, loaded, now, playing, render, replaying, seasoned, send, slot,
};

fn story() -> &'static Story {
    use std::sync::OnceLock;
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(fixture)
}

/// A story made to overflow a 40×12 terminal: a long content note, a long scene, six
/// choices with long labels.
fn crowded() -> &'static Story {
    use std::sync::OnceLock;
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(|| {
        let mut note: Vec<String> = (0..5)
            .map(|i| format!("Note paragraph {i}: this story shows grief, betrayal and a death by suicide, which is told of but never shown on the page."))
            .collect();
        note.push("The last words of the note.".to_owned());
        let header = format!(
            r#"Story(id: "crowded", title: "Crowded", start: "a", content_note: {note:?}, endings: [Ending(id: "e", title: "E", epilogue: ["Over."])])"#
        );
        let text: Vec<String> = (0..6)
            .map(|i| format!("Paragraph {i} of a scene long enough to need scrolling at forty columns by twelve rows."))
            .collect();
        let choices = (0..6)
            .map(|i| format!(r#"Choice(id: "c{i}", label: "Choice {i}, a label long enough to wrap onto a second line", goto: "b")"#))
            .collect::<Vec<_>>()
            .join(", ");
        let chapter = format!(
            r#"Chapter(title: "One", date: "Today", place: "Here", scenes: [
                Scene(id: "a", text: {text:?}, choices: [{choices}]),
                Scene(id: "b", text: ["The end."], ending: "e"),
            ])"#
        );
        let files = [
            SourceFile {
                path: "story.ron".into(),
                bytes: header.into_bytes(),
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
    })
}

fn path_to_ending() -> Vec<Step> {
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

fn at_ending(w: u16, h: u16) -> App<'static> {
    let mut app = playing(story(), w, h);
    list(&mut app, vec![slot("auto", 4, 0)]);
    let state = engine::replay(story(), 7, &path_to_ending()).unwrap();
    update(
        &mut app,
        Msg::Loaded {
            slot: "auto".into(),
            result: Ok(loaded(state, None, Duration::ZERO)),
        },
    );
    update(&mut app, Msg::OtherKey);
    app
}

#[test]
fn issue_13_1_keys_do_nothing_behind_the_enlarge_screen() {
    let mut app = playing(story(), 80, 24);
    update(&mut app, Msg::Resize(20, 6));
    assert!(render(&app, 20, 6).contains("Please enlarge"));
    let before = app.game.as_ref().unwrap().selected;
    for key in [Msg::Digit(1), Msg::Down, Msg::Confirm, Msg::Back, Msg::Quit] {
        let cmds = update(&mut app, key.clone());
        assert_eq!(kinds(&cmds), "", "{key:?}");
    }
    let g = app.game.as_ref().unwrap();
    assert_eq!((g.state.path.len(), g.selected), (0, before));
    assert_eq!(*app.screen(), Screen::Play);
    // Ctrl-Z suspends, saving first (a stopped game may never be continued), and
    // stays where it was.
    assert_eq!(kinds(&update(&mut app, Msg::Suspend)), "save:auto suspend");
    assert_eq!(*app.screen(), Screen::Play);
    // Ctrl-C still leaves, saving.
    assert_eq!(kinds(&update(&mut app, Msg::Interrupt)), "save:auto quit");
}

#[test]
fn issue_13_2_the_title_menu_scrolls_at_40x12_with_its_marker_in_view() {
    let mut app = at_title(story(), 40, 12);
    list(&mut app, vec![slot("auto", 3, 1)]);
    let items = app.menu_items();
    for item in &items {
        app.menu = *item;
        let screen = render(&app, 40, 12);
        assert!(
            screen.contains(&format!("▸ {}", item.label())),
            "{item:?} not shown highlighted:\n{screen}"
        );
    }
    app.menu = MenuItem::Quit;
    insta::assert_snapshot!("title_40x12", render(&app, 40, 12));
}

#[test]
fn issue_13_2_the_content_note_is_shown_whole_before_it_can_be_dismissed() {
    let mut p = seasoned();
    p.settings.content_note_seen = false;
    let mut app = App::new(crowded(), p, 7, false);
    update(&mut app, Msg::Resize(40, 12));
    insta::assert_snapshot!("content_note_40x12", render(&app, 40, 12));
    let last_words = "The last words of the note.";
    // The screen's first row: the note's header, with its markers.
    let header_line = |app: &App| {
        render(app, 40, 12)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let mut pages = 0;
    while !render(&app, 40, 12).contains(last_words) {
        assert_eq!(*app.screen(), Screen::ContentNote, "dismissed unread");
        let cmds = update(&mut app, Msg::Confirm);
        assert_eq!(kinds(&cmds), "");
        pages += 1;
        assert!(pages < 20);
        // Paged on, the header marks the lines above as well as those below.
        let header = header_line(&app);
        assert!(
            header.contains('▲'),
            "no marker for the lines above: {header}"
        );
        if pages == 1 {
            insta::assert_snapshot!("content_note_40x12_paged_once", render(&app, 40, 12));
        }
    }
    assert!(pages > 0, "at 40×12 the note needs more than one page");
    let header = header_line(&app);
    assert!(
        header.contains("▲ more above") && !header.contains('▼'),
        "{header}"
    );
    assert!(render(&app, 40, 12).contains("continue"));
    assert_eq!(kinds(&update(&mut app, Msg::Confirm)), "profile");
    assert_eq!(*app.screen(), Screen::Title);
}

#[test]
fn issue_13_2_play_help_and_pause_fit_40x12_with_clipping_marked() {
    let mut app = playing(crowded(), 40, 12);
    insta::assert_snapshot!("play_40x12", render(&app, 40, 12));
    let screen = render(&app, 40, 12);
    // The choices do not all fit: the hidden ones are marked, and the highlight
    // stays in view whichever is chosen.
    assert!(screen.contains("more"), "{screen}");
    for n in 1..6 {
        update(&mut app, Msg::Down);
        let screen = render(&app, 40, 12);
        assert!(
            screen.contains(&format!("▸ {}. Choice {}", n + 1, n)),
            "highlight lost:\n{screen}"
        );
    }
    insta::assert_snapshot!("play_40x12_last_choice", render(&app, 40, 12));
    // A long status bar puts date and place on a second row rather than cutting them.
    let mut app = playing(story(), 40, 12);
    if let Some(g) = &mut app.game {
        g.scene.place = "The embassy garden".into();
    }
    let screen = render(&app, 40, 12);
    assert!(
        screen.contains("Morning  ·  The embassy garden"),
        "{screen}"
    );
    update(&mut app, Msg::Help);
    insta::assert_snapshot!("help_40x12", render(&app, 40, 12));
    update(&mut app, Msg::Back);
    update(&mut app, Msg::Back);
    assert_eq!(*app.screen(), Screen::Pause);
    insta::assert_snapshot!("pause_40x12", render(&app, 40, 12));
}

#[test]
fn issue_13_3_continue_details_are_not_clipped_at_100_columns() {
    let mut app = at_title(story(), 100, 30);
    let mut s = slot("auto", 12, 3000);
    if let Some(l) = &mut s.label {
        l.chapter = "The Chapter With A Rather Long Name Indeed".into();
        l.place = "The Embassy Garden Behind The Old Wall".into();
    }
    list(&mut app, vec![s]);
    assert_eq!(app.menu, MenuItem::Continue);
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("The Embassy Garden Behind The Old Wall"),
        "{screen}"
    );
    assert!(
        screen.contains("12 choices · 19 min · 2 days ago"),
        "{screen}"
    );
    assert!(
        !screen.lines().any(|l| l.trim_end().ends_with('·')),
        "{screen}"
    );
}

#[test]
fn issue_13_4_the_chapter_card_grows_with_its_text() {
    let mut app = at_title(story(), 100, 30);
    update(&mut app, Msg::Confirm);
    let place = "a walled garden behind the embassy, by the pond, under the plane trees";
    if let Some(g) = &mut app.game {
        g.scene.place = place.into();
    }
    let screen = render(&app, 100, 30);
    assert!(screen.contains(place), "{screen}");
    // At 40 columns it wraps instead of cutting.
    update(&mut app, Msg::Resize(40, 12));
    let screen = render(&app, 40, 12);
    assert!(screen.contains("plane trees"), "{screen}");
}

#[test]
fn issue_13_6_after_an_ending_the_title_offers_a_new_game() {
    let mut app = at_ending(80, 24);
    assert!(app.game.as_ref().unwrap().state.is_over());
    update(&mut app, Msg::Confirm);
    assert_eq!(*app.screen(), Screen::Title);
    assert_eq!(app.menu, MenuItem::NewGame, "not Continue");
    let cmds = update(&mut app, Msg::Confirm);
    assert!(!kinds(&cmds).contains("load"), "{}", kinds(&cmds));
}

#[test]
fn issue_13_8_footers_fit_what_the_screen_is_doing() {
    let mut app = at_title(story(), 80, 24);
    update(&mut app, Msg::Confirm);
    let card = render(&app, 80, 24);
    assert!(card.trim_end().ends_with("any key go on"), "{card}");
    assert!(!card.contains("choose"), "{card}");
    let ending = render(&at_ending(100, 30), 100, 30);
    assert!(ending.contains("l load"), "{ending}");
    let replay = replaying(story(), &path_to_ending());
    let mut replay = replay;
    update(&mut replay, Msg::Resize(80, 24));
    let screen = render(&replay, 80, 24);
    assert!(!screen.contains("Enter or PgDn"), "{screen}");
    assert!(screen.contains("Enter play on"), "{screen}");
}

#[test]
fn issue_13_9_a_from_game_does_not_claim_its_saves_are_kept() {
    let mut app = playing(story(), 80, 24);
    app.scratch = true;
    update(
        &mut app,
        Msg::Saved {
            slot: "1".into(),
            error: None,
            quiet: false,
        },
    );
    let notice = app.notice.clone().unwrap();
    assert!(
        notice.contains("scratch folder") && notice.contains("not kept"),
        "{notice}"
    );
    update(&mut app, Msg::Quit);
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("saved automatically"), "{screen}");
    assert!(screen.contains("not kept"), "{screen}");
}

#[test]
fn issue_13_10_back_to_the_title_mid_game_and_new_game_asks_first() {
    let mut app = playing(story(), 80, 24);
    list(
        &mut app,
        vec![slot("auto", 0, 0), slot(PREVIOUS_AUTO_SLOT, 2, 50)],
    );
    update(&mut app, Msg::Back);
    assert_eq!(*app.screen(), Screen::Pause);
    update(&mut app, Msg::End);
    update(&mut app, Msg::Up);
    assert_eq!(app.pause, PauseItem::Title);
    assert_eq!(kinds(&update(&mut app, Msg::Confirm)), "");
    assert_eq!(*app.screen(), Screen::Title);
    assert!(app.game.is_none());
    assert_eq!(
        app.menu,
        MenuItem::Continue,
        "the game left is one to continue"
    );
    app.menu = MenuItem::NewGame;
    assert_eq!(kinds(&update(&mut app, Msg::Confirm)), "");
    assert_eq!(*app.screen(), Screen::ConfirmNewGame);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("moves to Previous"), "{screen}");
    assert!(screen.contains("replacing"), "{screen}");
    update(&mut app, Msg::No);
    assert_eq!(*app.screen(), Screen::Title);
    update(&mut app, Msg::Confirm);
    assert_eq!(kinds(&update(&mut app, Msg::Yes)), "clock save:auto");
    assert_eq!(*app.screen(), Screen::Play);
}

#[test]
fn the_pause_menu_opens_every_entry() {
    let expect = [
        (PauseItem::Resume, Screen::Play),
        (PauseItem::Save, Screen::SaveSlots),
        (PauseItem::Load, Screen::LoadSlots),
        (PauseItem::Journal, Screen::Journal),
        (PauseItem::Settings, Screen::Settings),
        (PauseItem::Help, Screen::Help),
        (PauseItem::Title, Screen::Title),
        (PauseItem::Quit, Screen::ConfirmQuit),
    ];
    for (n, (item, screen)) in expect.into_iter().enumerate() {
        let mut app = playing(story(), 80, 24);
        update(&mut app, Msg::Back);
        update(&mut app, Msg::Digit(u8::try_from(n + 1).unwrap()));
        assert_eq!(app.pause, item);
        assert_eq!(*app.screen(), screen, "{item:?}");
    }
    // Settings and help go back to the menu, not the game.
    let mut app = playing(story(), 80, 24);
    send(&mut app, &[Msg::Back, Msg::Digit(5), Msg::Back]);
    assert_eq!(*app.screen(), Screen::Pause);
    update(&mut app, Msg::Back);
    assert_eq!(*app.screen(), Screen::Play, "Esc resumes");
    insta::assert_snapshot!("pause_80x24", {
        update(&mut app, Msg::Back);
        render(&app, 80, 24)
    });
}

#[test]
fn the_backlog_rereads_an_earlier_scene_exactly_with_its_choice() {
    let mut app = playing(story(), 80, 24);
    let first = render(&app, 80, 24);
    send(&mut app, &[Msg::Digit(1), Msg::Confirm]);
    update(&mut app, Msg::Journal);
    update(&mut app, Msg::Home);
    update(&mut app, Msg::Confirm);
    assert_eq!(*app.screen(), Screen::Reading);
    let reading = render(&app, 80, 24);
    assert!(reading.contains("The Gate · Morning · A gate"), "{reading}");
    // The text with its interpolated variable, as it was shown.
    assert!(
        first.contains("courage 5") && reading.contains("courage 5"),
        "{reading}"
    );
    assert!(reading.contains("You chose"), "{reading}");
    assert!(reading.contains("▸ Search the grass"), "{reading}");
    insta::assert_snapshot!("backlog_80x24", reading);
    update(&mut app, Msg::Back);
    assert_eq!(*app.screen(), Screen::Journal);
}

#[test]
fn the_endings_gallery_shows_found_ones_with_their_date_and_epilogue() {
    let app = at_ending(80, 24);
    // Reaching the ending recorded its epilogue as shown.
    let record = app
        .session
        .profile
        .endings_record
        .get("home")
        .cloned()
        .unwrap();
    assert_eq!(record.epilogue[0], "You kept 3 coins.");
    assert_eq!(
        record.first_found,
        Some(
            now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        )
    );
    let profile: Profile = app.session.profile.clone();
    let mut app = App::new(story(), profile, 7, false);
    update(&mut app, Msg::Resize(80, 24));
    app.menu = MenuItem::Endings;
    update(&mut app, Msg::Confirm);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Home Again — found 2027-01-15"), "{screen}");
    update(&mut app, Msg::Confirm);
    assert_eq!(*app.screen(), Screen::Reading);
    assert!(render(&app, 80, 24).contains("You kept 3 coins."));
    // Locked endings show only how many remain.
    let mut p = seasoned();
    p.endings_found.clear();
    let mut app = App::new(story(), p, 7, false);
    update(&mut app, Msg::Resize(80, 24));
    app.menu = MenuItem::Endings;
    update(&mut app, Msg::Confirm);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("1 more to find"), "{screen}");
    assert!(!screen.contains("Home Again"), "{screen}");
}

#[test]
fn clicking_a_choice_takes_it() {
    let mut app = playing(story(), 80, 24);
    let screen = render(&app, 80, 24);
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Climb over"))
        .unwrap();
    let col = line.find("Climb").unwrap();
    let cmds = update(
        &mut app,
        Msg::Click(u16::try_from(col).unwrap(), u16::try_from(row).unwrap()),
    );
    assert_eq!(kinds(&cmds), "profile save:auto");
    assert_eq!(app.game.as_ref().unwrap().state.path[0].choice, "climb");
    // A click on the prose takes nothing.
    let mut app = playing(story(), 80, 24);
    assert_eq!(kinds(&update(&mut app, Msg::Click(5, 2))), "");
    assert!(app.game.as_ref().unwrap().state.path.is_empty());
    // A click on a dimmed choice says why.
    let (row, _) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Open the gate"))
        .unwrap();
    update(&mut app, Msg::Click(10, u16::try_from(row).unwrap()));
    assert!(app.game.as_ref().unwrap().state.path.is_empty());
    assert_eq!(app.notice.as_deref(), Some("It is locked."));
}

#[test]
fn a_slow_typewriter_still_shows_the_first_page_from_the_top() {
    let mut p = seasoned();
    p.settings.text_speed = TextSpeed::Slow;
    let mut app = App::new(story(), p, 7, false);
    send(
        &mut app,
        &[Msg::Resize(40, 12), Msg::Confirm, Msg::OtherKey],
    );
    for _ in 0..2000 {
        update(&mut app, Msg::Tick);
    }
    let g = app.game.as_ref().unwrap();
    assert_eq!((g.scroll, g.revealed), (0, g.total));
}

#[test]
fn text_read_in_an_earlier_game_is_shown_at_once_unless_the_setting_says_otherwise() {
    let mut p = seasoned();
    p.settings.text_speed = TextSpeed::Slow;
    let first_game = |p: Profile| {
        let mut app = App::new(story(), p, 7, false);
        send(
            &mut app,
            &[Msg::Resize(80, 24), Msg::Confirm, Msg::OtherKey],
        );
        app
    };
    let mut app = first_game(p.clone());
    assert!(app.animating(), "unread: typed out");
    assert_eq!(app.game.as_ref().unwrap().revealed, 0);
    // Leaving the scene marks its paragraphs read, and the profile is saved.
    send(&mut app, &[Msg::OtherKey]);
    let cmds = update(&mut app, Msg::Digit(1));
    assert!(kinds(&cmds).contains("profile"), "{}", kinds(&cmds));
    assert!(!app.session.profile.read_text.is_empty());
    let read = app.session.profile.clone();
    // The next game (same seed, so the same variants) shows that scene at once.
    let app = first_game(read.clone());
    let g = app.game.as_ref().unwrap();
    assert_eq!(g.revealed, g.total, "read before: shown at once");
    assert!(!app.animating());
    // The setting turns it off.
    let mut retype = read.clone();
    retype.settings.retype_read_text = true;
    let app = first_game(retype);
    assert_eq!(app.game.as_ref().unwrap().revealed, 0);
    // A paragraph whose text differs (another variant) is unread.
    let ids = &read.read_text;
    let g = first_game(read.clone());
    let g = g.game.as_ref().unwrap();
    let text = &g.blocks[0].text;
    assert!(ids.contains(&paragraph_id("gate", 0, text)));
    assert!(!ids.contains(&paragraph_id("gate", 0, &text.replace("painted", "rusted"))));
}

#[test]
fn paragraph_ids_are_stable_across_runs_and_versions() {
    // FNV-1a, pinned: a changed id would make every player's read text unread again.
    assert_eq!(paragraph_id("", 0, ""), paragraph_id("", 0, ""));
    assert_ne!(paragraph_id("a", 0, "x"), paragraph_id("a", 1, "x"));
    assert_ne!(paragraph_id("a", 0, "x"), paragraph_id("b", 0, "x"));
    assert_eq!(paragraph_id("gate", 2, "Hello."), 0xeeab_cb91_058f_0b76);
}

#[test]
fn auto_advance_goes_on_from_a_continue_only_scene_once_it_is_read() {
    let build = |auto: bool| {
        let mut p = seasoned();
        p.settings.auto_advance = auto;
        let mut app = App::new(story(), p, 7, false);
        send(
            &mut app,
            &[
                Msg::Resize(80, 24),
                Msg::Confirm,
                Msg::OtherKey,
                Msg::Digit(1),
            ],
        );
        assert_eq!(app.game.as_ref().unwrap().scene.id, "grass");
        app
    };
    let mut off = build(false);
    assert!(!off.animating(), "off by default: nothing waits");
    let mut on = build(true);
    assert!(on.animating());
    let mut ticks = 0;
    while on.game.as_ref().unwrap().scene.id == "grass" {
        let cmds = update(&mut on, Msg::Tick);
        ticks += 1;
        assert!(ticks < 10_000);
        if on.game.as_ref().unwrap().scene.id != "grass" {
            assert!(kinds(&cmds).contains("save:auto"), "{}", kinds(&cmds));
        }
    }
    assert!(ticks > 50, "time to read first: {ticks} ticks");
    assert_eq!(on.game.as_ref().unwrap().scene.id, "gate");
    // Not from a scene with a real choice.
    assert!(!on.auto_advancing());
    for _ in 0..100 {
        update(&mut off, Msg::Tick);
    }
    assert_eq!(off.game.as_ref().unwrap().scene.id, "grass");
}

#[test]
fn the_profile_sample_in_the_docs_loads_with_every_new_field() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/saves.md")).unwrap();
    let from = doc.find("## The profile").unwrap();
    let start = doc[from..].find("```ron\n").unwrap() + from + "```ron\n".len();
    let end = doc[start..].find("```").unwrap() + start;
    let profile: Profile = ron::from_str(&doc[start..end]).unwrap();
    assert_eq!(
        profile.endings_record["home"].epilogue[0],
        "You kept 3 coins."
    );
    assert_eq!(profile.read_text.len(), 2);
    assert!(profile.settings.content_note_seen && !profile.settings.auto_advance);
}

#[test]
fn a_save_can_be_named_and_the_list_shows_the_name_and_the_date() {
    let mut app = playing(story(), 80, 24);
    let mut named = slot("2", 4, 3000);
    named.name = Some("before the opera".into());
    list(&mut app, vec![named]);
    // An empty slot: straight to the name.
    send(&mut app, &[Msg::Save, Msg::Digit(3)]);
    assert_eq!(*app.screen(), Screen::NameSave("3".into()));
    for c in "at the gate!x".chars() {
        update(&mut app, Msg::Type(c));
    }
    update(&mut app, Msg::Erase);
    assert!(render(&app, 80, 24).contains("› at the gate!▏"));
    let cmds = update(&mut app, Msg::Confirm);
    match &cmds[..] {
        [butterfly::tui::Command::Save { slot, name, .. }] => {
            assert_eq!(
                (slot.as_str(), name.as_deref()),
                ("3", Some("at the gate!"))
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(*app.screen(), Screen::Play);
    // An occupied slot asks first, then offers its name to keep or change; Esc goes back.
    send(&mut app, &[Msg::Save, Msg::Digit(2), Msg::Yes]);
    assert_eq!(app.save_name, "before the opera");
    update(&mut app, Msg::Back);
    assert_eq!(*app.screen(), Screen::SaveSlots);
    // The load screen lists the name, where, and the calendar date it was saved.
    send(&mut app, &[Msg::Back, Msg::Load]);
    let screen = render(&app, 100, 30);
    assert!(screen.contains("“before the opera” · The Gate"), "{screen}");
    assert!(screen.contains("2027-01-13"), "{screen}");
    // Names are capped.
    send(&mut app, &[Msg::Back, Msg::Save, Msg::Digit(4)]);
    for _ in 0..100 {
        update(&mut app, Msg::Type('a'));
    }
    assert_eq!(
        app.save_name.chars().count(),
        butterfly::save::MAX_NAME_CHARS
    );
}

#[test]
fn a_named_save_round_trips_through_the_store_as_format_2() {
    let dir = tempfile::tempdir().unwrap();
    let store = butterfly::save::SaveStore::new(dir.path().to_owned());
    let (state, _) = engine::start(story(), 7).unwrap();
    store
        .save_named(
            "1",
            story(),
            &state,
            Duration::ZERO,
            Some("  by the well \u{1b}[31m "),
        )
        .unwrap();
    store.save("2", story(), &state, Duration::ZERO).unwrap();
    let list = store.list_for(story());
    let one = list.iter().find(|s| s.slot == "1").unwrap();
    let name = one.name.clone().unwrap();
    assert!(
        name.starts_with("by the well") && !name.contains('\u{1b}'),
        "{name:?}"
    );
    assert_eq!(list.iter().find(|s| s.slot == "2").unwrap().name, None);
    let text = std::fs::read_to_string(dir.path().join("1.ron")).unwrap();
    assert!(text.contains("format: 3"), "{text}");
    assert!(store.load("1", story()).is_ok());
    // A format-1 save (no name) still loads.
    let v1 = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/saves/v1_fixture.ron"
    );
    assert!(butterfly::save::load_file(std::path::Path::new(v1), story()).is_ok());
}

#[test]
fn at_40_columns_each_slot_takes_two_lines_so_name_and_date_show() {
    let mut app = playing(story(), 40, 12);
    let mut named = slot("1", 4, 3000);
    named.name = Some("by the well".into());
    list(&mut app, vec![named]);
    update(&mut app, Msg::Load);
    for _ in 0..3 {
        update(&mut app, Msg::Down);
    }
    let screen = render(&app, 40, 12);
    assert!(screen.contains("▸ Slot 1    “by the well” ·"), "{screen}");
    assert!(
        screen.contains("4 choices · 6 min · 2027-01-13"),
        "{screen}"
    );
    insta::assert_snapshot!("load_40x12", screen);
}
