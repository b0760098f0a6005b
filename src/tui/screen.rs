//! The screens the interface can show, and the entries of its two menus.

/// A screen. The app keeps a stack of them; the top one gets the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The content note.
    ContentNote,
    /// The title menu.
    Title,
    /// The game itself.
    Play,
    /// History of this playthrough.
    Journal,
    /// Pick a slot to save to.
    SaveSlots,
    /// Pick a slot to load.
    LoadSlots,
    /// Every key.
    Help,
    /// "Quit the game?"
    ConfirmQuit,
    /// "Overwrite this slot?"
    ConfirmOverwrite(String),
    /// Endings found and locked.
    Endings,
    /// Text speed and theme.
    Settings,
    /// Stepping through a recorded game.
    Replay,
    /// The pause menu (Esc while playing).
    Pause,
    /// "Start a new game?" when that would push out an autosave.
    ConfirmNewGame,
    /// Re-reading a text: an earlier scene from the journal, or an ending's epilogue.
    Reading,
    /// Typing a name for a save to this slot.
    NameSave(String),
    /// Every variable of the game, its value and what last changed it.
    Variables,
}

impl Screen {
    /// Dialogs drawn over the screen beneath them.
    #[must_use]
    pub fn is_dialog(&self) -> bool {
        matches!(
            self,
            Screen::ConfirmQuit
                | Screen::ConfirmOverwrite(_)
                | Screen::ConfirmNewGame
                | Screen::NameSave(_)
        )
    }
}

/// An entry of the title menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    /// Start from the beginning.
    NewGame,
    /// Load the newest save.
    Continue,
    /// Pick a save.
    Load,
    /// Endings found.
    Endings,
    /// Settings.
    Settings,
    /// Read the content note again.
    ContentNote,
    /// Leave.
    Quit,
}

impl MenuItem {
    /// What the menu shows.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            MenuItem::NewGame => "New game",
            MenuItem::Continue => "Continue",
            MenuItem::Load => "Load",
            MenuItem::Endings => "Endings",
            MenuItem::Settings => "Settings",
            MenuItem::ContentNote => "Content note",
            MenuItem::Quit => "Quit",
        }
    }
}

/// An entry of the pause menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseItem {
    /// Back to the game.
    Resume,
    /// Save to a slot.
    Save,
    /// Load a slot.
    Load,
    /// The journal.
    Journal,
    /// Settings.
    Settings,
    /// Every key.
    Help,
    /// Leave the game for the title (it is autosaved).
    Title,
    /// Leave the program (asks first).
    Quit,
}

impl PauseItem {
    /// Every entry, in menu order.
    pub const ALL: [PauseItem; 8] = [
        PauseItem::Resume,
        PauseItem::Save,
        PauseItem::Load,
        PauseItem::Journal,
        PauseItem::Settings,
        PauseItem::Help,
        PauseItem::Title,
        PauseItem::Quit,
    ];

    /// What the menu shows.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            PauseItem::Resume => "Resume",
            PauseItem::Save => "Save",
            PauseItem::Load => "Load",
            PauseItem::Journal => "Journal",
            PauseItem::Settings => "Settings",
            PauseItem::Help => "Help",
            PauseItem::Title => "Back to title",
            PauseItem::Quit => "Quit",
        }
    }
}
