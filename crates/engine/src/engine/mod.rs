//! Play state and the rules that move it: pure, deterministic, no I/O.
//!
//! `start` makes a [`GameState`] from a story and a seed; `choices` lists what the
//! player may do; `choose` applies one choice and returns [`Event`]s. All randomness
//! comes from the `ChaCha8` generator inside the state, so the same story, seed and
//! choices always give the same state, and a state can be saved and resumed exactly.

mod jump;
mod migrate;
mod state;
mod step;
mod undo;
mod vars;

pub use crate::story::model::CONTINUE;
pub use jump::{StartAtError, begin, parse_value, start_at};
pub use migrate::{Migration, migrate};
pub use state::{GameState, Opening, Step};
pub use step::{
    ChoiceView, Clamped, Divergence, Draw, EndingView, EngineError, Event, SceneView, available,
    available_positions, choices, choose, choose_at, choose_with, is_available, render, replay,
    replay_checked, replay_from, replay_from_checked, shown_count, start,
};
pub use undo::{UndoError, undo};
pub use vars::{Change, VariableView, variables};
