//! The plain line-mode player: for screen readers, pipes and scripts.
//!
//! This output is a contract (documented in the README): the date/place line, the scene's
//! paragraphs, the available choices as `N. label`, then a `> ` prompt. A number chooses;
//! `help`, `look`, `save [SLOT]`, `load SLOT`, `saves`, `undo` and `quit` are commands;
//! anything else gets one line of help and the prompt again. At an ending:
//! `ENDING: <title>`, the epilogue, and exit 0. No escape sequences.
//!
//! With a [`SaveStore`] the game autosaves whenever a scene is entered and keeps the
//! profile (scenes seen, endings found) up to date.

use std::io::{self, BufRead, Write};
use std::time::{Duration, Instant};

use crate::engine::{self, ChoiceView, GameState};
use crate::sanitize::for_terminal;
use crate::save::{self, Profile, QUICK_SLOT, SaveStore};
use crate::story::Story;

/// The line `help` prints.
pub const HELP: &str = "Type the number of a choice and press Enter. Commands: help, look (show the scene again), save [SLOT] (default: quick), load SLOT, saves (list them), undo (take back the last choice), quit.";

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

/// A line-mode game in progress.
pub struct PlainPlayer<'s> {
    story: &'s Story,
    state: GameState,
    last_chapter: Option<String>,
    saves: Option<&'s SaveStore>,
    profile: Profile,
    /// Play time before `since`: carried over from a loaded save.
    played: Duration,
    since: Instant,
    /// The last background problem reported (autosave, profile), so it is said once.
    last_warning: Option<String>,
}

/// Removes `*emphasis*` markers: a screen reader would read them aloud.
#[must_use]
pub fn strip_emphasis(text: &str) -> String {
    text.replace('*', "")
}

impl<'s> PlainPlayer<'s> {
    /// A new game from `seed`.
    ///
    /// # Errors
    /// When the story cannot start (its start scene is missing).
    pub fn new(story: &'s Story, seed: u64) -> Result<Self, engine::EngineError> {
        let (state, _) = engine::start(story, seed)?;
        Ok(Self::resume(story, state))
    }

    /// Continues from an existing state.
    #[must_use]
    pub fn resume(story: &'s Story, state: GameState) -> Self {
        Self {
            story,
            state,
            last_chapter: None,
            saves: None,
            profile: Profile::default(),
            played: Duration::ZERO,
            since: Instant::now(),
            last_warning: None,
        }
    }

    /// Enables `save`, `load`, `saves`, the autosave and the profile, in `store`.
    #[must_use]
    pub fn with_saves(mut self, store: &'s SaveStore) -> Self {
        self.profile = store.load_profile();
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
        &self.state
    }

    /// Plays until an ending, `quit`, or the end of input.
    ///
    /// # Errors
    /// Only I/O errors on `output`/`input`.
    pub fn run(&mut self, input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<Outcome> {
        self.intro(out)?;
        self.entered_scene();
        loop {
            self.show_scene(out)?;
            if self.state.is_over() {
                self.show_ending(out)?;
                return Ok(Outcome::Ending);
            }
            let choices = engine::choices(self.story, &self.state);
            show_choices(&choices, out)?;
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
                        show_choices(&choices, out)?;
                    }
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
                        Ok(id) => {
                            let events = match engine::choose(self.story, &mut self.state, &id) {
                                Ok(events) => events,
                                Err(e) => {
                                    let e = for_terminal(&e.to_string());
                                    writeln!(out, "That cannot be done: {e}.")?;
                                    continue;
                                }
                            };
                            report_story_bugs(&events);
                            writeln!(out)?;
                            self.entered_scene();
                            break;
                        }
                        Err(msg) => writeln!(out, "{msg}")?,
                    },
                }
            }
        }
    }

    /// After every change of scene: the autosave and the profile. Problems are told
    /// once, and never stop the game.
    fn entered_scene(&mut self) {
        let Some(store) = self.saves else {
            return;
        };
        let mut problem = None;
        // A fresh start has nothing worth keeping; saving it would only push the
        // previous game's autosave aside.
        if !self.state.path.is_empty()
            && let Err(e) = store.autosave(self.story, &self.state, self.play_time())
        {
            problem = Some(format!("(Autosave failed: {e})"));
        }
        if self.profile.record(&self.state)
            && let Err(e) = store.save_profile(&self.profile)
        {
            problem.get_or_insert_with(|| format!("(The profile could not be saved: {e})"));
        }
        // On stderr: the game goes on, and stdout stays the same for the same input
        // whether or not the saves directory is writable.
        // Said once: compared without its numbers, which change from scene to scene
        // (a save's size) while the problem stays the same.
        if let Some(p) = problem {
            let gist = gist(&p);
            if self.last_warning.as_ref() != Some(&gist) {
                eprintln!("{}", for_terminal(&p));
                self.last_warning = Some(gist);
            }
        }
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
        match store.save(slot, self.story, &self.state, self.play_time()) {
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
        let loaded = match store.load(slot, self.story) {
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
        if let Some(d) = &loaded.divergence {
            writeln!(
                out,
                "This save no longer matches the story at {}. Playing on from the last step that still holds.",
                for_terminal(&d.to_string())
            )?;
        } else if loaded.story_changed {
            writeln!(
                out,
                "(The story has changed since this save was made; the game still replays exactly.)"
            )?;
        }
        writeln!(out)?;
        self.state = loaded.state;
        self.played = loaded.play_time;
        self.since = Instant::now();
        self.last_chapter = None;
        self.entered_scene();
        Ok(true)
    }

    fn list_saves(&self, out: &mut dyn Write) -> io::Result<()> {
        let Some(store) = self.store(out)? else {
            return Ok(());
        };
        let slots = store.list_for(self.story);
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
        match engine::undo(self.story, &self.state) {
            Ok(state) => {
                self.state = state;
                self.last_chapter = None;
                writeln!(out, "Undone.")?;
                writeln!(out)?;
                self.entered_scene();
                Ok(true)
            }
            Err(engine::UndoError::AtStart) => {
                writeln!(out, "Nothing to undo: this is the start of the game.")?;
                Ok(false)
            }
            Err(e) => {
                writeln!(out, "Cannot undo: {}", for_terminal(&e.to_string()))?;
                Ok(false)
            }
        }
    }

    fn intro(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let s = self.story;
        let title = for_terminal(&s.title);
        if s.subtitle.is_empty() {
            writeln!(out, "{title}")?;
        } else {
            let subtitle = for_terminal(&s.subtitle);
            writeln!(out, "{title} — {subtitle}")?;
        }
        if !s.content_note.is_empty() && self.state.path.is_empty() {
            writeln!(out)?;
            writeln!(out, "Content note:")?;
            for p in &s.content_note {
                writeln!(
                    out,
                    "{}",
                    strip_emphasis(&crate::sanitize::for_terminal(&p.render(&self.state, 0)))
                )?;
            }
        }
        writeln!(out)?;
        Ok(())
    }

    fn show_scene(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write_scene(self.story, &self.state, &mut self.last_chapter, out)
    }

    fn show_ending(&self, out: &mut dyn Write) -> io::Result<()> {
        write_ending(self.story, &self.state, out)
    }
}

/// Writes the current scene as the plain player shows it: a `== chapter ==` line when
/// the chapter differs from `last_chapter`, the date/place line, then the paragraphs.
/// Shared with the replay transcript so both read the same.
///
/// # Errors
/// Only I/O errors on `out`.
pub fn write_scene(
    story: &Story,
    state: &GameState,
    last_chapter: &mut Option<String>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let view = match engine::render(story, state) {
        Ok(v) => v,
        Err(e) => {
            let e = for_terminal(&e.to_string());
            return writeln!(out, "(cannot show this scene: {e})");
        }
    };
    if last_chapter.as_deref() != Some(view.chapter.as_str()) {
        writeln!(out, "== {} ==", view.chapter)?;
        *last_chapter = Some(view.chapter.clone());
    }
    writeln!(out, "{} · {}", view.date, view.place)?;
    for p in &view.paragraphs {
        writeln!(out)?;
        writeln!(out, "{}", strip_emphasis(p))?;
    }
    writeln!(out)?;
    Ok(())
}

/// Writes `ENDING: <title>`, the epilogue, the afterword and the credits (nothing when
/// the game is not over).
///
/// # Errors
/// Only I/O errors on `out`.
pub fn write_ending(story: &Story, state: &GameState, out: &mut dyn Write) -> io::Result<()> {
    let Ok(view) = engine::render(story, state) else {
        return Ok(());
    };
    let Some(ending) = view.ending else {
        return Ok(());
    };
    writeln!(out, "ENDING: {}", ending.title)?;
    for p in &ending.epilogue {
        writeln!(out)?;
        writeln!(out, "{}", strip_emphasis(p))?;
    }
    let extra =
        |title: &str, texts: &[crate::story::Text], out: &mut dyn Write| -> io::Result<()> {
            if texts.is_empty() {
                return Ok(());
            }
            writeln!(out)?;
            writeln!(out, "{title}")?;
            for t in texts {
                writeln!(out)?;
                let s = for_terminal(&t.render(state, state.roll));
                writeln!(out, "{}", strip_emphasis(s.trim()))?;
            }
            Ok(())
        };
    extra("— Afterword —", &story.afterword, out)?;
    extra("— Credits —", &story.credits, out)?;
    Ok(())
}

fn show_choices(choices: &[ChoiceView], out: &mut dyn Write) -> io::Result<()> {
    let mut n = 0;
    for c in choices {
        if c.enabled {
            n += 1;
            writeln!(out, "{n}. {}", strip_emphasis(&c.label))?;
        } else {
            let why = c.reason.as_deref().unwrap_or("not now");
            writeln!(out, "-. {} (unavailable: {why})", strip_emphasis(&c.label))?;
        }
    }
    Ok(())
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

/// A division by zero at run time is a bug in the story, not the player's problem:
/// play goes on (the value saturated, see `Expr::eval`), and the author is told on
/// stderr, so stdout stays the same for the same input.
fn report_story_bugs(events: &[engine::Event]) {
    for e in events {
        if let engine::Event::DivisionByZero { scene, expression } = e {
            crate::printer::warn(format_args!(
                "(Story bug: `{expression}` divided by zero in scene `{scene}`; play goes on with the value saturated.)"
            ));
        }
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
