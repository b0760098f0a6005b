//! What a recorded game keeps when the story under it changed: the one rule that the
//! loader, the front ends and `butterfly diff` share.
//!
//! A save is a recording, so an edited story is met by replaying it: every step that
//! still applies is kept and the game resumes after the last of them (see
//! [`replay_checked`](super::replay_checked)). This module turns the resulting
//! [`Divergence`] into the plain facts a player or an author needs — where the game
//! resumes, how many recorded choices still hold and how many are lost — and the
//! sentence a player reads, so no front end words it differently.

use super::step::Divergence;
use crate::story::Story;

/// A recorded game carried over to an edited story that no longer fits all of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// Choices the recording held.
    pub recorded: usize,
    /// Of those, the ones that still replay (the game resumes after the last of them).
    pub kept: usize,
    /// The scene the game resumes in.
    pub scene: String,
    /// That scene's chapter title (terminal-safe: story text is sanitised at load).
    pub chapter: String,
    /// That scene's place label (terminal-safe).
    pub place: String,
    /// The first recorded step that no longer fits, and why.
    pub divergence: Divergence,
}

impl Migration {
    /// Recorded choices that will have to be made again.
    #[must_use]
    pub fn lost(&self) -> usize {
        self.recorded.saturating_sub(self.kept)
    }

    /// What the player is told, in one sentence: where they are and what it cost.
    #[must_use]
    pub fn notice(&self) -> String {
        let lost = self.lost();
        let choices = if lost == 1 { "choice" } else { "choices" };
        let at = if self.place.is_empty() {
            self.chapter.clone()
        } else {
            format!("{} ({})", self.chapter, self.place)
        };
        format!("The story was updated; you are back at {at}, {lost} {choices} earlier.")
    }
}

/// Describes a recording of `recorded` choices that diverged from `story` as
/// `divergence` says: the game resumes from `divergence.last_good`.
#[must_use]
pub fn migrate(story: &Story, recorded: usize, divergence: Divergence) -> Migration {
    let scene = divergence.last_good.scene.clone();
    let (chapter, place) = story
        .scene(&scene)
        .map(|s| (s.chapter.to_string(), s.place.to_string()))
        .unwrap_or_default();
    Migration {
        recorded,
        kept: divergence.last_good.path.len().min(recorded),
        scene,
        chapter,
        place,
        divergence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Step, replay};
    use crate::story::{SourceFile, load};

    fn story() -> Story {
        let header =
            r#"Story(id: "m", title: "M", start: "a", endings: [Ending(id: "end", title: "End")])"#;
        let chapter = r#"Chapter(title: "One", date: "Today", place: "A room", scenes: [
            Scene(id: "a", text: ["A."], choices: [Choice(id: "go", label: "Go", goto: "b")]),
            Scene(id: "b", text: ["B."], choices: [Choice(id: "stay", label: "Stay", goto: "c")]),
            Scene(id: "c", text: ["C."], ending: "end"),
        ])"#;
        let files = vec![
            SourceFile {
                path: "header.ron".to_owned(),
                bytes: header.into(),
            },
            SourceFile {
                path: "one.ron".to_owned(),
                bytes: chapter.into(),
            },
        ];
        let loaded = load(&files);
        let problems: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
        loaded.story.unwrap_or_else(|| panic!("{problems:?}"))
    }

    #[test]
    fn counts_what_is_kept_and_says_where_the_player_is() {
        let story = story();
        let steps = [("a", "go"), ("b", "renamed")].map(|(s, c)| Step {
            scene: s.to_owned(),
            choice: c.to_owned(),
        });
        let d = replay(&story, 1, &steps).expect_err("`renamed` is not a choice of `b`");
        let m = migrate(&story, 2, d);
        assert_eq!((m.kept, m.lost(), m.scene.as_str()), (1, 1, "b"));
        assert_eq!(
            m.notice(),
            "The story was updated; you are back at One (A room), 1 choice earlier."
        );
    }
}
