//! Reload: carry a game in progress over to an edited story (the session's rule).
//!
//! A game is its seed, where it began and the choices made since, so the edited story
//! is played again along the same path with [`engine::replay_from`]. If every step still
//! applies and leads to the same scene, the player stays where they were (with the new
//! text and numbers); otherwise the first step that no longer applies is reported,
//! together with the state just before it, so a front end can offer to go on from there.

use crate::engine::{self, Divergence, GameState};
use crate::story::Story;

pub use crate::engine::Opening;

/// The result of a reload.
#[derive(Debug, Clone, PartialEq)]
pub enum ReloadOutcome {
    /// The path still plays, to the same scene: continue with this state.
    Kept(GameState),
    /// The path no longer plays through.
    Diverged {
        /// The first step that failed, and why.
        divergence: Divergence,
        /// The new story's state after the last step that still applied.
        state_at_last_good: GameState,
    },
    /// The new story cannot even begin the game (its start, or the `--from` scene, is
    /// gone, or a `--set` no longer fits): keep playing the old one.
    Unplayable {
        /// Why, in words.
        reason: String,
    },
}

/// Replays `state`'s path on `new_story` from where the game began (its opening).
#[must_use]
pub fn reload(new_story: &Story, state: &GameState) -> ReloadOutcome {
    reload_from(new_story, state, &state.opening)
}

/// Replays `state`'s path on `new_story`, beginning as `opening` says.
#[must_use]
pub fn reload_from(new_story: &Story, state: &GameState, opening: &Opening) -> ReloadOutcome {
    let first = match engine::begin(new_story, state.seed, opening) {
        Ok(s) => s,
        Err(d) => return ReloadOutcome::Unplayable { reason: d.reason },
    };
    match engine::replay_from(new_story, &first, &state.path) {
        Ok(new) if new.scene == state.scene => ReloadOutcome::Kept(new),
        Ok(new) => {
            let (scene, choice) = state
                .path
                .last()
                .map(|s| (s.scene.clone(), s.choice.clone()))
                .unwrap_or_default();
            ReloadOutcome::Diverged {
                divergence: Divergence {
                    step: state.path.len().saturating_sub(1),
                    scene,
                    choice,
                    reason: format!(
                        "it now leads to `{}` instead of `{}`",
                        new.scene, state.scene
                    ),
                    last_good: Box::new(new.clone()),
                },
                state_at_last_good: new,
            }
        }
        Err(divergence) => {
            let state_at_last_good = (*divergence.last_good).clone();
            ReloadOutcome::Diverged {
                divergence,
                state_at_last_good,
            }
        }
    }
}
