//! The plain line-mode player: for screen readers, pipes and scripts.
//!
//! This output is a contract (documented in the README): the date/place line, the scene's
//! paragraphs, the available choices as `N. label`, then a `> ` prompt. A number chooses;
//! `help` and `quit` are commands; anything else gets one line of help and the prompt
//! again. At an ending: `ENDING: <title>`, the epilogue, and exit 0. No escape sequences.

use std::io::{self, BufRead, Write};

use crate::engine::{self, ChoiceView, GameState};
use crate::story::Story;

/// How a plain session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An ending was reached.
    Ending,
    /// The player typed `quit`.
    Quit,
    /// Input ran out.
    EndOfInput,
}

/// A line-mode game in progress.
pub struct PlainPlayer<'s> {
    story: &'s Story,
    state: GameState,
    last_chapter: Option<String>,
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
        }
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
        loop {
            self.show_scene(out)?;
            if self.state.is_over() {
                self.show_ending(out)?;
                return Ok(Outcome::Ending);
            }
            let choices = engine::choices(self.story, &self.state);
            show_choices(&choices, out)?;
            loop {
                write!(out, "> ")?;
                out.flush()?;
                let mut line = String::new();
                if input.read_line(&mut line)? == 0 {
                    writeln!(out)?;
                    return Ok(Outcome::EndOfInput);
                }
                let line = line.trim();
                match line {
                    "quit" | "q" | "exit" => {
                        writeln!(out, "Goodbye.")?;
                        return Ok(Outcome::Quit);
                    }
                    "help" | "h" | "?" => {
                        writeln!(
                            out,
                            "Type the number of a choice and press Enter. Commands: help, look (show the scene again), quit."
                        )?;
                    }
                    "look" | "l" => {
                        self.last_chapter = None;
                        self.show_scene(out)?;
                        show_choices(&choices, out)?;
                    }
                    "" => {}
                    _ => match pick(line, &choices) {
                        Ok(id) => {
                            if let Err(e) = engine::choose(self.story, &mut self.state, &id) {
                                writeln!(out, "That cannot be done: {e}.")?;
                                continue;
                            }
                            writeln!(out)?;
                            break;
                        }
                        Err(msg) => writeln!(out, "{msg}")?,
                    },
                }
            }
        }
    }

    fn intro(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let s = self.story;
        if s.subtitle.is_empty() {
            writeln!(out, "{}", s.title)?;
        } else {
            writeln!(out, "{} — {}", s.title, s.subtitle)?;
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
        let view = match engine::render(self.story, &self.state) {
            Ok(v) => v,
            Err(e) => return writeln!(out, "(cannot show this scene: {e})"),
        };
        if self.last_chapter.as_deref() != Some(view.chapter.as_str()) {
            writeln!(out, "== {} ==", view.chapter)?;
            self.last_chapter = Some(view.chapter.clone());
        }
        writeln!(out, "{} · {}", view.date, view.place)?;
        for p in &view.paragraphs {
            writeln!(out)?;
            writeln!(out, "{}", strip_emphasis(p))?;
        }
        writeln!(out)?;
        Ok(())
    }

    fn show_ending(&self, out: &mut dyn Write) -> io::Result<()> {
        let Ok(view) = engine::render(self.story, &self.state) else {
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
                    let s = crate::sanitize::for_terminal(&t.render(&self.state, self.state.roll));
                    writeln!(out, "{}", strip_emphasis(s.trim()))?;
                }
                Ok(())
            };
        extra("— Afterword —", &self.story.afterword, out)?;
        extra("— Credits —", &self.story.credits, out)?;
        Ok(())
    }
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
