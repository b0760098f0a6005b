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

use super::app::{Msg, WHEEL_LINES};

/// Scrolls a list for the usual keys; false when `msg` is not a scrolling key.
pub(crate) fn scroll_list(scroll: &mut usize, max: usize, page: usize, msg: &Msg) -> bool {
    let new = match msg {
        Msg::Up => scroll.saturating_sub(1),
        Msg::Down => *scroll + 1,
        Msg::WheelUp => scroll.saturating_sub(WHEEL_LINES.unsigned_abs()),
        Msg::WheelDown => *scroll + WHEEL_LINES.unsigned_abs(),
        Msg::PageUp => scroll.saturating_sub(page),
        Msg::PageDown => *scroll + page,
        Msg::Home => 0,
        Msg::End => max,
        _ => return false,
    };
    *scroll = new.min(max);
    true
}
