//! The pause menu (Esc while playing) and the question before quitting.

use crate::tui::app::{App, Command, Msg, PauseItem, Screen};

/// A key on the pause menu.
pub fn pause(app: &mut App, msg: &Msg) -> Vec<Command> {
    let all = PauseItem::ALL;
    let pos = all.iter().position(|i| *i == app.pause).unwrap_or(0);
    let item = match msg {
        Msg::Up => {
            app.pause = all[(pos + all.len() - 1) % all.len()];
            return Vec::new();
        }
        Msg::Down => {
            app.pause = all[(pos + 1) % all.len()];
            return Vec::new();
        }
        Msg::Home => {
            app.pause = all[0];
            return Vec::new();
        }
        Msg::End => {
            app.pause = all[all.len() - 1];
            return Vec::new();
        }
        Msg::Digit(n) => match all.get(usize::from(*n).saturating_sub(1)) {
            Some(item) => {
                app.pause = *item;
                *item
            }
            None => return Vec::new(),
        },
        Msg::Confirm => all[pos],
        Msg::Back => PauseItem::Resume,
        Msg::Quit => PauseItem::Quit,
        Msg::Save => PauseItem::Save,
        Msg::Load => PauseItem::Load,
        Msg::Journal => PauseItem::Journal,
        Msg::Help => PauseItem::Help,
        _ => return Vec::new(),
    };
    activate(app, item)
}

fn activate(app: &mut App, item: PauseItem) -> Vec<Command> {
    match item {
        PauseItem::Resume => app.pop(),
        PauseItem::Save => {
            app.pop();
            return app.open_slots(Screen::SaveSlots);
        }
        PauseItem::Load => {
            app.pop();
            return app.open_slots(Screen::LoadSlots);
        }
        PauseItem::Journal => {
            app.pop();
            super::play::open_journal(app);
        }
        PauseItem::Settings => {
            app.cursor = 0;
            app.stack.push(Screen::Settings);
        }
        PauseItem::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        // The game is autosaved at every scene it enters: nothing is lost.
        PauseItem::Title => app.back_to_title(),
        PauseItem::Quit => app.stack.push(Screen::ConfirmQuit),
    }
    Vec::new()
}

/// "Quit the game?": yes autosaves and leaves, no goes back.
pub fn confirm_quit(app: &mut App, msg: &Msg) -> Vec<Command> {
    match msg {
        Msg::Yes | Msg::Confirm => {
            let mut cmds: Vec<Command> = app.autosave().into_iter().collect();
            cmds.push(Command::Quit);
            cmds
        }
        Msg::No | Msg::Back | Msg::Quit => {
            app.pop();
            Vec::new()
        }
        _ => Vec::new(),
    }
}
