//! Loading a save that an updated story no longer fits in full: the TUI says where the
//! player is, what it cost and where the old save went (issue 18).

use std::path::PathBuf;
use std::sync::OnceLock;

use butterfly::engine::{self, Step};
use butterfly::story::Story;
use butterfly::tui::{Msg, Screen, update};

use crate::support::{at_title, fixture, loaded, render};

fn story() -> &'static Story {
    static STORY: OnceLock<Story> = OnceLock::new();
    STORY.get_or_init(fixture)
}

#[test]
fn a_migrated_save_resumes_and_says_plainly_what_was_lost() {
    let mut app = at_title(story(), 100, 30);
    // Two choices recorded; the second no longer exists in this story.
    let recorded = [("gate", "grass"), ("grass", "fly")].map(|(s, c)| Step {
        scene: s.into(),
        choice: c.into(),
    });
    let divergence = engine::replay(story(), 7, &recorded).unwrap_err();
    let migration = engine::migrate(story(), recorded.len(), divergence.clone());
    let mut save = loaded(
        *divergence.last_good.clone(),
        Some(divergence),
        std::time::Duration::ZERO,
    );
    save.migration = Some(migration);
    save.backup = Some(PathBuf::from("/saves/3.ron.pre-update"));
    update(
        &mut app,
        Msg::Loaded {
            slot: "3".into(),
            result: Ok(save),
        },
    );
    assert_eq!(app.stack, [Screen::Play]);
    assert_eq!(app.game.as_ref().unwrap().state.scene, "grass");
    let notice = "The story was updated; you are back at The Gate (A gate), 1 choice earlier. Old save kept.";
    assert_eq!(app.notice.as_deref(), Some(notice));
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("The story was updated; you are back at The Gate"),
        "{screen}"
    );
    // Issue 18: at 40×12 the notice wraps above the footer instead of being cut.
    let small = render(&app, 40, 12);
    insta::assert_snapshot!("migrated_40x12", small);
    let flat = small.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(notice), "{small}");
}
