//! The screens that show a list or a text to read: the content note, the journal (and
//! the earlier scenes it re-opens), help, the endings gallery and the variables panel.

use super::scroll_list;
use crate::tui::app::{App, Command, JournalEntry, Msg, Reading, Screen};
use crate::tui::layout;
use crate::tui::wrap::Block;

fn is_upward(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Up | Msg::PageUp | Msg::Home | Msg::WheelUp | Msg::Left
    )
}

/// The content note. It cannot be dismissed before it has been shown whole: until its
/// end is on screen, a key reads on a page (upward keys scroll back).
pub fn content_note(app: &mut App, msg: &Msg) -> Vec<Command> {
    let lines = layout::note_lines(&app.content_note(), app.area()).len();
    let height = app.list_height().max(1);
    let max = lines.saturating_sub(height);
    if max > 0
        && (is_upward(msg) || (app.note_scroll < max && matches!(msg, Msg::Down | Msg::WheelDown)))
    {
        scroll_list(&mut app.note_scroll, max, height, msg);
        return Vec::new();
    }
    if app.note_scroll < max {
        app.note_scroll = (app.note_scroll + height.saturating_sub(1).max(1)).min(max);
        return Vec::new();
    }
    app.pop();
    if app.session.profile.settings.content_note_seen {
        Vec::new()
    } else {
        app.session.profile.settings.content_note_seen = true;
        vec![app.save_profile()]
    }
}

/// Indices of the journal's scenes (the entries that can be re-read).
fn scene_entries(app: &App) -> Vec<usize> {
    app.journal
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, JournalEntry::Scene { .. }))
        .map(|(i, _)| i)
        .collect()
}

/// The journal: ↑↓ pick a scene, Enter re-reads it as it was shown.
pub fn journal(app: &mut App, msg: &Msg) -> Vec<Command> {
    let scenes = scene_entries(app);
    let pos = scenes
        .iter()
        .position(|&i| i == app.journal_at)
        .unwrap_or(scenes.len().saturating_sub(1));
    let last = scenes.len().saturating_sub(1);
    let page = app.list_height().max(1) / 3;
    let to = match msg {
        Msg::Up | Msg::WheelUp => Some(pos.saturating_sub(1)),
        Msg::Down | Msg::WheelDown => Some((pos + 1).min(last)),
        Msg::PageUp => Some(pos.saturating_sub(page.max(1))),
        Msg::PageDown => Some((pos + page.max(1)).min(last)),
        Msg::Home => Some(0),
        Msg::End => Some(last),
        _ => None,
    };
    if let Some(to) = to {
        if let Some(&i) = scenes.get(to) {
            app.journal_at = i;
        }
        return Vec::new();
    }
    match msg {
        Msg::Journal | Msg::Back | Msg::Quit => app.pop(),
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        Msg::Confirm => {
            if let Some(JournalEntry::Scene { step, .. }) = app.journal.get(app.journal_at) {
                let step = *step;
                match app.scene_at(step) {
                    Some(reading) => {
                        app.reading = Some(reading);
                        app.stack.push(Screen::Reading);
                    }
                    None => app.flash("That scene cannot be shown again."),
                }
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Help: scroll keys scroll, any other key goes back.
pub fn help(app: &mut App, msg: &Msg) -> Vec<Command> {
    let width = layout::column(layout::body(app.area())).width;
    let max = layout::help_rows(width)
        .len()
        .saturating_sub(app.list_height());
    let page = app.list_height().max(1);
    if !scroll_list(&mut app.help_scroll, max, page, msg) {
        app.pop();
    }
    Vec::new()
}

/// The variables panel: scroll keys scroll, Esc, v, Enter or q go back to the game.
pub fn variables(app: &mut App, msg: &Msg) -> Vec<Command> {
    let height = app.list_height().max(1);
    let max = app.variable_rows().len().saturating_sub(height);
    if !scroll_list(&mut app.vars_scroll, max, height, msg) {
        match msg {
            Msg::Back | Msg::Variables | Msg::Confirm | Msg::Quit => app.pop(),
            Msg::Help => {
                app.help_scroll = 0;
                app.stack.push(Screen::Help);
            }
            _ => {}
        }
    }
    Vec::new()
}

/// A text being re-read: scroll keys scroll, Esc, Enter or q go back.
pub fn reading(app: &mut App, msg: &Msg) -> Vec<Command> {
    let area = app.area();
    let height = app.list_height().max(1);
    let Some(r) = &mut app.reading else {
        app.pop();
        return Vec::new();
    };
    let lines = layout::note_lines(&r.blocks, area).len();
    let max = lines.saturating_sub(height);
    if !scroll_list(&mut r.scroll, max, height, msg)
        && matches!(msg, Msg::Back | Msg::Confirm | Msg::Quit | Msg::Journal)
    {
        app.reading = None;
        app.pop();
    }
    Vec::new()
}

/// The endings gallery: ↑↓ over the endings found, Enter re-reads one's epilogue.
pub fn endings(app: &mut App, msg: &Msg) -> Vec<Command> {
    let found = app.found_endings();
    let last = found.len().saturating_sub(1);
    match msg {
        Msg::Up => app.cursor = app.cursor.saturating_sub(1),
        Msg::Down => app.cursor = (app.cursor + 1).min(last),
        Msg::Home => app.cursor = 0,
        Msg::End => app.cursor = last,
        Msg::Confirm => {
            if let Some(ending) = found.get(app.cursor) {
                let blocks = ending.epilogue.iter().map(Block::prose).collect();
                app.reading = Some(Reading {
                    title: format!("Ending: {}", ending.title),
                    blocks,
                    scroll: 0,
                });
                app.stack.push(Screen::Reading);
            }
        }
        Msg::Back | Msg::Quit => app.pop(),
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
        }
        _ => {}
    }
    Vec::new()
}
