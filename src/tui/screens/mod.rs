//! One file per screen: each handler takes the key the player pressed on that screen
//! and changes the model through [`App`](super::app::App)'s methods, returning the
//! [`Command`](super::app::Command)s for the run loop. [`update`](super::update::update)
//! picks the handler by the screen on top.

pub mod lists;
pub mod pause;
pub mod play;
pub mod replay;
pub mod settings;
pub mod slots;
pub mod title;
