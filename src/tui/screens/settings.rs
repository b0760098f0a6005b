//! Settings: text speed, colour theme, whether read text is typed again, and
//! auto-advance; changed in place and saved to the profile.

use crate::save::{TextSpeed, ThemeName};
use crate::tui::app::{App, Command, Msg, Screen, cycle};

/// Rows: text speed, theme, read text, auto-advance.
pub const ROWS: usize = 4;

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
    let s = &mut app.session.profile.settings;
    match app.cursor {
        0 => s.text_speed = cycle(&SPEEDS, s.text_speed, forward),
        1 => s.theme = cycle(&THEMES, s.theme, forward),
        2 => s.retype_read_text = !s.retype_read_text,
        _ => s.auto_advance = !s.auto_advance,
    }
    vec![app.save_profile()]
}
