//! The one keymap: which key sends which [`Msg`], what each key is called, and what it
//! does on each screen. [`input`](super::input) reads keys through [`BINDINGS`]; the help
//! screen ([`help_lines`]) and every footer ([`footer`]) are generated from the same
//! tables, so a key cannot work without being documented (F5 once was), and a footer
//! cannot offer a key the screen does not answer.

use std::mem::discriminant;

use ratatui::crossterm::event::KeyCode;

use super::msg::Msg;
use super::wrap::str_width;

/// A key (or a few keys that mean the same) and the message it sends.
#[derive(Debug)]
pub struct Binding {
    /// The message. `Digit(0)` stands for the digits 1–9, each sending its own number.
    pub msg: Msg,
    /// The keys (letters in lower case; Caps Lock is ignored).
    pub codes: &'static [KeyCode],
    /// How the help screen names them.
    pub name: &'static str,
    /// How a footer names them.
    pub short: &'static str,
}

const DIGITS: [KeyCode; 9] = [
    KeyCode::Char('1'),
    KeyCode::Char('2'),
    KeyCode::Char('3'),
    KeyCode::Char('4'),
    KeyCode::Char('5'),
    KeyCode::Char('6'),
    KeyCode::Char('7'),
    KeyCode::Char('8'),
    KeyCode::Char('9'),
];

/// Every key the game answers. Mouse and "any other key" have no codes: they are listed
/// so help and footers can name them like keys.
pub static BINDINGS: &[Binding] = &[
    Binding {
        msg: Msg::Up,
        codes: &[KeyCode::Up, KeyCode::Char('k')],
        name: "↑ k",
        short: "↑",
    },
    Binding {
        msg: Msg::Down,
        codes: &[KeyCode::Down, KeyCode::Char('j')],
        name: "↓ j",
        short: "↓",
    },
    Binding {
        msg: Msg::Left,
        codes: &[KeyCode::Left],
        name: "←",
        short: "←",
    },
    Binding {
        msg: Msg::Right,
        codes: &[KeyCode::Right],
        name: "→",
        short: "→",
    },
    Binding {
        msg: Msg::PageUp,
        codes: &[KeyCode::PageUp],
        name: "PgUp",
        short: "PgUp",
    },
    Binding {
        msg: Msg::PageDown,
        codes: &[KeyCode::PageDown, KeyCode::Char(' ')],
        name: "PgDn Space",
        short: "PgDn",
    },
    Binding {
        msg: Msg::Home,
        codes: &[KeyCode::Home],
        name: "Home",
        short: "Home",
    },
    Binding {
        msg: Msg::End,
        codes: &[KeyCode::End],
        name: "End",
        short: "End",
    },
    Binding {
        msg: Msg::Confirm,
        codes: &[KeyCode::Enter],
        name: "Enter",
        short: "Enter",
    },
    Binding {
        msg: Msg::Back,
        codes: &[KeyCode::Esc],
        name: "Esc",
        short: "Esc",
    },
    Binding {
        msg: Msg::Digit(0),
        codes: &DIGITS,
        name: "1 – 9",
        short: "1–9",
    },
    Binding {
        msg: Msg::Journal,
        codes: &[KeyCode::Tab, KeyCode::Char('h')],
        name: "Tab h",
        short: "Tab",
    },
    Binding {
        msg: Msg::Save,
        codes: &[KeyCode::Char('s')],
        name: "s",
        short: "s",
    },
    Binding {
        msg: Msg::Load,
        codes: &[KeyCode::Char('l')],
        name: "l",
        short: "l",
    },
    Binding {
        msg: Msg::Undo,
        codes: &[KeyCode::Char('u')],
        name: "u",
        short: "u",
    },
    Binding {
        msg: Msg::Variables,
        codes: &[KeyCode::Char('v')],
        name: "v",
        short: "v",
    },
    Binding {
        msg: Msg::Yes,
        codes: &[KeyCode::Char('y')],
        name: "y",
        short: "y",
    },
    Binding {
        msg: Msg::No,
        codes: &[KeyCode::Char('n')],
        name: "n",
        short: "n",
    },
    Binding {
        msg: Msg::Help,
        codes: &[KeyCode::Char('?')],
        name: "?",
        short: "?",
    },
    Binding {
        msg: Msg::Reload,
        codes: &[KeyCode::F(5)],
        name: "F5",
        short: "F5",
    },
    Binding {
        msg: Msg::Quit,
        codes: &[KeyCode::Char('q')],
        name: "q",
        short: "q",
    },
    Binding {
        msg: Msg::Interrupt,
        codes: &[],
        name: "Ctrl-C",
        short: "Ctrl-C",
    },
    Binding {
        msg: Msg::Suspend,
        codes: &[],
        name: "Ctrl-Z",
        short: "Ctrl-Z",
    },
    Binding {
        msg: Msg::WheelDown,
        codes: &[],
        name: "mouse wheel",
        short: "wheel",
    },
    Binding {
        msg: Msg::Click(0, 0),
        codes: &[],
        name: "mouse click",
        short: "click",
    },
    // Only while a save is being named (see `input::map`).
    Binding {
        msg: Msg::Type(' '),
        codes: &[],
        name: "letters",
        short: "type",
    },
    Binding {
        msg: Msg::Erase,
        codes: &[KeyCode::Backspace],
        name: "Backspace",
        short: "⌫",
    },
    // Last: what any unbound key is called.
    Binding {
        msg: Msg::OtherKey,
        codes: &[],
        name: "any key",
        short: "any key",
    },
];

/// Whether two messages are the same kind (a digit is a digit whatever its number).
#[must_use]
pub fn same(a: &Msg, b: &Msg) -> bool {
    discriminant(a) == discriminant(b)
}

/// The message for a key code (letters already lower-cased), if it is bound.
#[must_use]
pub fn lookup(code: KeyCode) -> Option<Msg> {
    let b = BINDINGS.iter().find(|b| b.codes.contains(&code))?;
    Some(match (&b.msg, code) {
        (Msg::Digit(_), KeyCode::Char(c)) => Msg::Digit(c as u8 - b'0'),
        (msg, _) => msg.clone(),
    })
}

fn binding(msg: &Msg) -> &'static Binding {
    BINDINGS
        .iter()
        .find(|b| same(&b.msg, msg))
        .unwrap_or(&BINDINGS[BINDINGS.len() - 1])
}

/// Where the player is, for the keys that work there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Reading a scene and its choices.
    Play,
    /// A chapter card waits for a key.
    Card,
    /// The typewriter is running.
    Typing,
    /// The game has ended.
    Ending,
    /// The title menu.
    Title,
    /// The pause menu and other menus.
    Menu,
    /// The journal.
    Journal,
    /// The help screen.
    Help,
    /// The save screen.
    Save,
    /// The load screen.
    Load,
    /// The settings.
    Settings,
    /// The endings gallery.
    Endings,
    /// An epilogue or earlier scene being re-read.
    Reading,
    /// The content note before it has been read to the end.
    NoteUnread,
    /// The content note, read to the end.
    NoteRead,
    /// Stepping through a recording.
    Replay,
    /// A yes/no question.
    Question,
    /// A save's name being typed.
    Naming,
    /// The variables panel.
    Variables,
}

/// One key's meaning in a context: the messages that do it, what the help screen says,
/// and the word a footer uses (`None`: help only).
#[derive(Debug)]
pub struct Hint {
    /// The messages (their keys are joined with "or").
    pub msgs: &'static [Msg],
    /// What they do, for the help screen.
    pub what: &'static str,
    /// What they do, in a footer.
    pub short: Option<&'static str>,
}

const fn hint(msgs: &'static [Msg], what: &'static str, short: &'static str) -> Hint {
    Hint {
        msgs,
        what,
        short: Some(short),
    }
}

const fn help_only(msgs: &'static [Msg], what: &'static str) -> Hint {
    Hint {
        msgs,
        what,
        short: None,
    }
}

static PLAY: &[Hint] = &[
    hint(
        &[Msg::Up, Msg::Down, Msg::Confirm],
        "highlight a choice; Enter reads on, then takes it",
        "choose",
    ),
    hint(
        &[Msg::Back],
        "pause menu: save, load, settings, title",
        "menu",
    ),
    hint(&[Msg::Help], "this help", "help"),
    help_only(&[Msg::Digit(0)], "take that choice at once"),
    help_only(&[Msg::Click(0, 0)], "take the choice clicked"),
    help_only(
        &[Msg::OtherKey],
        "show all the text at once; dismiss a chapter card",
    ),
    help_only(&[Msg::PageUp, Msg::PageDown], "scroll the text"),
    help_only(&[Msg::WheelDown], "scroll the text"),
    help_only(&[Msg::Home, Msg::End], "top or bottom of the text"),
    hint(
        &[Msg::Journal],
        "journal: scenes visited and choices made; Enter re-reads one",
        "journal",
    ),
    hint(&[Msg::Save], "save to a slot", "save"),
    hint(&[Msg::Load], "load a slot", "load"),
    hint(&[Msg::Undo], "undo: step back one choice", "undo"),
    hint(
        &[Msg::Variables],
        "variables: every value and what last changed it",
        "vars",
    ),
    help_only(&[Msg::Reload], "reload a story played with --story DIR"),
    hint(&[Msg::Quit], "quit (asks first)", "quit"),
    help_only(&[Msg::Interrupt], "save and quit at once"),
    help_only(
        &[Msg::Suspend],
        "save and suspend to the shell (fg to come back)",
    ),
];

static CARD: &[Hint] = &[hint(&[Msg::OtherKey], "dismiss the card", "go on")];

static TYPING: &[Hint] = &[hint(&[Msg::OtherKey], "show all the text", "show all")];

static ENDING: &[Hint] = &[
    hint(&[Msg::Confirm], "back to the title", "title"),
    hint(&[Msg::Undo], "step back one choice", "step back"),
    hint(&[Msg::Journal], "journal", "journal"),
    hint(&[Msg::Save], "save", "save"),
    hint(&[Msg::Load], "load", "load"),
    hint(&[Msg::Help], "help", "help"),
    hint(&[Msg::Quit], "quit", "quit"),
    help_only(&[Msg::Variables], "variables"),
];

static TITLE: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "move", "move"),
    hint(&[Msg::Confirm], "select", "select"),
    help_only(&[Msg::Digit(0)], "pick that entry"),
    hint(&[Msg::Help], "help", "help"),
    hint(&[Msg::Quit], "quit", "quit"),
];

static MENU: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "move", "move"),
    hint(&[Msg::Confirm], "select", "select"),
    help_only(&[Msg::Digit(0)], "pick that entry or slot"),
    help_only(&[Msg::Left, Msg::Right], "change a setting"),
    help_only(&[Msg::Yes, Msg::No], "answer a question"),
    hint(
        &[Msg::Back],
        "go back (q too; on the title, q quits)",
        "back",
    ),
];

static JOURNAL: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "pick a scene", "move"),
    hint(&[Msg::Confirm], "re-read it as it was shown", "re-read"),
    hint(&[Msg::Back, Msg::Journal], "back", "back"),
];

static HELP: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "scroll", "scroll"),
    hint(&[Msg::OtherKey], "back", "back"),
];

static SAVE: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "move", "move"),
    hint(&[Msg::Confirm, Msg::Digit(0)], "save", "save"),
    hint(&[Msg::Back], "back", "back"),
];

static LOAD: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "move", "move"),
    hint(&[Msg::Confirm, Msg::Digit(0)], "load", "load"),
    hint(&[Msg::Back], "back", "back"),
];

static SETTINGS: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "move", "move"),
    hint(&[Msg::Left, Msg::Right, Msg::Confirm], "change", "change"),
    hint(&[Msg::Back], "back", "back"),
];

static ENDINGS: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "move", "move"),
    hint(&[Msg::Confirm], "re-read the epilogue", "read"),
    hint(&[Msg::Back], "back", "back"),
];

static READING: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down, Msg::PageDown], "scroll", "scroll"),
    hint(&[Msg::Back, Msg::Confirm], "back", "back"),
];

static NOTE_UNREAD: &[Hint] = &[hint(&[Msg::OtherKey], "read on", "read on")];

static NOTE_READ: &[Hint] = &[hint(&[Msg::OtherKey], "continue", "continue")];

static REPLAY: &[Hint] = &[
    hint(&[Msg::Left, Msg::Right], "previous or next step", "step"),
    help_only(&[Msg::Home, Msg::End], "first or last step"),
    hint(&[Msg::PageUp, Msg::PageDown], "scroll the text", "scroll"),
    hint(
        &[Msg::Confirm],
        "play on from this step as a new game",
        "play on",
    ),
    hint(&[Msg::Help], "help", "help"),
    help_only(&[Msg::Variables], "variables at the step shown"),
    hint(&[Msg::Quit, Msg::Back], "leave the replay", "leave"),
];

static QUESTION: &[Hint] = &[
    hint(&[Msg::Yes, Msg::Confirm], "yes", "yes"),
    hint(&[Msg::No, Msg::Back], "no", "no"),
];

static NAMING: &[Hint] = &[
    help_only(&[Msg::Type(' ')], "type a name for the save (optional)"),
    help_only(&[Msg::Erase], "delete the last letter"),
    hint(&[Msg::Confirm], "save with this name", "save"),
    hint(&[Msg::Back], "back to the slots", "back"),
];

static VARIABLES: &[Hint] = &[
    hint(&[Msg::Up, Msg::Down], "scroll", "scroll"),
    help_only(&[Msg::PageUp, Msg::PageDown], "scroll a page"),
    help_only(&[Msg::Home, Msg::End], "first or last variable"),
    hint(&[Msg::Back, Msg::Variables], "back to the game", "back"),
];

/// The keys that work in `ctx`.
#[must_use]
pub fn hints(ctx: Context) -> &'static [Hint] {
    match ctx {
        Context::Play => PLAY,
        Context::Card => CARD,
        Context::Typing => TYPING,
        Context::Ending => ENDING,
        Context::Title => TITLE,
        Context::Menu => MENU,
        Context::Journal => JOURNAL,
        Context::Help => HELP,
        Context::Save => SAVE,
        Context::Load => LOAD,
        Context::Settings => SETTINGS,
        Context::Endings => ENDINGS,
        Context::Reading => READING,
        Context::NoteUnread => NOTE_UNREAD,
        Context::NoteRead => NOTE_READ,
        Context::Replay => REPLAY,
        Context::Question => QUESTION,
        Context::Naming => NAMING,
        Context::Variables => VARIABLES,
    }
}

/// How a hint's keys are named on the help screen: "↑ k  ↓ j  Enter".
fn names(msgs: &[Msg]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for m in msgs {
        let n = binding(m).name;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out.join("  ")
}

/// How a hint's keys are named in a footer: arrows run together ("↑↓"), other keys
/// joined by "/", the two parted by a space: "↑↓ Enter", "Enter/1–9", "q/Esc".
fn shorts(msgs: &[Msg]) -> String {
    let arrow = |m: &&Msg| matches!(m, Msg::Up | Msg::Down | Msg::Left | Msg::Right);
    let arrows: String = msgs
        .iter()
        .filter(arrow)
        .map(|m| binding(m).short)
        .collect();
    let others: Vec<&str> = msgs
        .iter()
        .filter(|m| !arrow(m))
        .map(|m| binding(m).short)
        .collect();
    [arrows, others.join("/")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The footer for `ctx`: "↑↓ Enter choose · Esc menu · …", generated from its hints,
/// as many as fit in `width` cells (the first are the most needed; help lists all).
#[must_use]
pub fn footer(ctx: Context, width: usize) -> String {
    let mut out = String::new();
    for h in hints(ctx) {
        let Some(short) = h.short else { continue };
        let keys = shorts(h.msgs);
        let item = if short.is_empty() {
            keys
        } else {
            format!("{keys} {short}")
        };
        let sep = if out.is_empty() { "" } else { " · " };
        if str_width(&out) + str_width(sep) + str_width(&item) > width {
            break;
        }
        out.push_str(sep);
        out.push_str(&item);
    }
    out
}

/// The help screen's lines: `(keys, what they do)`; an empty `keys` starts a section.
#[must_use]
pub fn help_lines() -> Vec<(String, &'static str)> {
    let sections = [
        ("While playing", Context::Play),
        ("At an ending", Context::Ending),
        ("Menus and lists", Context::Menu),
        ("Journal", Context::Journal),
        ("Variables", Context::Variables),
        ("Naming a save", Context::Naming),
        ("Replay", Context::Replay),
    ];
    let mut out = Vec::new();
    for (title, ctx) in sections {
        out.push((String::new(), title));
        for h in hints(ctx) {
            out.push((names(h.msgs), h.what));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_binding_is_on_the_help_screen() {
        let help = help_lines();
        for b in BINDINGS {
            assert!(
                help.iter().any(|(keys, _)| keys.contains(b.name)),
                "{} is missing from help",
                b.name
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for c in b.codes {
                assert!(!seen.contains(c), "{c:?} bound twice");
                seen.push(*c);
            }
        }
    }

    #[test]
    fn footers_name_keys_from_the_table() {
        assert_eq!(
            footer(Context::Ending, 100),
            "Enter title · u step back · Tab journal · s save · l load · ? help · q quit"
        );
        assert_eq!(footer(Context::Card, 100), "any key go on");
        assert_eq!(
            footer(Context::Play, 38),
            "↑↓ Enter choose · Esc menu · ? help",
            "whole hints only, the first ones first"
        );
    }
}
