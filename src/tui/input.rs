//! Terminal events to [`Msg`]s, through the one keymap in [`keys`], the
//! same on every screen, so what a key *means* is decided by `update` alone.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::keys;
use super::msg::Msg;

/// The message for a terminal event, or `None` for events the game ignores (key
/// releases, mouse motion and other buttons, focus, paste).
#[must_use]
pub fn map(event: &Event, typing: bool) -> Option<Msg> {
    match event {
        Event::Key(key) if typing => Some(map_typing(key)?),
        Event::Key(key) => map_key(key),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(Msg::WheelUp),
            MouseEventKind::ScrollDown => Some(Msg::WheelDown),
            MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click(m.column, m.row)),
            _ => None,
        },
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        _ => None,
    }
}

/// The message for a key press while a name is typed: characters are text, not keys;
/// Enter, Esc, Backspace and Ctrl-C keep their meaning.
fn map_typing(key: &KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    Some(match key.code {
        KeyCode::Char('c' | 'C') if key.modifiers.contains(KeyModifiers::CONTROL) => Msg::Interrupt,
        KeyCode::Char('z' | 'Z') if key.modifiers.contains(KeyModifiers::CONTROL) => Msg::Suspend,
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => Msg::Type(c),
        KeyCode::Backspace => Msg::Erase,
        KeyCode::Enter => Msg::Confirm,
        KeyCode::Esc => Msg::Back,
        _ => Msg::OtherKey,
    })
}

/// The message for a key press.
#[must_use]
pub fn map_key(key: &KeyEvent) -> Option<Msg> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(match key.code {
            KeyCode::Char('c' | 'C') => Msg::Interrupt,
            KeyCode::Char('z' | 'Z') => Msg::Suspend,
            _ => Msg::OtherKey,
        });
    }
    // Caps Lock should not turn the keys off.
    let code = match key.code {
        KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(keys::lookup(code).unwrap_or(Msg::OtherKey))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyEventState, MouseEvent};

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn name(m: Option<Msg>) -> String {
        m.map_or_else(|| "None".to_owned(), |m| format!("Some({m:?})"))
    }

    #[test]
    fn every_documented_key_has_its_message() {
        let cases = [
            (KeyCode::Up, "Some(Up)"),
            (KeyCode::Char('k'), "Some(Up)"),
            (KeyCode::Down, "Some(Down)"),
            (KeyCode::Char('j'), "Some(Down)"),
            (KeyCode::Left, "Some(Left)"),
            (KeyCode::Right, "Some(Right)"),
            (KeyCode::PageUp, "Some(PageUp)"),
            (KeyCode::PageDown, "Some(PageDown)"),
            (KeyCode::Home, "Some(Home)"),
            (KeyCode::End, "Some(End)"),
            (KeyCode::Enter, "Some(Confirm)"),
            (KeyCode::Esc, "Some(Back)"),
            (KeyCode::Tab, "Some(Journal)"),
            (KeyCode::Char('h'), "Some(Journal)"),
            (KeyCode::Char('q'), "Some(Quit)"),
            (KeyCode::Char('?'), "Some(Help)"),
            (KeyCode::Char('s'), "Some(Save)"),
            (KeyCode::Char('l'), "Some(Load)"),
            (KeyCode::Char('u'), "Some(Undo)"),
            (KeyCode::Char('y'), "Some(Yes)"),
            (KeyCode::Char('n'), "Some(No)"),
            (KeyCode::Char('1'), "Some(Digit(1))"),
            (KeyCode::Char('9'), "Some(Digit(9))"),
            (KeyCode::Char('0'), "Some(OtherKey)"),
            (KeyCode::Char(' '), "Some(PageDown)"),
            (KeyCode::Char('x'), "Some(OtherKey)"),
            (KeyCode::Char('Q'), "Some(Quit)"),
            (KeyCode::F(1), "Some(OtherKey)"),
            (KeyCode::F(5), "Some(Reload)"),
        ];
        for (code, want) in cases {
            assert_eq!(name(map(&key(code), false)), want, "{code:?}");
        }
    }

    #[test]
    fn while_a_name_is_typed_letters_are_text() {
        let typed = |code| name(map(&key(code), true));
        assert_eq!(typed(KeyCode::Char('s')), "Some(Type('s'))");
        assert_eq!(typed(KeyCode::Char('Q')), "Some(Type('Q'))");
        assert_eq!(typed(KeyCode::Char('1')), "Some(Type('1'))");
        assert_eq!(typed(KeyCode::Backspace), "Some(Erase)");
        assert_eq!(typed(KeyCode::Enter), "Some(Confirm)");
        assert_eq!(typed(KeyCode::Esc), "Some(Back)");
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(name(map(&ctrl_c, true)), "Some(Interrupt)");
    }

    #[test]
    fn ctrl_z_suspends_even_while_a_name_is_typed() {
        let ctrl_z = Event::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
        assert_eq!(name(map(&ctrl_z, false)), "Some(Suspend)");
        assert_eq!(name(map(&ctrl_z, true)), "Some(Suspend)");
        let z = Event::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE));
        assert_eq!(name(map(&z, true)), "Some(Type('z'))");
    }

    #[test]
    fn ctrl_c_interrupts_and_releases_are_ignored() {
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(name(map(&ctrl_c, false)), "Some(Interrupt)");
        let release = Event::Key(KeyEvent {
            code: KeyCode::Enter,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        });
        assert_eq!(name(map(&release, false)), "None");
    }

    #[test]
    fn wheel_scrolls_clicks_click_and_resize_reflows() {
        let mouse = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 4,
                row: 9,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            name(map(&mouse(MouseEventKind::ScrollUp), false)),
            "Some(WheelUp)"
        );
        assert_eq!(
            name(map(&mouse(MouseEventKind::ScrollDown), false)),
            "Some(WheelDown)"
        );
        assert_eq!(name(map(&mouse(MouseEventKind::Moved), false)), "None");
        assert_eq!(
            name(map(&mouse(MouseEventKind::Down(MouseButton::Left)), false)),
            "Some(Click(4, 9))"
        );
        assert_eq!(
            name(map(&mouse(MouseEventKind::Down(MouseButton::Right)), false)),
            "None"
        );
        assert_eq!(
            name(map(&Event::Resize(20, 6), false)),
            "Some(Resize(20, 6))"
        );
        assert_eq!(name(map(&Event::FocusGained, false)), "None");
    }
}
