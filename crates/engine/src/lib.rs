//! The pure core of **Butterfly**: the story compiler ([`story`]), the game engine
//! ([`engine`]) and the game session every front end drives ([`session`]).
//!
//! This crate does no file or terminal I/O: story files come in as `(path, contents)`
//! pairs, games come out as values. It is a crate of its own so that the compiler, not
//! convention, keeps terminal and file-watching crates out of it (see the workspace's
//! `ARCHITECTURE.md`).

pub mod engine;
pub mod limits;
pub mod sanitize;
pub mod session;
pub mod story;
pub mod verify;
