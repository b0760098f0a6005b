//! Undo: stepping back one choice by replaying the path without its last step.
//!
//! Rebuilding from the seed instead of keeping a stack of old states means undo costs no
//! memory, cannot drift from what replay and saves see, and keeps random draws
//! consistent: choosing the same thing again after an undo gives the same outcome.

use super::jump::begin;
use super::state::GameState;
use super::step::{Divergence, replay_from};
use crate::story::Story;

/// Why a step could not be undone.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum UndoError {
    /// No choice has been made yet.
    #[error("there is nothing to undo: this is the start")]
    AtStart,
    /// The path no longer replays in this story (it was edited during play).
    #[error("the story changed under this game: {0}")]
    Diverged(Box<Divergence>),
}

/// The state just before the last choice of `state`, replayed from where the game
/// began (its [`opening`](GameState::opening): a `play --from` game steps back to its
/// own scene, not the story's start).
///
/// # Errors
/// At the start of the game, or when the path no longer replays.
pub fn undo(story: &Story, state: &GameState) -> Result<GameState, UndoError> {
    let Some((_, earlier)) = state.path.split_last() else {
        return Err(UndoError::AtStart);
    };
    begin(story, state.seed, &state.opening)
        .and_then(|first| replay_from(story, &first, earlier))
        .map_err(|d| UndoError::Diverged(Box::new(d)))
}
