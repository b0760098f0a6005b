//! The plain line-mode player: for screen readers, pipes and scripts.
//!
//! This output is a contract (documented in the README): the date/place line, the scene's
//! paragraphs, the available choices as `N. label`, then a `> ` prompt. A number chooses;
//! `help`, `look`, `vars`, `save [SLOT]`, `load SLOT`, `saves`, `undo` and `quit` are commands;
//! anything else gets one line of help and the prompt again. At an ending:
//! `ENDING: <title>`, the epilogue, and exit 0. No escape sequences.
//!
//! The game itself is a [`Session`]; this file only reads lines, writes text (the
//! session's [`transcript`] format) and carries out the session's effects. With a
//! [`SaveStore`] the game autosaves whenever a scene is entered (the first one
//! included) and keeps the profile (scenes seen, endings found) up to date.

use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};

use crate::engine::{self, ChoiceView, GameState};
use crate::sanitize::for_terminal;
use crate::save::{self, QUICK_SLOT, SaveStore};
use crate::session::{self, Effect, Notice, Session, SessionError, transcript};
use crate::story::Story;

/// The line `help` prints.
pub const HELP: &str = "Type the number of a choice and press Enter. Commands: help, look (show the scene again), vars (every variable and what last changed it), save [SLOT] (default: quick), load SLOT, saves (list them), undo (take back the last choice), quit.";

/// How a plain session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An ending was reached.
    Ending,
    /// The player typed `quit`.
    Quit,
    /// Input ran out.
    EndOfInput,
    /// The scene offers no available choice: a mistake in the story, not the player's.
    Stuck,
}

/// A line-mode game in progress: a [`Session`] with a prompt.
pub struct PlainPlayer<'s> {
    session: Session<'s>,
    last_chapter: Option<String>,
    saves: Option<&'s SaveStore>,
    /// Effects of the game's start, carried out when the game runs (the store may be
    /// attached in between).
    pending: Vec<Effect>,
    /// Play time before `since`: carried over from a loaded save.
    played: Duration,
    since: Instant,
    /// The last background problem reported (autosave, profile), so it is said once.
    last_warning: Option<String>,
    /// Print tags (`--tags`).
    tags: bool,
}

impl<'s> PlainPlayer<'s> {
    /// A new game from `seed`.
    ///
    /// # Errors
    /// When the story cannot start (its start scene is missing).
    pub fn new(story: &'s Story, seed: u64) -> Result<Self, SessionError> {
        let mut session = Session::new(story, session::Profile::default(), seed);
        let pending = session.new_game()?;
        Ok(Self::with_session(session, pending))
    }

    /// Continues from an existing state.
    #[must_use]
    pub fn resume(story: &'s Story, state: GameState) -> Self {
        let mut session = Session::new(story, session::Profile::default(), state.seed);
        let pending = session.resume(state, Duration::ZERO);
        Self::with_session(session, pending)
    }

    fn with_session(session: Session<'s>, pending: Vec<Effect>) -> Self {
        Self {
            session,
            last_chapter: None,
            saves: None,
            pending,
            played: Duration::ZERO,
            since: Instant::now(),
            last_warning: None,
            tags: false,
        }
    }

    /// With `true`, prints the story's tags as `# tags: ...` lines (`--tags`).
    #[must_use]
    pub fn with_tags(mut self, tags: bool) -> Self {
        self.tags = tags;
        self
    }

    /// Enables `save`, `load`, `saves`, the autosave and the profile, in `store`.
    #[must_use]
    pub fn with_saves(mut self, store: &'s SaveStore) -> Self {
        self.session.profile = store.load_profile();
        // The game began before the profile was read: what it discovered is recorded
        // again, against the real profile, and written only if that learnt something.
        self.pending.retain(|e| *e != Effect::SaveProfile);
        let mut profile = std::mem::take(&mut self.session.profile);
        if self.session.state().is_some_and(|s| profile.record(s)) {
            self.pending.push(Effect::SaveProfile);
        }
        self.session.profile = profile;
        self.saves = Some(store);
        self
    }

    /// Time spent playing this game, including before it was loaded.
    #[must_use]
    pub fn play_time(&self) -> Duration {
        self.played + self.since.elapsed()
    }

    /// The current state.
    #[must_use]
    pub fn state(&self) -> &GameState {
        self.session
            .state()
            .expect("a plain player always has a game")
    }

    fn story(&self) -> &'s Story {
        self.session.story()
    }

    /// Plays until an ending, `quit`, or the end of input.
    ///
    /// # Errors
    /// Only I/O errors on `output`/`input`.
    pub fn run(&mut self, input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<Outcome> {
        self.intro(out)?;
        let first = std::mem::take(&mut self.pending);
        self.carry_out(first, out)?;
        loop {
            self.show_scene(out)?;
            if self.state().is_over() {
                self.show_ending(out)?;
                return Ok(Outcome::Ending);
            }
            let choices = self.session.choices();
            out.write_all(transcript::choices_tagged(&choices, self.tags).as_bytes())?;
            if !choices.iter().any(|c| c.enabled) {
                // Waiting for input that cannot help would hang a script forever.
                writeln!(
                    out,
                    "No choice is available here, so the story cannot go on (a mistake in the story)."
                )?;
                return Ok(Outcome::Stuck);
            }
            loop {
                write!(out, "> ")?;
                out.flush()?;
                let mut line = String::new();
                if input.read_line(&mut line)? == 0 {
                    writeln!(out)?;
                    return Ok(Outcome::EndOfInput);
                }
                let line = line.trim();
                let (word, arg) = match line.split_once(char::is_whitespace) {
                    Some((w, a)) => (w, a.trim()),
                    None => (line, ""),
                };
                match word {
                    "quit" | "q" | "exit" => {
                        writeln!(out, "Goodbye.")?;
                        return Ok(Outcome::Quit);
                    }
                    "help" | "h" | "?" => writeln!(out, "{HELP}")?,
                    "look" | "l" => {
                        self.last_chapter = None;
                        self.show_scene(out)?;
                        out.write_all(transcript::choices_tagged(&choices, self.tags).as_bytes())?;
                    }
                    "vars" => self.list_variables(out)?,
                    "save" => self.save(arg, out)?,
                    "saves" => self.list_saves(out)?,
                    "load" => {
                        if self.load(arg, out)? {
                            break;
                        }
                    }
                    "undo" | "u" => {
                        if self.undo(out)? {
                            break;
                        }
                    }
                    "" => {}
                    _ => match pick(line, &choices) {
                        Ok(id) => match self.session.choose(&id) {
                            Ok(effects) => {
                                writeln!(out)?;
                                self.carry_out(effects, out)?;
                                break;
                            }
                            // Story ids are terminal-safe since the load.
                            Err(e) => writeln!(out, "That cannot be done: {e}.")?,
                        },
                        Err(msg) => writeln!(out, "{msg}")?,
                    },
                }
            }
        }
    }

    /// Carries out what the session asked for. Problems with the autosave and the
    /// profile are told once, on stderr, and never stop the game.
    fn carry_out(&mut self, effects: Vec<Effect>, out: &mut dyn Write) -> io::Result<()> {
        let mut autosave_problem = None;
        let mut profile_problem = None;
        for effect in effects {
            match effect {
                Effect::StartClock(played) => {
                    self.played = played;
                    self.since = Instant::now();
                }
                Effect::Notice(Notice::Migrated { migration, backup }) => {
                    writeln!(out, "{}", migration.notice())?;
                    let kept = backup.map_or_else(String::new, |b| {
                        format!(" Your game as it was is kept in `{}`.", for_terminal(&b))
                    });
                    writeln!(
                        out,
                        "(This save no longer matches the story at {}.{kept})",
                        migration.divergence
                    )?;
                }
                Effect::Notice(Notice::StoryChanged) => writeln!(
                    out,
                    "(The story has changed since this save was made; the game still replays exactly.)"
                )?,
                // A bug in the story is the author's, not the player's: on stderr, so
                // stdout stays the same for the same input.
                Effect::StoryBug(bug) => crate::printer::warn(format_args!("(Story bug: {bug}.)")),
                Effect::Autosave => {
                    if let Some(store) = self.saves
                        && let Err(e) = store.autosave(self.story(), self.state(), self.play_time())
                    {
                        autosave_problem = Some(format!("(Autosave failed: {e})"));
                    }
                }
                Effect::SaveProfile => {
                    if let Some(store) = self.saves
                        && let Err(e) = store.save_profile(&self.session.profile)
                    {
                        profile_problem = Some(format!("(The profile could not be saved: {e})"));
                    }
                }
            }
        }
        // On stderr: the game goes on, and stdout stays the same for the same input
        // whether or not the saves directory is writable.
        // Said once: compared without its numbers, which change from scene to scene
        // (a save's size) while the problem stays the same.
        if let Some(p) = autosave_problem.or(profile_problem) {
            let gist = gist(&p);
            if self.last_warning.as_ref() != Some(&gist) {
                eprintln!("{}", for_terminal(&p));
                self.last_warning = Some(gist);
            }
        }
        Ok(())
    }

    fn store(&self, out: &mut dyn Write) -> io::Result<Option<&'s SaveStore>> {
        if self.saves.is_none() {
            writeln!(out, "Saving is not available in this session.")?;
        }
        Ok(self.saves)
    }

    fn save(&mut self, slot: &str, out: &mut dyn Write) -> io::Result<()> {
        let Some(store) = self.store(out)? else {
            return Ok(());
        };
        let slot = if slot.is_empty() { QUICK_SLOT } else { slot };
        match store.save(slot, self.story(), self.state(), self.play_time()) {
            Ok(()) => writeln!(out, "Saved to slot `{slot}`."),
            Err(e) => writeln!(out, "Not saved: {}", for_terminal(&e.to_string())),
        }
    }

    /// Loads a slot; true when the game state changed (the scene must be shown).
    fn load(&mut self, slot: &str, out: &mut dyn Write) -> io::Result<bool> {
        let Some(store) = self.store(out)? else {
            return Ok(false);
        };
        if slot.is_empty() {
            writeln!(
                out,
                "Which slot? Type `load` and a slot name (`saves` lists them)."
            )?;
            return Ok(false);
        }
        let loaded = match store.load_to_play(slot, self.story()) {
            Ok(l) => l,
            Err(e) => {
                writeln!(out, "Not loaded: {}", for_terminal(&e.to_string()))?;
                return Ok(false);
            }
        };
        let l = &loaded.label;
        writeln!(
            out,
            "Loaded `{slot}`: {}, {} · {} (saved {}).",
            l.chapter,
            l.date,
            l.place,
            save::format_utc(loaded.saved_at)
        )?;
        let effects = self.session.load(loaded.into_game());
        self.carry_out(effects, out)?;
        writeln!(out)?;
        self.last_chapter = None;
        Ok(true)
    }

    fn list_saves(&self, out: &mut dyn Write) -> io::Result<()> {
        let Some(store) = self.store(out)? else {
            return Ok(());
        };
        let slots = store.list_for(self.story());
        if slots.is_empty() {
            return writeln!(out, "No saves yet in {}.", store.dir().display());
        }
        for s in &slots {
            match (&s.problem, &s.label) {
                (Some(p), _) => writeln!(out, "{}: unusable, {p}", s.slot)?,
                (None, Some(l)) => writeln!(
                    out,
                    "{}: {}, {} · {}, {} choices, saved {}",
                    s.slot,
                    l.chapter,
                    l.date,
                    l.place,
                    s.steps.unwrap_or(0),
                    s.saved_at.map(save::format_utc).unwrap_or_default()
                )?,
                (None, None) => writeln!(out, "{}", s.slot)?,
            }
        }
        Ok(())
    }

    /// Takes back the last choice; true when the game state changed.
    fn undo(&mut self, out: &mut dyn Write) -> io::Result<bool> {
        match self.session.undo() {
            Ok(effects) => {
                self.last_chapter = None;
                writeln!(out, "Undone.")?;
                writeln!(out)?;
                self.carry_out(effects, out)?;
                Ok(true)
            }
            Err(SessionError::Undo(engine::UndoError::AtStart)) => {
                writeln!(out, "Nothing to undo: this is the start of the game.")?;
                Ok(false)
            }
            Err(e) => {
                writeln!(out, "Cannot undo: {e}")?;
                Ok(false)
            }
        }
    }

    fn intro(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let s = self.story();
        if s.subtitle.is_empty() {
            writeln!(out, "{}", s.title)?;
        } else {
            writeln!(out, "{} — {}", s.title, s.subtitle)?;
        }
        let note = session::content_note(s);
        if !note.is_empty() && self.state().path.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", s.words.introducing(&s.words.content_note))?;
            for p in &note {
                writeln!(out, "{}", crate::story::emphasis::strip(p))?;
            }
        }
        writeln!(out)?;
        Ok(())
    }

    fn show_scene(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let state = self
            .session
            .state()
            .expect("a plain player always has a game");
        let text = transcript::scene_tagged(
            self.session.story(),
            state,
            &mut self.last_chapter,
            self.tags,
        );
        out.write_all(text.as_bytes())
    }

    /// `vars`: one line per variable, `name = value`, and what last changed it.
    fn list_variables(&self, out: &mut dyn Write) -> io::Result<()> {
        for v in self.session.variables() {
            match &v.changed_by {
                Some(change) => {
                    writeln!(out, "{} = {} (last changed by {change})", v.name, v.value)?;
                }
                None => writeln!(out, "{} = {} (unchanged)", v.name, v.value)?,
            }
        }
        Ok(())
    }

    fn show_ending(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(transcript::ending(self.story(), self.state()).as_bytes())
    }
}

/// Turns typed input into a choice id, or a one-line message.
fn pick(line: &str, choices: &[ChoiceView]) -> Result<String, String> {
    let enabled: Vec<&ChoiceView> = choices.iter().filter(|c| c.enabled).collect();
    let n = enabled.len();
    match line.parse::<usize>() {
        Ok(k) if (1..=n).contains(&k) => Ok(enabled[k - 1].id.clone()),
        _ if n == 1 => Err("Type 1 and press Enter to go on (or help).".to_owned()),
        _ => Err(format!(
            "Type a number from 1 to {n} and press Enter (or help)."
        )),
    }
}

/// A warning without its numbers: what stays the same while a save's size grows.
fn gist(warning: &str) -> String {
    warning.chars().filter(|c| !c.is_ascii_digit()).collect()
}

#[cfg(test)]
mod warning_tests {
    /// Issue 17: "(Autosave failed…)" was repeated at every scene once the save grew
    /// past its limit, because the message names the growing size.
    #[test]
    fn issue_17_a_warning_that_differs_only_in_numbers_is_the_same_warning() {
        let at = |size: u64| {
            format!(
                "(Autosave failed: `saves/auto.ron` is {size} bytes, more than a save may be (1048576); it was not read)"
            )
        };
        assert_eq!(super::gist(&at(1_048_600)), super::gist(&at(1_049_999)));
        assert_ne!(
            super::gist(&at(1)),
            super::gist("(Autosave failed: permission denied)")
        );
    }
}
