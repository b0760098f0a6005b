//! The pure core of **Butterfly**: the story compiler ([`story`]) and the game engine
//! ([`engine`]).
//!
//! This crate does no file or terminal I/O: story files come in as `(path, contents)`
//! pairs, games come out as values. It is a crate of its own so that the compiler, not
//! convention, keeps terminal and file-watching crates out of it (see the workspace's
//! `ARCHITECTURE.md`).

pub mod engine;
pub mod limits;
pub mod sanitize;
pub mod story;
