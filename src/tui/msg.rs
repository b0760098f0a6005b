//! What can happen to the interface ([`Msg`]: keys, ticks, replies from the run loop)
//! and what it asks the run loop to do ([`Command`]: save, load, quit). The two sides of
//! `update`, apart from the model they change, so both are read in one place.

use std::time::{Duration, SystemTime};

use super::screen::Screen;
use crate::engine::GameState;
use crate::save::{LoadedSave, Profile, SlotInfo};

/// Everything that can happen to the interface.
#[derive(Debug, Clone)]
pub enum Msg {
    /// Move up (↑ or k).
    Up,
    /// Move down (↓ or j).
    Down,
    /// Previous value or replay step (←).
    Left,
    /// Next value or replay step (→).
    Right,
    /// Scroll up a page (`PgUp`).
    PageUp,
    /// Scroll down a page (`PgDn` or Space).
    PageDown,
    /// Go to the top (Home).
    Home,
    /// Go to the bottom (End).
    End,
    /// Scroll up a little (mouse wheel).
    WheelUp,
    /// Scroll down a little (mouse wheel).
    WheelDown,
    /// The left mouse button pressed at this column and row.
    Click(u16, u16),
    /// Choose or accept (Enter).
    Confirm,
    /// Close the current screen (Esc).
    Back,
    /// Ask to quit (q).
    Quit,
    /// Show the keys (?).
    Help,
    /// Open or close the journal (Tab or h).
    Journal,
    /// Open the save screen (s).
    Save,
    /// Open the load screen (l).
    Load,
    /// Step back one choice (u).
    Undo,
    /// Open or close the variables panel (v).
    Variables,
    /// Answer yes (y).
    Yes,
    /// Answer no (n).
    No,
    /// A digit key, 1–9: pick that entry directly.
    Digit(u8),
    /// A character typed while a save is being named.
    Type(char),
    /// Backspace while a save is being named.
    Erase,
    /// Any other key: it still completes the typewriter or dismisses a card.
    OtherKey,
    /// Ctrl-C: save if playing and leave at once.
    Interrupt,
    /// Ctrl-Z, or SIGTSTP from outside: save if playing, give the terminal back to the
    /// shell and stop until continued (`fg`).
    Suspend,
    /// Time passed while the typewriter runs.
    Tick,
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// The save slots as they are on disk now.
    Slots {
        /// Every slot with a file.
        list: Vec<SlotInfo>,
        /// The newest loadable one.
        latest: Option<SlotInfo>,
        /// The time of the listing, to say how old each save is.
        now: SystemTime,
    },
    /// A [`Command::Save`] finished.
    Saved {
        /// The slot written.
        slot: String,
        /// Why it failed, if it did.
        error: Option<String>,
        /// Whether success goes unannounced (autosaves).
        quiet: bool,
    },
    /// A [`Command::Load`] finished.
    Loaded {
        /// The slot read.
        slot: String,
        /// The game, or why it could not be loaded.
        result: Result<Box<LoadedSave>, String>,
    },
    /// Writing the profile failed.
    ProfileFailed(String),
    /// Reload the story from disk (F5, or a story file changed under `--story`).
    Reload,
    /// Play on with a game carried over from before a reload (or begun mid-story by
    /// `play --from`), with a note saying what happened.
    Resume {
        /// The game.
        state: Box<GameState>,
        /// Time already played.
        played: Duration,
        /// Shown to the player.
        note: String,
    },
    /// Something the shell wants the player to know (a reload that failed, say).
    Notice(String),
    /// Back on the screens the player was on before the story was switched to another
    /// language (after [`Msg::Resume`] put the game back, if there was one).
    Restore {
        /// The screens, bottom to top.
        stack: Vec<Screen>,
        /// The highlighted row.
        cursor: usize,
        /// Shown to the player.
        note: String,
    },
}

/// What the run loop needs to switch the story to another language and bring the
/// player back where they were ([`Command::SetLanguage`]).
#[derive(Debug, Clone)]
pub struct Relanguage {
    /// The language (`None`: the story's own).
    pub language: Option<String>,
    /// The game in progress, if any.
    pub state: Option<Box<GameState>>,
    /// The screens, bottom to top.
    pub stack: Vec<Screen>,
    /// The highlighted row.
    pub cursor: usize,
    /// The profile as it is now (with the new setting), so nothing the player did is
    /// lost even if writing it failed.
    pub profile: Box<Profile>,
}

/// I/O for the run loop to perform on the interface's behalf.
#[derive(Debug, Clone)]
pub enum Command {
    /// Write `state` to `slot`; the loop answers with [`Msg::Saved`] and [`Msg::Slots`].
    Save {
        /// The slot.
        slot: String,
        /// The game to save.
        state: Box<GameState>,
        /// The player's name for the save, if they typed one.
        name: Option<String>,
    },
    /// Write `state` to the autosave (the store first keeps a different game's
    /// autosave as the previous one); answered like [`Command::Save`], quietly.
    Autosave(Box<GameState>),
    /// Read `slot`; the loop answers with [`Msg::Loaded`].
    Load {
        /// The slot.
        slot: String,
    },
    /// List the saves folder again; the loop answers with [`Msg::Slots`].
    ListSlots,
    /// Write the profile (endings found, settings).
    SaveProfile(Box<Profile>),
    /// A game began (or was loaded) with this much play time behind it.
    StartClock(Duration),
    /// Leave the program (after the commands before this one).
    Quit,
    /// Give the terminal back and stop the process until it is continued (SIGCONT),
    /// then take the terminal again and redraw.
    Suspend,
    /// Reload the story from disk, carrying `state` (the game in progress, if any) over.
    Reload(Option<Box<GameState>>),
    /// Play on in another language: the story is translated again and the player comes
    /// back to the same game and screen.
    SetLanguage(Box<Relanguage>),
}
