//! End to end: the real binary in a pseudo-terminal (the shared harness,
//! `tests/common/pty.rs`), read back through a vt100 parser. A new game, three choices,
//! a save, quit; then the screen must be the normal one again.

use butterfly::save::SaveStore;

use crate::common::pty::Game;

/// From the fixture's content note on screen: on to the title, a new game, past the
/// chapter card and the typewriter (any key completes it), to the gate's first choice.
fn new_game_from_the_note(t: &mut Game) {
    t.press("\r");
    t.wait_for("New game");
    t.press("\r");
    t.wait_for("press any key");
    t.press("x");
    t.wait_for("You stand at a");
    t.press("x");
    t.wait_for("Search the grass");
}

#[test]
fn new_game_three_choices_save_and_quit_in_a_real_terminal() {
    let saves = tempfile::tempdir().unwrap();
    let mut t = Game::start(&["--story", "tests/fixtures/full"], saves.path());

    // First start: the content note, then the title.
    t.wait_for("A note shown before play.");
    assert!(
        t.parser.lock().unwrap().screen().alternate_screen(),
        "the game draws on the alternate screen"
    );
    new_game_from_the_note(&mut t);
    // Choice 1: search the grass.
    t.press("1");
    t.wait_for("The grass is wet");
    t.press("x");
    t.wait_for("1. Continue");
    // Choice 2: continue back to the gate, where the key now opens it.
    t.press("\r");
    t.wait_for("The key is warm in your pocket");
    t.press("x");
    t.wait_for("1. Open the gate");
    // Choice 3: open the gate, into a new chapter.
    t.press("1");
    t.wait_for("The Yard");
    t.press("x");
    t.press("x");
    t.wait_for("Walk home");
    // Save to slot 3.
    t.press("s");
    t.wait_for("Save — choose a slot");
    t.press("3");
    // Named, with a letter that is a key elsewhere (s saves, q quits).
    t.wait_for("A name for this save");
    t.press("qs ok\x7f\x7f\x7fsq");
    t.wait_for("› qssq");
    t.press("\r");
    t.wait_for("Saved to slot 3.");
    assert!(
        t.screen().contains("The yard is quiet"),
        "back in the game:\n{}",
        t.screen()
    );
    // Quit, confirming.
    t.press("q");
    t.wait_for("Leave the game?");
    t.press("y");

    let raw = std::sync::Arc::clone(&t.raw);
    let (status, screen) = t.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is visible again");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse reports off"
    );
    assert!(
        !screen.contents().contains("Walk home"),
        "the game's screen is gone:\n{}",
        screen.contents()
    );
    let raw = raw.lock().unwrap();
    assert!(
        raw.windows(8).any(|w| w == b"\x1b[?1049l"),
        "asked the terminal to leave the alternate screen"
    );

    // Slot 3 and the autosave (written on quit) hold the three choices.
    let store = SaveStore::new(saves.path().to_owned());
    let slots = store.list();
    let three = slots.iter().find(|s| s.slot == "3").unwrap();
    assert_eq!(three.name.as_deref(), Some("qssq"));
    for name in ["3", "auto"] {
        let info = slots
            .iter()
            .find(|s| s.slot == name)
            .unwrap_or_else(|| panic!("no {name} in {slots:?}"));
        assert_eq!(info.steps, Some(3), "{name}");
    }
    assert!(
        store.load_profile().settings.content_note_seen,
        "the note is not shown twice"
    );
}

/// The built-in story (no `--story`): its first screen is drawn from the header while
/// the story compiles on another thread (`tui::header`), and the game then plays the
/// compiled story: keys typed as soon as the note shows are all handled, in order,
/// and quitting restores the terminal.
#[test]
fn the_built_in_story_shows_its_note_from_the_header_then_plays() {
    let saves = tempfile::tempdir().unwrap();
    let mut g = Game::start(&["play", "--seed", "7"], saves.path());
    g.wait_for("Intimacy is implied, never described.");
    assert!(g.screen().contains("Content note"), "{}", g.screen());
    // Dismiss the note, start a new game, pass the card: at once, while the story
    // may still be compiling.
    g.press("\r\rx");
    g.wait_for("The Recital  ·  October 1964");
    g.press("x");
    g.wait_for("Let her tow you to the front row");
    g.press("q");
    g.wait_for("Leave the game?");
    g.press("y");
    let (status, screen) = g.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is visible again");
    let store = SaveStore::new(saves.path().to_owned());
    assert!(store.load_profile().settings.content_note_seen);
    let auto = store.list().into_iter().find(|s| s.slot == "auto");
    assert!(
        auto.is_some_and(|a| a.problem.is_none()),
        "autosaved on quit"
    );
}

/// Issue 13 in the real binary: the pause menu, the backlog (re-reading an earlier
/// scene from the journal) and read-text skipping across two runs of the game.
#[test]
fn pause_menu_backlog_and_read_text_skipping_in_a_real_terminal() {
    let saves = tempfile::tempdir().unwrap();
    let store = SaveStore::new(saves.path().to_owned());
    let mut profile = butterfly::save::Profile::default();
    profile.settings.content_note_seen = true;
    profile.settings.text_speed = butterfly::save::TextSpeed::Slow;
    store.save_profile(&profile).unwrap();
    let args = ["--story", "tests/fixtures/full", "play", "--seed", "7"];
    let typed_after = |g: &Game, from: usize| {
        let raw = g.raw.lock().unwrap();
        raw[from..]
            .windows(b"any key: show all".len())
            .any(|w| w == b"any key: show all")
    };

    let mut g = Game::start(&args, saves.path());
    g.wait_for("New game");
    g.press("\r");
    g.wait_for("press any key");
    let mark = g.raw.lock().unwrap().len();
    g.press("x");
    g.wait_for("any key: show all");
    g.press("x");
    g.wait_for("Search the grass");
    assert!(typed_after(&g, mark), "first reading: typed out");
    g.press("1");
    g.wait_for("The grass is wet");
    g.press("x");
    g.wait_for("1. Continue");

    // The pause menu: Esc, then the journal from it.
    g.press("\x1b");
    g.wait_for("Paused");
    g.wait_for("Back to title");
    g.press("4");
    g.wait_for("Journal — this playthrough");
    // The backlog: the first scene again, as it was shown, with the choice made there.
    g.press("\x1b[H");
    g.press("\r");
    g.wait_for("You chose");
    g.wait_for("▸ Search the grass");
    assert!(
        g.screen().contains("The Gate · Morning · A gate"),
        "{}",
        g.screen()
    );
    g.press("\x1b");
    g.wait_for("Journal — this playthrough");
    g.press("\x1b");
    g.wait_for("1. Continue");

    // Back to the title from the pause menu, then quit from the title.
    g.press("\x1b");
    g.wait_for("Paused");
    g.press("7");
    g.wait_for("New game");
    g.press("q");
    let (status, _) = g.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        !store.load_profile().read_text.is_empty(),
        "the gate's paragraphs were read"
    );

    // A second run, same seed: the gate reads the same and is shown at once.
    let mut g = Game::start(&args, saves.path());
    g.wait_for("New game");
    g.press("\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A");
    g.press("1");
    // A new game would push out the autosave: it asks first.
    g.wait_for("Start a new game?");
    g.press("y");
    g.wait_for("press any key");
    let mark = g.raw.lock().unwrap().len();
    g.press("x");
    g.wait_for("Search the grass");
    assert!(
        !typed_after(&g, mark),
        "read before: shown at once, not typed:\n{}",
        g.screen()
    );
    g.press("q");
    g.wait_for("Leave the game?");
    g.press("y");
    let (status, screen) = g.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(!screen.alternate_screen());
}

/// Issue 13.9 in the real binary: a game begun with `play --from` saves into a scratch
/// folder, and says so instead of promising its saves are kept.
#[test]
fn a_from_game_says_its_saves_are_not_kept() {
    let saves = tempfile::tempdir().unwrap();
    let args = ["--story", "tests/fixtures/full", "play", "--from", "yard"];
    let mut g = Game::start(&args, saves.path());
    g.wait_for("Saves go to a scratch folder, deleted on exit.");
    g.press("x");
    g.press("s");
    g.wait_for("Save — choose a slot");
    g.press("1");
    g.wait_for("A name for this save");
    g.press("\r");
    g.wait_for("in a scratch folder (a --from game is not kept)");
    g.press("q");
    g.wait_for("are in a scratch folder and are not kept");
    assert!(
        !g.screen().contains("saved automatically"),
        "{}",
        g.screen()
    );
    g.press("y");
    let (status, _) = g.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        SaveStore::new(saves.path().to_owned()).list().is_empty(),
        "nothing written where the player's saves are"
    );
}

/// Issue 15: the load and save screens read the saves folder each time they open, so
/// a save that appears on disk while the game runs (another game, a copied file) is
/// listed the next time.
#[test]
fn a_save_written_while_the_game_runs_is_listed_when_the_load_screen_opens_again() {
    let saves = tempfile::tempdir().unwrap();
    let store = SaveStore::new(saves.path().to_owned());
    let mut profile = butterfly::save::Profile::default();
    profile.settings.content_note_seen = true;
    store.save_profile(&profile).unwrap();
    let mut t = Game::start(
        &["--story", "tests/fixtures/full", "play", "--seed", "7"],
        saves.path(),
    );
    t.wait_for("New game");
    t.press("l");
    t.wait_for("Load — choose a save");
    let row = |t: &Game| {
        t.screen()
            .lines()
            .find(|l| l.contains("Slot 5"))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert!(row(&t).contains("— empty —"), "{}", t.screen());
    t.press("\x1b");
    t.wait_for("New game");

    let story = crate::support::fixture();
    let (state, _) = butterfly::engine::start(&story, 3).unwrap();
    store
        .save_named(
            "5",
            &story,
            &state,
            std::time::Duration::ZERO,
            Some("from elsewhere"),
        )
        .unwrap();

    t.press("l");
    t.wait_for("from elsewhere");
    assert!(!row(&t).contains("— empty —"), "{}", t.screen());
    t.press("\x1b");
    t.wait_for("New game");
    // Apart from the Esc, so the two are not read as one Alt-q.
    std::thread::sleep(std::time::Duration::from_millis(100));
    t.press("q");
    assert!(t.wait_exit().0.success());
}

/// Issue 14: the variables panel in the real binary: `v` opens it over the game with
/// the values as the story writes them, `v` closes it.
#[test]
fn the_variables_panel_opens_and_closes_in_a_real_terminal() {
    let saves = tempfile::tempdir().unwrap();
    let store = SaveStore::new(saves.path().to_owned());
    let mut profile = butterfly::save::Profile::default();
    profile.settings.content_note_seen = true;
    profile.settings.text_speed = butterfly::save::TextSpeed::Instant;
    store.save_profile(&profile).unwrap();
    let mut t = Game::start(
        &["--story", "tests/fixtures/full", "play", "--seed", "7"],
        saves.path(),
    );
    t.wait_for("New game");
    t.press("\r");
    t.wait_for("press any key");
    t.press("x");
    t.wait_for("Search the grass");
    t.press("v");
    t.wait_for("5 variables");
    let screen = t.screen();
    let row = |name: &str| {
        screen
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name}:\n{screen}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("courage"), "courage 5 unchanged");
    assert_eq!(row("has_key"), "has_key false unchanged");
    t.press("v");
    t.wait_for("Search the grass");
    t.press("q");
    t.wait_for("Leave the game?");
    t.press("y");
    assert!(t.wait_exit().0.success());
}

/// `play --story DIR` in a real terminal, the author saving a chapter mid-game: the
/// story folder is loaded into the reloader from the start, so the first edit reloads
/// (one file recompiled, `tui::live`'s tests count it), the game goes on where it was,
/// and the new text is what the scene shows.
#[test]
fn an_edit_saved_mid_game_reloads_the_story_folder_in_place() {
    let saves = tempfile::tempdir().unwrap();
    let story = tempfile::tempdir().unwrap();
    crate::common::copy_dir(
        &crate::common::root().join("tests/fixtures/full"),
        story.path(),
    );
    let dir = story.path().to_str().unwrap();
    let mut t = Game::start(&["--story", dir, "play", "--seed", "7"], saves.path());
    t.wait_for("A note shown before play.");
    new_game_from_the_note(&mut t);

    let gate = story.path().join("chapters/a_gate.ron");
    let text = std::fs::read_to_string(&gate)
        .unwrap()
        .replace("{{braces}} stay *literal*.", "Rain on the gate.");
    std::fs::write(&gate, text).unwrap();
    t.wait_for("Story reloaded; your game still fits it.");
    t.press("x");
    t.wait_for("Rain on the gate.");
    t.wait_for("Search the grass");

    t.press("q");
    t.wait_for("Leave the game?");
    t.press("y");
    assert!(t.wait_exit().0.success());
}
