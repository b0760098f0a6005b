//! The save and load screens, the question before a save is overwritten, and naming a
//! save before it is written.

use crate::save::{MANUAL_SLOTS, MAX_NAME_CHARS, SlotInfo};
use crate::tui::app::{App, Command, Msg, Screen, capitalise, slot_name};

/// Writes the game to `slot` under `name` and closes the slot screens.
fn save_to(app: &mut App, slot: &str, name: Option<String>) -> Vec<Command> {
    app.stack.retain(|s| *s == Screen::Play);
    let Some(game) = &app.game else {
        return Vec::new();
    };
    vec![Command::Save {
        slot: slot.to_owned(),
        state: Box::new(game.state.clone()),
        name,
    }]
}

/// Asks for a name for the save to `slot`, starting from the name it has now.
fn ask_name(app: &mut App, slot: &str) {
    app.save_name = app
        .slot(slot)
        .and_then(|s| s.name.clone())
        .unwrap_or_default();
    app.stack.push(Screen::NameSave(slot.to_owned()));
}

/// Typing a save's name: characters add, Backspace deletes, Enter saves (a blank name
/// saves without one), Esc goes back to the slots.
pub fn name_save(app: &mut App, slot: &str, msg: &Msg) -> Vec<Command> {
    match msg {
        Msg::Type(c) if !c.is_control() && app.save_name.chars().count() < MAX_NAME_CHARS => {
            app.save_name.push(*c);
        }
        Msg::Erase => {
            app.save_name.pop();
        }
        Msg::Confirm => {
            let name = std::mem::take(&mut app.save_name);
            let name = Some(name.trim().to_owned()).filter(|n| !n.is_empty());
            return save_to(app, slot, name);
        }
        Msg::Back => {
            app.save_name.clear();
            app.pop();
        }
        _ => {}
    }
    Vec::new()
}

/// A key on the save screen.
pub fn save_slots(app: &mut App, msg: &Msg) -> Vec<Command> {
    let rows = App::save_rows();
    let pick = |app: &mut App, slot: &str| -> Vec<Command> {
        if app.slot(slot).is_some() {
            app.stack.push(Screen::ConfirmOverwrite(slot.to_owned()));
        } else {
            ask_name(app, slot);
        }
        Vec::new()
    };
    if let Some(slot) = slot_cursor(app, &rows, msg) {
        return pick(app, slot);
    }
    match msg {
        Msg::Save | Msg::Back | Msg::Quit => app.pop(),
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        _ => {}
    }
    Vec::new()
}

/// A key on the load screen.
pub fn load_slots(app: &mut App, msg: &Msg) -> Vec<Command> {
    let rows = App::load_rows();
    let pick = |app: &mut App, slot: &str| -> Vec<Command> {
        match app.slot(slot) {
            None => {
                app.flash(format!("{} is empty.", capitalise(&slot_name(slot))));
                Vec::new()
            }
            Some(SlotInfo {
                problem: Some(p), ..
            }) => {
                let p = p.clone();
                app.flash(format!(
                    "{} cannot be loaded: {p}",
                    capitalise(&slot_name(slot))
                ));
                Vec::new()
            }
            Some(_) => vec![Command::Load {
                slot: slot.to_owned(),
            }],
        }
    };
    if let Some(slot) = slot_cursor(app, &rows, msg) {
        return pick(app, slot);
    }
    match msg {
        Msg::Load | Msg::Back | Msg::Quit => app.pop(),
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        _ => {}
    }
    Vec::new()
}

/// The keys both slot screens share: the cursor moves over `rows`, and Enter or a
/// digit picks a slot (returned, with the cursor left on it).
fn slot_cursor(app: &mut App, rows: &[&'static str], msg: &Msg) -> Option<&'static str> {
    let last = rows.len() - 1;
    match msg {
        Msg::Up => app.cursor = (app.cursor + last) % rows.len(),
        Msg::Down => app.cursor = (app.cursor + 1) % rows.len(),
        Msg::Home => app.cursor = 0,
        Msg::End => app.cursor = last,
        Msg::Confirm => return Some(rows[app.cursor.min(last)]),
        Msg::Digit(n) => {
            let slot = manual_slot(*n)?;
            app.cursor = rows.iter().position(|r| *r == slot).unwrap_or(0);
            return Some(slot);
        }
        _ => {}
    }
    None
}

fn manual_slot(n: u8) -> Option<&'static str> {
    MANUAL_SLOTS.get(usize::from(n).checked_sub(1)?).copied()
}

/// "Overwrite this slot?": yes saves over it, no goes back to the list.
pub fn confirm_overwrite(app: &mut App, slot: &str, msg: &Msg) -> Vec<Command> {
    match msg {
        Msg::Yes | Msg::Confirm => {
            app.pop();
            ask_name(app, slot);
            Vec::new()
        }
        Msg::No | Msg::Back | Msg::Quit => {
            app.pop();
            Vec::new()
        }
        _ => Vec::new(),
    }
}
