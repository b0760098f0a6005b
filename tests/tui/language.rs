//! The language setting (issue 18): offered on the settings screen with every
//! translation there is, saved in the profile, applied at once to the story on screen
//! and again at the next start; `--lang` wins for one run.

use std::path::Path;
use std::sync::OnceLock;

use butterfly::save::{Profile, SaveStore, TextSpeed};
use butterfly::story::Story;
use butterfly::story::l10n;
use butterfly::tui::app::PauseItem;
use butterfly::tui::{Command, Msg, Screen, update};
use polib::message::{MessageMutView, MessageView};

use crate::common::pty::Game;
use crate::support::{at_title, fixture, playing, render, send};

/// A copy of the fixture story with two mechanical translations: every line, the
/// game's own words included, wrapped in « » ("French") or in ⟨ ⟩ ("German").
fn story_with_french(to: &Path) {
    crate::common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full"),
        to,
    );
    let story = crate::common::load_dir(to);
    for (lang, open, close) in [("fr", "«", "»"), ("de", "⟨", "⟩")] {
        let text = butterfly::tools::l10n::extract(&story, lang, None).unwrap();
        let mut catalog = polib::po_file::parse_from_reader(text.as_bytes()).unwrap();
        for mut m in catalog.messages_mut() {
            let translated = format!("{open}{}{close}", m.msgid());
            m.set_msgstr(translated).unwrap();
        }
        let path = butterfly::tools::l10n::po_path(to, lang);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        polib::po_file::write_to_file(&catalog, &path).unwrap();
    }
}

fn story() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(fixture)
}

#[test]
fn the_settings_offer_each_translation_and_ask_the_loop_to_switch_at_once() {
    let mut app = playing(story(), 40, 12);
    app.languages = vec!["fr".to_owned()];
    send(&mut app, &[Msg::Back]);
    app.pause = PauseItem::Settings;
    send(&mut app, &[Msg::Confirm]);
    assert_eq!(*app.screen(), Screen::Settings);
    // Up from the first row wraps to the last: the language.
    send(&mut app, &[Msg::Up]);
    insta::assert_snapshot!("settings_language_40x12", render(&app, 40, 12));
    let cmds = update(&mut app, Msg::Right);
    assert_eq!(app.session.profile.settings.language.as_deref(), Some("fr"));
    let [Command::SaveProfile(saved), Command::SetLanguage(switch)] = &cmds[..] else {
        panic!("{cmds:?}");
    };
    assert_eq!(saved.settings.language.as_deref(), Some("fr"));
    assert_eq!(switch.language.as_deref(), Some("fr"));
    assert_eq!(switch.profile.settings.language.as_deref(), Some("fr"));
    assert_eq!(
        switch.stack,
        [Screen::Play, Screen::Pause, Screen::Settings],
        "the player comes back to the settings, over the game"
    );
    let state = switch.state.as_ref().expect("the game goes on");
    assert_eq!(state.scene, app.game.as_ref().unwrap().state.scene);
    // And back: the story's own language is always offered.
    let cmds = update(&mut app, Msg::Right);
    assert!(matches!(&cmds[1], Command::SetLanguage(s) if s.language.is_none()));
    assert_eq!(app.session.profile.settings.language, None);
}

#[test]
fn with_no_translation_the_setting_stays_on_the_story_s_own_language() {
    let mut app = at_title(story(), 100, 30);
    app.stack.push(Screen::Settings);
    app.cursor = 4;
    assert!(update(&mut app, Msg::Right).is_empty());
    assert!(render(&app, 100, 30).contains("Language      ‹ English ›"));
}

#[test]
fn restore_brings_back_the_screens_but_never_a_game_screen_without_a_game() {
    let mut app = at_title(story(), 100, 30);
    update(
        &mut app,
        Msg::Restore {
            stack: vec![Screen::Play, Screen::Pause, Screen::Settings],
            cursor: 4,
            note: "Language: Français.".into(),
        },
    );
    assert_eq!(app.stack, [Screen::Title], "no game came back");
    update(
        &mut app,
        Msg::Restore {
            stack: vec![Screen::Title, Screen::Settings],
            cursor: 4,
            note: "Language: Français.".into(),
        },
    );
    assert_eq!(app.stack, [Screen::Title, Screen::Settings]);
    assert_eq!(app.cursor, 4);
    assert_eq!(app.notice.as_deref(), Some("Language: Français."));
}

#[test]
fn translated_game_words_reach_the_screen() {
    let tmp = tempfile::tempdir().unwrap();
    story_with_french(tmp.path());
    let base = crate::common::load_dir(tmp.path());
    let translation = butterfly::tools::l10n::load(Some(tmp.path()), "fr").unwrap();
    let (french, problems) = l10n::translate(&base, &translation);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(french.words.continue_label, "«Continue»");
    assert_eq!(french.words.afterword, "«Afterword»");
}

/// End to end: French chosen in the settings switches the story on screen at once;
/// after a restart (the profile read again) a new game is French; `--lang` wins.
#[test]
fn choosing_french_switches_the_story_and_survives_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("story");
    story_with_french(&dir);
    let saves = tmp.path().join("saves");
    let store = SaveStore::new(saves.clone());
    let mut profile = Profile::default();
    profile.settings.content_note_seen = true;
    profile.settings.text_speed = TextSpeed::Instant;
    store.save_profile(&profile).unwrap();
    let d = dir.to_str().unwrap();
    let args = ["--story", d, "play", "--seed", "7"];

    let mut t = Game::start(&args, &saves);
    t.wait_for("New game");
    t.press("\r");
    t.wait_for("press any key");
    t.press("x");
    t.wait_for("You stand at a");
    // Esc, 5: the pause menu's settings; ↑ wraps to the language; ← from English
    // goes round to the last language, French (after Deutsch).
    t.press("\x1b");
    t.wait_for("Paused");
    t.press("5");
    t.wait_for("Language      ‹ English ›");
    t.press("\x1b[A");
    t.press("\x1b[D");
    t.wait_for("Language: Français.");
    t.wait_for("Language      ‹ Français ›");
    t.press("\x1b");
    t.press("\x1b");
    t.wait_for("«You stand at a");
    t.press("q");
    t.wait_for("Leave the game?");
    t.press("y");
    let (status, _) = t.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        store.load_profile().settings.language.as_deref(),
        Some("fr"),
        "kept in the profile"
    );

    // Next start: French from the title on; a new game is French.
    new_game_then_quit(&args, &saves, "«You stand at a");

    // `--lang` wins for one run; the setting stays as it was.
    new_game_then_quit(
        &["--story", d, "play", "--seed", "7", "--lang", "de"],
        &saves,
        "⟨You stand at a",
    );
    assert_eq!(
        store.load_profile().settings.language.as_deref(),
        Some("fr")
    );

    // `--lang en`, the story's own language, plays it untranslated for one run.
    let screen = new_game_then_quit(
        &["--story", d, "play", "--seed", "7", "--lang", "en"],
        &saves,
        "You stand at a",
    );
    assert!(!screen.contains('«'), "{screen}");
    assert_eq!(
        store.load_profile().settings.language.as_deref(),
        Some("fr")
    );
}

/// From the title: a new game (over the autosave), past its card, until `shows` is on
/// screen; then quit. The screen as it was before quitting.
fn new_game_then_quit(args: &[&str], saves: &Path, shows: &str) -> String {
    let mut t = Game::start(args, saves);
    t.wait_for("New game");
    t.press("1");
    t.wait_for("Start a new game?");
    t.press("y");
    t.wait_for("press any key");
    t.press("x");
    t.wait_for(shows);
    let screen = t.screen();
    t.press("q");
    t.wait_for("Leave the game?");
    t.press("y");
    assert!(t.wait_exit().0.success());
    screen
}
