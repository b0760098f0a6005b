//! The terminal interface, tested without a terminal (update rules, `TestBackend`
//! renders, insta snapshots, a property test over random states and sizes) and with
//! one (the real binary in a pseudo-terminal).

#[path = "../common/mod.rs"]
mod common;
mod language;
mod migration;
mod notices;
mod player;
mod props;
mod pty;
mod render;
mod support;
mod update;
mod variables;
