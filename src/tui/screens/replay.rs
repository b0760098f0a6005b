//! The replay viewer: stepping through a recorded game, and playing on from a step.

use std::time::Duration;

use crate::tui::app::{App, Command, Msg, Screen, WHEEL_LINES};

/// A key in the replay viewer.
pub fn replay(app: &mut App, msg: &Msg) -> Vec<Command> {
    let Some(r) = &app.replay else {
        return vec![Command::Quit];
    };
    let (now, last) = (r.at, r.last());
    let at = match msg {
        Msg::Right | Msg::Down => (now + 1).min(last),
        Msg::Left | Msg::Up => now.saturating_sub(1),
        Msg::Home => 0,
        Msg::End => last,
        Msg::PageUp => {
            app.scroll_by(-app.prose_page());
            return Vec::new();
        }
        Msg::PageDown => {
            app.scroll_by(app.prose_page());
            return Vec::new();
        }
        Msg::WheelUp => {
            app.scroll_by(-WHEEL_LINES);
            return Vec::new();
        }
        Msg::WheelDown => {
            app.scroll_by(WHEEL_LINES);
            return Vec::new();
        }
        Msg::Confirm => return take_over(app),
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
            return Vec::new();
        }
        Msg::Variables => {
            app.vars_scroll = 0;
            app.stack.push(Screen::Variables);
            return Vec::new();
        }
        Msg::Quit | Msg::Back => return vec![Command::Quit],
        _ => return Vec::new(),
    };
    if at != now {
        if let Some(r) = &mut app.replay {
            r.at = at;
        }
        app.show_replay_step();
    }
    Vec::new()
}

/// Leaves the replay and plays on from the step shown, as a new game.
fn take_over(app: &mut App) -> Vec<Command> {
    let Some(r) = app.replay.take() else {
        return Vec::new();
    };
    let Some(state) = r.recording.state_at(r.at) else {
        return Vec::new();
    };
    let effects = app.session.resume(state, Duration::ZERO);
    match app.show_session(effects, false, false) {
        Ok((cmds, _)) => {
            app.flash(format!("Playing on from step {} as a new game.", r.at));
            cmds
        }
        Err(e) => {
            app.session.end();
            app.flash(format!("Cannot play on: {e}"));
            Vec::new()
        }
    }
}
