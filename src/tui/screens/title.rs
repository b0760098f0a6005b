//! The title menu, and the question a new game asks when it would push out an autosave.

use crate::save::AUTO_SLOT;
use crate::tui::app::{App, Command, MenuItem, Msg, Screen};

/// A key on the title menu.
pub fn title(app: &mut App, msg: &Msg) -> Vec<Command> {
    let items = app.menu_items();
    let pos = items.iter().position(|i| *i == app.menu).unwrap_or(0);
    match msg {
        Msg::Up => app.menu = items[(pos + items.len() - 1) % items.len()],
        Msg::Down => app.menu = items[(pos + 1) % items.len()],
        Msg::Home => app.menu = items[0],
        Msg::End => app.menu = items[items.len() - 1],
        Msg::Digit(n) => {
            if let Some(item) = items.get(usize::from(*n).saturating_sub(1)) {
                app.menu = *item;
                return activate(app, *item);
            }
        }
        Msg::Confirm => return activate(app, items[pos]),
        Msg::Load => return activate(app, MenuItem::Load),
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        Msg::Quit => return vec![Command::Quit],
        // Esc only points at Quit: pressing it twice to leave a sub-screen should not
        // close the game.
        Msg::Back => app.menu = MenuItem::Quit,
        _ => {}
    }
    Vec::new()
}

fn activate(app: &mut App, item: MenuItem) -> Vec<Command> {
    match item {
        // A new game's first autosave pushes the autosave there now into "Previous",
        // and what was in "Previous" is lost: ask first.
        MenuItem::NewGame if app.slot(AUTO_SLOT).is_some() => {
            app.stack.push(Screen::ConfirmNewGame);
        }
        MenuItem::NewGame => return app.new_game(),
        MenuItem::Continue => {
            if let Some(latest) = &app.latest {
                return vec![Command::Load {
                    slot: latest.slot.clone(),
                }];
            }
        }
        MenuItem::Load => return app.open_slots(Screen::LoadSlots),
        MenuItem::Endings => {
            app.cursor = 0;
            app.stack.push(Screen::Endings);
        }
        MenuItem::Settings => {
            app.cursor = 0;
            app.stack.push(Screen::Settings);
        }
        MenuItem::ContentNote => {
            app.note_scroll = 0;
            app.stack.push(Screen::ContentNote);
        }
        MenuItem::Quit => return vec![Command::Quit],
    }
    Vec::new()
}

/// "Start a new game?": yes starts it, no goes back to the menu.
pub fn confirm_new_game(app: &mut App, msg: &Msg) -> Vec<Command> {
    match msg {
        Msg::Yes | Msg::Confirm => app.new_game(),
        Msg::No | Msg::Back | Msg::Quit => {
            app.pop();
            Vec::new()
        }
        _ => Vec::new(),
    }
}
