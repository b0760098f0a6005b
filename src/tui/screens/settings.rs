//! Settings: text speed and colour theme, changed in place and saved to the profile.

use crate::save::{TextSpeed, ThemeName};
use crate::tui::app::{App, Command, Msg, Screen, cycle};

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
        Msg::Up | Msg::Down => {
            app.cursor = usize::from(app.cursor == 0);
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
    let s = &mut app.profile.settings;
    if app.cursor == 0 {
        s.text_speed = cycle(&SPEEDS, s.text_speed, forward);
    } else {
        s.theme = cycle(&THEMES, s.theme, forward);
    }
    vec![app.save_profile()]
}
