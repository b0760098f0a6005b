//! Authoring tools: the story map, automatic playthroughs, numbers, hot reload.
//!
//! Authors of branching fiction lose track of what leads where and whether every ending
//! can still be reached; these answer from the command line (`graph`, `explore`,
//! `stats`) and, for front ends, notice edits (`watch`; carrying the game over is the
//! session's `reload`). `graph`, `explore` and `stats` are pure functions of a
//! [`Story`]; only `watch` and `witness` touch the file system, and `graphviz` runs
//! Graphviz for `graph --svg`.
//!
//! [`Story`]: crate::story::Story

pub mod diff;
pub mod explore;
pub mod graph;
pub mod graphviz;
pub mod l10n;
pub mod playtest;
pub mod search;
pub mod stats;
pub mod watch;
pub mod witness;

// Pure, and hot enough to want the engine crate's optimised test builds.
pub use butterfly_engine::verify;
