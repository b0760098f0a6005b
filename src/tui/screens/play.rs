//! The game itself: reading a scene, taking a choice, and the keys that open the other
//! screens over it.

use crate::tui::app::{App, Command, Msg, Screen, WHEEL_LINES};
use crate::tui::{layout, wrap};

/// A key on the play screen.
pub fn play(app: &mut App, msg: &Msg) -> Vec<Command> {
    let area = app.area();
    let Some(game) = &mut app.game else {
        app.back_to_title();
        return Vec::new();
    };
    // Any key starts the wait for auto-advance again: the player is still here.
    game.idle = 0;
    if game.card {
        game.card = false;
        return Vec::new();
    }
    if game.revealing() {
        game.revealed = game.total;
        app.fit_scroll();
        return Vec::new();
    }
    let at_ending = game.state.is_over();
    let selected = game.selected;
    let numbered = match msg {
        Msg::Digit(n) => game.nth_enabled(usize::from(*n)),
        _ => None,
    };
    let clicked = match msg {
        Msg::Click(x, y) => layout::choice_at(game, area, *x, *y),
        _ => None,
    };
    match msg {
        Msg::Up => app.move_choice(false),
        Msg::Down => app.move_choice(true),
        // Enter reads on before it chooses, so no one skips text they have not seen.
        Msg::Confirm if app.more_below() => app.scroll_by(app.prose_page()),
        Msg::Confirm if at_ending => {
            let read = app.mark_read();
            app.back_to_title();
            if read {
                return vec![app.save_profile()];
            }
        }
        Msg::Confirm => return app.choose(selected),
        Msg::Click(..) if !at_ending => {
            if let Some(i) = clicked {
                return app.choose(i);
            }
        }
        Msg::Digit(n) => match numbered {
            Some(i) => return app.choose(i),
            None if !at_ending => {
                let why = unavailable(app, usize::from(*n));
                app.flash(why);
            }
            None => {}
        },
        Msg::PageUp => app.scroll_by(-app.prose_page()),
        Msg::PageDown => app.scroll_by(app.prose_page()),
        Msg::WheelUp => app.scroll_by(-WHEEL_LINES),
        Msg::WheelDown => app.scroll_by(WHEEL_LINES),
        Msg::Home => app.scroll_by(isize::MIN / 2),
        Msg::End => app.scroll_by(isize::MAX / 2),
        Msg::Journal => open_journal(app),
        Msg::Save => return app.open_slots(Screen::SaveSlots),
        Msg::Load => return app.open_slots(Screen::LoadSlots),
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        Msg::Undo => return app.undo(),
        Msg::Variables => {
            app.vars_scroll = 0;
            app.stack.push(Screen::Variables);
        }
        Msg::Back => {
            app.pause = crate::tui::app::PauseItem::Resume;
            app.stack.push(Screen::Pause);
        }
        Msg::Quit => app.stack.push(Screen::ConfirmQuit),
        _ => {}
    }
    Vec::new()
}

/// Opens the journal of this playthrough.
pub fn open_journal(app: &mut App) {
    app.build_journal();
    app.stack.push(Screen::Journal);
}

/// Why digit `n` takes no choice. Enabled choices are numbered 1, 2, … and dimmed ones
/// are not, but a player counting the rows on screen means the `n`-th row: when that
/// row is a dimmed choice, say why it is unavailable.
fn unavailable(app: &App, n: usize) -> String {
    let Some(game) = &app.game else {
        return format!("There is no choice {n}.");
    };
    let dimmed = |c: &crate::engine::ChoiceView| {
        let why = c
            .reason
            .as_deref()
            .unwrap_or("not now")
            .trim_end_matches('.');
        let label: String = wrap::markup(&c.label, 0).iter().map(|c| c.ch).collect();
        format!("“{label}” is not available: {why}.")
    };
    match game.choices.get(n.wrapping_sub(1)) {
        Some(c) if !c.enabled => dimmed(c),
        _ => match game.choices.iter().find(|c| !c.enabled) {
            Some(c) if n > game.choices.iter().filter(|c| c.enabled).count() => dimmed(c),
            _ => format!("There is no choice {n}."),
        },
    }
}
