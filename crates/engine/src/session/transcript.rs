//! What a game reads like as lines of text: the plain player's output and the replay
//! transcript, which must read the same so a transcript can be typed back in.
//!
//! Pure: every function returns a `String` for the front end to write. The format is a
//! contract (documented in the README): a `== chapter ==` line when the chapter
//! changes, the `date · place` line, the paragraphs, the choices as `N. label`, and at
//! an ending `ENDING: <title>`, the epilogue, the afterword and the credits.

use std::fmt::Write as _;

use super::Recording;
use super::pages::ending_pages;
use crate::engine::{self, CONTINUE, ChoiceView, GameState};
use crate::story::Story;
use crate::story::emphasis::strip;

/// The current scene: a `== chapter ==` line when the chapter differs from
/// `last_chapter` (which is updated), the date/place line, then the paragraphs.
#[must_use]
pub fn scene(story: &Story, state: &GameState, last_chapter: &mut Option<String>) -> String {
    scene_tagged(story, state, last_chapter, false)
}

/// Like [`scene`]; with `tags`, each tag list follows what it tags on a line of its
/// own, `# tags: a, b` (the scene's after the date/place line, a paragraph's after the
/// paragraph). Off by default, so the plain contract is unchanged.
#[must_use]
pub fn scene_tagged(
    story: &Story,
    state: &GameState,
    last_chapter: &mut Option<String>,
    tags: bool,
) -> String {
    let mut out = String::new();
    let view = match engine::render(story, state) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(out, "(cannot show this scene: {e})");
            return out;
        }
    };
    if last_chapter.as_deref() != Some(view.chapter.as_str()) {
        let _ = writeln!(out, "== {} ==", view.chapter);
        *last_chapter = Some(view.chapter.clone());
    }
    let _ = writeln!(out, "{} · {}", view.date, view.place);
    if tags {
        out.push_str(&tag_line(&view.tags));
    }
    for (p, p_tags) in view.paragraphs.iter().zip(&view.paragraph_tags) {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", strip(p));
        if tags {
            out.push_str(&tag_line(p_tags));
        }
    }
    let _ = writeln!(out);
    out
}

/// `ENDING: <title>`, the epilogue, the afterword and the credits; empty when the game
/// is not over.
#[must_use]
pub fn ending(story: &Story, state: &GameState) -> String {
    let mut out = String::new();
    let Some(pages) = ending_pages(story, state) else {
        return out;
    };
    let _ = writeln!(out, "ENDING: {}", pages.title);
    for p in &pages.epilogue {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", strip(p));
    }
    let words = &story.words;
    for (title, texts) in [
        (&words.afterword, &pages.afterword),
        (&words.credits, &pages.credits),
    ] {
        if texts.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "— {title} —");
        for t in texts {
            let _ = writeln!(out);
            let _ = writeln!(out, "{}", strip(t));
        }
    }
    out
}

/// The choices: `N. label` for each available one (numbered as a number chooses
/// them), `-. label (unavailable: why)` for the others.
#[must_use]
pub fn choices(choices: &[ChoiceView]) -> String {
    choices_tagged(choices, false)
}

/// `# tags: a, b` for a non-empty list of tags, else nothing.
fn tag_line(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!("# tags: {}\n", tags.join(", "))
    }
}

/// Like [`choices`]; with `tags`, a choice's tags follow it as `# tags: a, b`.
#[must_use]
pub fn choices_tagged(choices: &[ChoiceView], tags: bool) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in choices {
        if c.enabled {
            n += 1;
            let _ = writeln!(out, "{n}. {}", strip(&c.label));
        } else {
            let why = c.reason.as_deref().unwrap_or("not now");
            let _ = writeln!(out, "-. {} (unavailable: {why})", strip(&c.label));
        }
        if tags {
            out.push_str(&tag_line(&c.tags));
        }
    }
    out
}

/// How the choice taken in `state` reads: `N. label`, numbered as the plain player
/// numbered it, so a transcript can be typed back in.
#[must_use]
pub fn taken_label(story: &Story, state: &GameState, choice: &str) -> String {
    if choice == CONTINUE {
        return format!("1. {}", story.words.continue_label);
    }
    let enabled = engine::choices(story, state)
        .into_iter()
        .filter(|c| c.enabled)
        .enumerate()
        .find(|(_, c)| c.id == choice);
    match enabled {
        Some((n, c)) => format!("{}. {}", n + 1, strip(&c.label)),
        None => format!("?. ({choice})"),
    }
}

/// A recorded game: each scene as the plain player shows it, then `> N. label` for
/// the choice taken; at the end, the ending if one was reached.
#[must_use]
pub fn transcript(story: &Story, recording: &Recording) -> String {
    let mut out = String::new();
    let mut last_chapter = None;
    for i in 0..recording.len() {
        let Some(state) = recording.view_state(i) else {
            break;
        };
        out.push_str(&scene(story, state, &mut last_chapter));
        match recording.step(i) {
            Some(step) => {
                let _ = writeln!(out, "> {}", taken_label(story, state, &step.choice));
                let _ = writeln!(out);
            }
            None if state.is_over() => out.push_str(&ending(story, state)),
            None => {
                let _ = writeln!(out, "(The recording ends here, after {i} choices.)");
            }
        }
    }
    out
}
