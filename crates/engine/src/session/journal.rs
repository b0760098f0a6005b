//! The journal: the history of a game, for the player to read back.
//!
//! Rebuilt by replaying the game's path rather than kept as it happens: exact even
//! after a load or an undo, and choice labels read as they did when chosen.

use crate::engine::{self, GameState};
use crate::story::Story;
use crate::story::emphasis::strip;

/// A line of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalEntry {
    /// A new chapter began.
    Chapter(String),
    /// A scene was visited.
    Scene {
        /// "date · place".
        when: String,
        /// The start of its first paragraph.
        opening: String,
    },
    /// A choice was made.
    Choice(String),
    /// The game ended.
    Ending(String),
}

/// The history of the game in `state`.
#[must_use]
pub fn journal(story: &Story, state: &GameState) -> Vec<JournalEntry> {
    let mut out = Vec::new();
    let Ok((mut s, _)) = engine::start(story, state.seed) else {
        return out;
    };
    let mut chapter: Option<String> = None;
    let mut scene = |s: &GameState, out: &mut Vec<JournalEntry>| {
        let Ok(view) = engine::render(story, s) else {
            return;
        };
        if chapter.as_deref() != Some(view.chapter.as_str()) {
            out.push(JournalEntry::Chapter(view.chapter.clone()));
            chapter = Some(view.chapter.clone());
        }
        let opening = view
            .paragraphs
            .first()
            .map(|p| strip(p))
            .unwrap_or_default();
        out.push(JournalEntry::Scene {
            when: format!("{} · {}", view.date, view.place),
            opening,
        });
        if let Some(e) = view.ending {
            out.push(JournalEntry::Ending(e.title));
        }
    };
    for step in &state.path {
        scene(&s, &mut out);
        let label = engine::choices(story, &s)
            .into_iter()
            .find(|c| c.id == step.choice)
            .map_or_else(|| step.choice.clone(), |c| c.label);
        out.push(JournalEntry::Choice(strip(&label)));
        if engine::choose(story, &mut s, &step.choice).is_err() {
            return out;
        }
    }
    scene(&s, &mut out);
    out
}
