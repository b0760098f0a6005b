//! Sanitising once, at load: every string a story hands on is made terminal-safe here.
//!
//! Story files are untrusted input: an escape sequence in a paragraph could move the
//! cursor, retitle the window or write to the clipboard. Rather than every front end
//! and every message remembering to neutralise what it prints, the loader passes each
//! string of the finished [`Story`] (texts, labels, ids, file names) and each
//! [`Diagnostic`] (message, file, quoted source line, hint) through
//! [`for_terminal`] once. Anything rendered from the story afterwards is safe by
//! construction; the engine and the diagnostics never sanitise again.
//!
//! Ids are neutralised like the rest, so a save of such a story is still readable (saves
//! refuse ids with control characters); the scene index is rebuilt to match.

use super::diag::Diagnostic;
use super::model::{Exit, Scene, Story};
use super::text::{Segment, Text};
use crate::sanitize::for_terminal;

/// Neutralises `s` if it holds a control or bidirectional-override character; true
/// when it changed.
fn clean(s: &mut String) -> bool {
    if needs_cleaning(s) {
        *s = for_terminal(s);
        return true;
    }
    false
}

/// [`clean`] for a string shared between scenes (a label, an id: each holder's copy is
/// cleaned alike).
fn clean_shared<S: std::ops::Deref<Target = str> + From<String>>(s: &mut S) {
    if needs_cleaning(s) {
        *s = for_terminal(s).into();
    }
}

/// Whether `s` holds a control or bidirectional-override character.
fn needs_cleaning(s: &str) -> bool {
    // Printable ASCII (nearly all story text) needs no look at its characters; checked
    // a block at a time without stopping early, which compiles to wide comparisons.
    let printable_ascii = s.as_bytes().chunks(64).all(|block| {
        block
            .iter()
            .fold(0u8, |bad, &b| bad | u8::from(!(0x20..0x7f).contains(&b)))
            == 0
    });
    if printable_ascii {
        return false;
    }
    s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

fn clean_segments(segments: &mut [Segment]) {
    for seg in segments {
        match seg {
            Segment::Lit(s) | Segment::Tag(s) => _ = clean(s),
            Segment::Var(_) | Segment::EnumVar(..) => {}
            Segment::If(block) => {
                clean_segments(&mut block.then);
                clean_segments(&mut block.otherwise);
            }
            Segment::OneOf(_, options) | Segment::Vary(_, _, options) => {
                for o in options {
                    clean_segments(o);
                }
            }
        }
    }
}

fn clean_texts(texts: &mut [Text]) {
    for t in texts {
        clean_segments(&mut t.segments);
    }
}

/// Makes every string of `story` terminal-safe.
pub(crate) fn story(story: &mut Story) {
    for s in [
        &mut story.id,
        &mut story.title,
        &mut story.subtitle,
        &mut story.start,
    ] {
        clean(s);
    }
    clean_texts(&mut story.content_note);
    clean_texts(&mut story.afterword);
    clean_texts(&mut story.credits);
    story.files.iter_mut().for_each(|f| _ = clean(f));
    for e in &mut story.endings {
        clean(&mut e.id);
        clean(&mut e.title);
        clean_texts(&mut e.epilogue);
    }
    let ids_changed = scenes(&mut story.scenes);
    // Scene ids are checked to be letters, digits, `_` and `-`, so this happens only in
    // a story with errors; the index must then follow the neutralised ids.
    if ids_changed {
        story.scene_index = story
            .scenes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
    }
}

/// [`scene`] for every scene, half of them on a second thread in a large story (issue
/// 16: at 100,000 scenes, ~28 ms on one); true when an id changed.
fn scenes(scenes: &mut [Scene]) -> bool {
    let all = |scenes: &mut [Scene]| scenes.iter_mut().fold(false, |ids, s| scene(s) | ids);
    let large = scenes.len() >= super::both::SCENES;
    let (first, second) = scenes.split_at_mut(scenes.len() / 2);
    let (a, b) = super::both::both(large, || all(first), || all(second));
    a | b
}

/// Makes every string of one scene terminal-safe (an incremental reload cleans only the
/// scenes it recompiled); true when its id changed.
pub(crate) fn scene(s: &mut Scene) -> bool {
    let id_changed = clean(&mut s.id);
    for f in [&mut s.chapter, &mut s.date, &mut s.place] {
        clean_shared(f);
    }
    clean_texts(&mut s.text);
    s.tags.iter_mut().for_each(|t| _ = clean(t));
    match &mut s.exit {
        Exit::Choices(choices) => {
            for c in choices {
                clean_shared(&mut c.id);
                clean_shared(&mut c.goto);
                clean_segments(&mut c.label.segments);
                if let Some(extra) = &mut c.extra {
                    if let Some(d) = &mut extra.detour {
                        clean_shared(d);
                    }
                    extra.tags.iter_mut().for_each(|t| _ = clean(t));
                    if let Some(d) = &mut extra.disabled {
                        clean(d);
                    }
                    if let Some(chance) = &mut extra.chance {
                        clean_shared(&mut chance.goto);
                    }
                }
            }
        }
        Exit::Routes(routes) => {
            for r in routes {
                clean_shared(&mut r.goto);
                if let Some(d) = &mut r.detour {
                    clean_shared(d);
                }
            }
        }
        Exit::Ending(e) => _ = clean(e),
    }
    id_changed
}

/// Makes every string of each diagnostic terminal-safe.
pub(crate) fn diagnostics(diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        clean(&mut d.message);
        clean(&mut d.file);
        if let Some(line) = &mut d.source_line {
            clean(line);
        }
        if let Some(hint) = &mut d.hint {
            clean(hint);
        }
        for label in &mut d.labels {
            clean(&mut label.file);
            clean(&mut label.message);
        }
    }
}
