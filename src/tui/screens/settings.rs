//! Settings: text speed, colour theme, whether read text is typed again, auto-advance
//! and the story's language; changed in place and saved to the profile. A new language
//! applies at once: the run loop translates the story again and brings the player back
//! here, in the same game.

use crate::save::{TextSpeed, ThemeName};
use crate::tui::app::{App, Command, Msg, Relanguage, Screen, cycle};

/// Rows: text speed, theme, read text, auto-advance, language.
pub const ROWS: usize = 5;

/// The row of the language setting.
pub const LANGUAGE_ROW: usize = 4;

/// The languages offered, in order: the story's own (`None`), then each translation.
#[must_use]
pub fn language_choices(app: &App) -> Vec<Option<String>> {
    std::iter::once(None)
        .chain(app.languages.iter().cloned().map(Some))
        .collect()
}

/// The language setting moved one step: saved, and the story switched at once.
fn change_language(app: &mut App, forward: bool) -> Vec<Command> {
    let all = language_choices(app);
    let now = app.session.profile.settings.language.clone();
    let at = all.iter().position(|l| *l == now).unwrap_or(0);
    let n = all.len();
    let next = all[if forward {
        (at + 1) % n
    } else {
        (at + n - 1) % n
    }]
    .clone();
    if next == now {
        return Vec::new();
    }
    app.session.profile.settings.language.clone_from(&next);
    let relanguage = Relanguage {
        language: next,
        state: app
            .playing()
            .then(|| app.game.as_ref().map(|g| Box::new(g.state.clone())))
            .flatten(),
        stack: app.stack.clone(),
        cursor: app.cursor,
        profile: Box::new(app.session.profile.clone()),
    };
    vec![
        app.save_profile(),
        Command::SetLanguage(Box::new(relanguage)),
    ]
}

/// A key on the settings screen.
pub fn settings(app: &mut App, msg: &Msg) -> Vec<Command> {
    const SPEEDS: [TextSpeed; 4] = [
        TextSpeed::Slow,
        TextSpeed::Normal,
        TextSpeed::Fast,
        TextSpeed::Instant,
    ];
    const THEMES: [ThemeName; 3] = [ThemeName::Default, ThemeName::Sepia, ThemeName::Monochrome];
    let forward = match msg {
        Msg::Up => {
            app.cursor = (app.cursor + ROWS - 1) % ROWS;
            return Vec::new();
        }
        Msg::Down => {
            app.cursor = (app.cursor + 1) % ROWS;
            return Vec::new();
        }
        Msg::Right | Msg::Confirm => true,
        Msg::Left => false,
        Msg::Back | Msg::Quit => {
            app.pop();
            return Vec::new();
        }
        Msg::Help => {
            app.help_scroll = 0;
            app.stack.push(Screen::Help);
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    if app.cursor == LANGUAGE_ROW {
        return change_language(app, forward);
    }
    let s = &mut app.session.profile.settings;
    match app.cursor {
        0 => s.text_speed = cycle(&SPEEDS, s.text_speed, forward),
        1 => s.theme = cycle(&THEMES, s.theme, forward),
        2 => s.retype_read_text = !s.retype_read_text,
        _ => s.auto_advance = !s.auto_advance,
    }
    vec![app.save_profile()]
}
