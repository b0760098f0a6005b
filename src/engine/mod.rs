//! Play state and the rules that move it: pure, deterministic, no I/O.
//!
//! `start` makes a [`GameState`] from a story and a seed; `choices` lists what the
//! player may do; `choose` applies one choice and returns [`Event`]s. All randomness
//! comes from the `ChaCha8` generator inside the state, so the same story, seed and
//! choices always give the same state, and a state can be saved and resumed exactly.

mod state;
mod step;
mod undo;

pub use state::{GameState, Step};
pub use step::{
    ChoiceView, Divergence, EndingView, EngineError, Event, SceneView, choices, choose, render,
    replay, replay_checked, start,
};
pub use undo::{UndoError, undo};
