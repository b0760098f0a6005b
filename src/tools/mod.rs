//! Authoring tools: the story map, automatic playthroughs, numbers, hot reload.
//!
//! Authors of branching fiction lose track of what leads where and whether every ending
//! can still be reached; these answer from the command line (`graph`, `explore`,
//! `stats`) and, for front ends, keep a game going across edits (`reload`, `watch`).
//! `graph`, `explore`, `stats` and `reload` are pure functions of a [`Story`] (and a
//! state); only `watch` and `witness` touch the file system.
//!
//! [`Story`]: crate::story::Story

pub mod explore;
pub mod graph;
pub mod playtest;
pub mod reload;
pub mod search;
pub mod stats;
pub mod verify;
pub mod watch;
pub mod witness;
