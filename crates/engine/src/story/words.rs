//! The few words the game itself puts into the story's flow — the label of a scene's
//! only way on ("Continue"), the headings of an ending's pages, the content note's
//! heading — kept with the story so a translation changes them with the story's own
//! lines (`game.*` ids in [`super::l10n`]). The interface around the story (menus,
//! help, settings, key hints) stays in the game's own language: it is not part of the
//! story a translator is given.

/// The game's words in the story's language (English unless translated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// The label of the one way on from a scene that has routes, not choices.
    pub continue_label: String,
    /// Before an ending's title ("Ending: The Letter").
    pub ending: String,
    /// Between a heading and what it introduces: `": "` in English, `"\u{a0}: "` in
    /// French, whose typography puts a (non-breaking) space before a colon. A word of
    /// its own so a translation can set it; front ends never write a colon themselves.
    pub separator: String,
    /// The heading of the afterword.
    pub afterword: String,
    /// The heading of the credits.
    pub credits: String,
    /// The heading of the content note.
    pub content_note: String,
    /// Before the choice made in an earlier scene being re-read.
    pub you_chose: String,
}

impl Default for Words {
    fn default() -> Self {
        Self {
            continue_label: "Continue".to_owned(),
            ending: "Ending".to_owned(),
            separator: ": ".to_owned(),
            afterword: "Afterword".to_owned(),
            credits: "Credits".to_owned(),
            content_note: "Content note".to_owned(),
            you_chose: "You chose".to_owned(),
        }
    }
}

impl Words {
    /// A heading followed by what it introduces: "Ending: The Letter".
    #[must_use]
    pub fn labelled(&self, heading: &str, what: &str) -> String {
        format!("{heading}{}{what}", self.separator)
    }

    /// A heading that introduces the lines below it: "Content note:" (the separator
    /// without its trailing space).
    #[must_use]
    pub fn introducing(&self, heading: &str) -> String {
        format!("{heading}{}", self.separator.trim_end())
    }

    /// Each word with its translation id, in a fixed order.
    pub fn entries_mut(&mut self) -> [(&'static str, &mut String); 7] {
        [
            ("game.continue", &mut self.continue_label),
            ("game.ending", &mut self.ending),
            ("game.separator", &mut self.separator),
            ("game.afterword", &mut self.afterword),
            ("game.credits", &mut self.credits),
            ("game.content_note", &mut self.content_note),
            ("game.you_chose", &mut self.you_chose),
        ]
    }

    /// Each word with its translation id, in the order of [`Words::entries_mut`].
    #[must_use]
    pub fn entries(&self) -> [(&'static str, &str); 7] {
        [
            ("game.continue", &self.continue_label),
            ("game.ending", &self.ending),
            ("game.separator", &self.separator),
            ("game.afterword", &self.afterword),
            ("game.credits", &self.credits),
            ("game.content_note", &self.content_note),
            ("game.you_chose", &self.you_chose),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::Words;

    #[test]
    fn headings_take_their_colon_from_the_separator_word() {
        let mut words = Words::default();
        assert_eq!(
            words.labelled(&words.ending, "Butterfly"),
            "Ending: Butterfly"
        );
        assert_eq!(words.introducing(&words.content_note), "Content note:");
        words.ending = "Fin".into();
        words.content_note = "Avertissement".into();
        words.separator = "\u{a0}: ".into();
        assert_eq!(
            words.labelled(&words.ending, "Butterfly"),
            "Fin\u{a0}: Butterfly"
        );
        assert_eq!(
            words.introducing(&words.content_note),
            "Avertissement\u{a0}:"
        );
    }
}
