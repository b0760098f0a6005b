//! End to end: the real binary in a pseudo-terminal (the shared harness,
//! `tests/common/pty.rs`), read back through a vt100 parser. A new game, three choices,
//! a save, quit; then the screen must be the normal one again.

use butterfly::save::SaveStore;

use crate::common::pty::Game;

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
    t.press("\r");
    t.wait_for("New game");
    t.press("\r");
    // The chapter card, then the typewriter (any key completes it).
    t.wait_for("press any key");
    t.press("x");
    t.wait_for("You stand at a");
    t.press("x");
    t.wait_for("Search the grass");
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
