//! Translations keyed by stable line ids: which lines a story has, and a translated
//! copy of a story.
//!
//! Every line a player reads gets an id that does not depend on where it sits in its
//! file, only on the content it belongs to: `scene.<scene>.text.<n>`,
//! `scene.<scene>.choice.<choice>.label`, `ending.<ending>.epilogue.<n>`, `title`,
//! `afterword.<n>`… so moving scenes, adding files or editing other scenes never
//! renames a line. Each line carries a hash of its source, so a translation made from
//! an older source is known to be **stale**. The format on disk (gettext PO) is the
//! binary's business: this module takes and gives plain maps, and no I/O.
//!
//! A translated line must keep the source's markup — the same variables, the same
//! `{if}` conditions, the same number of `{~}` variants — or it would show the player
//! something the story did not mean; such a line is reported and the source is shown.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::expr::{BinOp, Expr, Scope, Type, UnOp};
use super::model::Story;
use super::text::{self, Segment, Text};
use crate::sanitize::for_terminal;

/// One translatable line of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Stable id.
    pub id: String,
    /// The source text, in the story's markup.
    pub source: String,
    /// [`hash`] of `source`.
    pub hash: String,
}

/// A translated line as a translation file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// The translation (empty: not translated yet).
    pub text: String,
    /// The hash of the source line it was translated from.
    pub hash: String,
}

/// A translation: translated lines by id.
pub type Translation = BTreeMap<String, Translated>;

/// What is wrong with a translation, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The line has no translation: the source is shown.
    Missing(String),
    /// The source changed since the line was translated: the old translation is shown
    /// until it is redone.
    Stale(String),
    /// The translation's markup differs from the source's (or does not parse): the
    /// source is shown.
    Markup {
        /// The line.
        id: String,
        /// What differs.
        detail: String,
    },
    /// A translated line the story no longer has.
    Unknown(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing(id) => write!(f, "`{id}`: not translated"),
            Problem::Stale(id) => write!(
                f,
                "`{id}`: stale (the source changed since it was translated)"
            ),
            Problem::Markup { id, detail } => write!(f, "`{id}`: markup differs: {detail}"),
            Problem::Unknown(id) => write!(f, "`{id}`: no such line in the story"),
        }
    }
}

/// Whether `lang` is a language tag (`fr`, `pt-BR`, `zh_Hant`): letters, digits, `-`
/// and `_`, at most 16 of them. A tag names a translation file and is kept in the
/// player's profile, so this one rule bounds both.
#[must_use]
pub fn is_language_tag(lang: &str) -> bool {
    !lang.is_empty()
        && lang.len() <= 16
        && lang
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// FNV-1a (64 bits) of a source line, in hex: stable across builds and platforms.
#[must_use]
pub fn hash(source: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in source.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Prints parsed text of `story` back in the story's markup. Conditions come out in
/// their canonical form (`(a > 1)`), which parses to the same text; an enumeration
/// compared with one of its values shows the value's name (`(aria == vissi_darte)`),
/// as the author wrote it, not the index it is compiled to.
#[must_use]
pub fn markup(story: &Story, text: &Text) -> String {
    let mut out = String::new();
    print(story, &text.segments, &mut out);
    out
}

/// `expr` as the story writes it: [`Expr`]'s own form, except that an enumeration's
/// value is named (a bare number there would not parse back, and means nothing to a
/// translator).
fn condition(story: &Story, expr: &Expr) -> String {
    let value_of = |var: &Expr, value: &Expr| match (var, value) {
        (Expr::Var(name), Expr::Int(i)) => story
            .variable(name)
            .filter(|v| matches!(v.ty, Type::Enum(_)))
            .and_then(|v| usize::try_from(*i).ok().and_then(|i| v.values.get(i)))
            .cloned(),
        _ => None,
    };
    match expr {
        Expr::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => {
            let a_shown = value_of(b, a).unwrap_or_else(|| condition(story, a));
            let b_shown = value_of(a, b).unwrap_or_else(|| condition(story, b));
            format!("({a_shown} {} {b_shown})", op.symbol())
        }
        Expr::Binary(op, a, b) => format!(
            "({} {} {})",
            condition(story, a),
            op.symbol(),
            condition(story, b)
        ),
        Expr::Unary(UnOp::Not, e) => format!("not {}", condition(story, e)),
        Expr::Unary(UnOp::Neg, e) => format!("-{}", condition(story, e)),
        Expr::Int(_) | Expr::Bool(_) | Expr::Var(_) | Expr::Visits(_) => expr.to_string(),
    }
}

fn print(story: &Story, segs: &[Segment], out: &mut String) {
    for s in segs {
        match s {
            Segment::Lit(t) => out.push_str(&t.replace('{', "{{").replace('}', "}}")),
            Segment::Var(v) | Segment::EnumVar(v, _) => {
                out.push('{');
                out.push_str(v);
                out.push('}');
            }
            Segment::Tag(t) => {
                let _ = write!(out, "{{# {t}}}");
            }
            Segment::Vary(kind, _, opts) => {
                let _ = write!(out, "{{{}: ", kind.keyword());
                for (i, o) in opts.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    print(story, o, out);
                }
                out.push('}');
            }
            Segment::If(block) => {
                let _ = write!(out, "{{if {}: ", condition(story, &block.cond));
                print(story, &block.then, out);
                if !block.otherwise.is_empty() {
                    out.push_str(" | ");
                    print(story, &block.otherwise, out);
                }
                out.push('}');
            }
            Segment::OneOf(_, opts) => {
                out.push_str("{~");
                for (i, o) in opts.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    print(story, o, out);
                }
                out.push('}');
            }
        }
    }
}

/// Every translatable line, in story order. Plain labels (chapter, date, place) are
/// keyed by their hash, since one label is shared by many scenes.
#[must_use]
pub fn lines(story: &Story) -> Vec<Line> {
    let mut out = Vec::new();
    let mut push = |id: String, source: String| {
        // Nothing to translate (and an empty msgid would be a PO file's header).
        if source.is_empty() {
            return;
        }
        let hash = hash(&source);
        out.push(Line { id, source, hash });
    };
    push("title".into(), story.title.clone());
    if !story.subtitle.is_empty() {
        push("subtitle".into(), story.subtitle.clone());
    }
    for (field, texts) in [
        ("content_note", &story.content_note),
        ("afterword", &story.afterword),
        ("credits", &story.credits),
    ] {
        for (i, t) in texts.iter().enumerate() {
            push(format!("{field}.{i}"), markup(story, t));
        }
    }
    for e in &story.endings {
        push(format!("ending.{}.title", e.id), e.title.clone());
        for (i, t) in e.epilogue.iter().enumerate() {
            push(format!("ending.{}.epilogue.{i}", e.id), markup(story, t));
        }
    }
    let mut labels: Vec<&str> = Vec::new();
    for s in &story.scenes {
        for l in [&*s.chapter, &*s.date, &*s.place] {
            if !l.is_empty() && !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
    for l in labels {
        push(format!("label.{}", hash(l)), l.to_owned());
    }
    for (id, word) in story.words.entries() {
        push(id.to_owned(), word.to_owned());
    }
    for s in &story.scenes {
        for (i, t) in s.text.iter().enumerate() {
            push(format!("scene.{}.text.{i}", s.id), markup(story, t));
        }
        for c in s.choices() {
            push(
                format!("scene.{}.choice.{}.label", s.id, c.id),
                markup(story, &c.label),
            );
            if let Some(d) = c.disabled() {
                push(
                    format!("scene.{}.choice.{}.disabled", s.id, c.id),
                    d.to_owned(),
                );
            }
        }
    }
    out
}

struct StoryScope<'a>(&'a Story);

impl Scope for StoryScope<'_> {
    fn var_type(&self, name: &str) -> Option<Type> {
        self.0.variable(name).map(|v| v.ty)
    }
    fn scene_exists(&self, id: &str) -> bool {
        self.0.scene(id).is_some()
    }
    fn var_names(&self) -> Vec<&str> {
        self.0.variables.iter().map(|v| v.name.as_str()).collect()
    }
    fn enum_values(&self, id: u32) -> Vec<&str> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.0.variables.get(i))
            .map(|v| v.values.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// What a text's markup does, order aside: variables shown, conditions tested,
/// variant blocks and their sizes.
fn shape(segs: &[Segment], out: &mut Vec<String>) {
    for s in segs {
        match s {
            Segment::Lit(_) => {}
            Segment::Var(v) | Segment::EnumVar(v, _) => out.push(format!("{{{v}}}")),
            Segment::Tag(t) => out.push(format!("{{# {t}}}")),
            Segment::Vary(kind, _, opts) => {
                out.push(format!("{{{}: {} variants}}", kind.keyword(), opts.len()));
                for o in opts {
                    shape(o, out);
                }
            }
            Segment::If(block) => {
                out.push(format!("{{if {}}}", block.cond));
                shape(&block.then, out);
                shape(&block.otherwise, out);
            }
            Segment::OneOf(_, opts) => {
                out.push(format!("{{~ {} variants}}", opts.len()));
                for o in opts {
                    shape(o, out);
                }
            }
        }
    }
}

fn shape_of(t: &Text) -> Vec<String> {
    let mut v = Vec::new();
    shape(&t.segments, &mut v);
    v.sort();
    v
}

/// Gives the translation's `{~}` blocks the source's slots, in order, so a translated
/// scene draws the same variants as the source would.
fn reslot(segs: &mut [Segment], slots: &mut impl Iterator<Item = u32>) {
    for s in segs {
        match s {
            Segment::OneOf(slot, opts) | Segment::Vary(_, slot, opts) => {
                if let Some(n) = slots.next() {
                    *slot = n;
                }
                for o in opts {
                    reslot(o, slots);
                }
            }
            Segment::If(block) => {
                reslot(&mut block.then, slots);
                reslot(&mut block.otherwise, slots);
            }
            Segment::Lit(_) | Segment::Var(_) | Segment::Tag(_) | Segment::EnumVar(..) => {}
        }
    }
}

fn slots(segs: &[Segment], out: &mut Vec<u32>) {
    for s in segs {
        match s {
            Segment::OneOf(slot, opts) | Segment::Vary(_, slot, opts) => {
                out.push(*slot);
                for o in opts {
                    slots(o, out);
                }
            }
            Segment::If(block) => {
                slots(&block.then, out);
                slots(&block.otherwise, out);
            }
            Segment::Lit(_) | Segment::Var(_) | Segment::Tag(_) | Segment::EnumVar(..) => {}
        }
    }
}

/// Parses a translated line and checks it against the source's markup.
fn translated_text(story: &Story, source: &Text, line: &str) -> Result<Text, String> {
    let mut slot = 0;
    let mut t = text::parse(line, &StoryScope(story), &mut slot)
        .map_err(|e| format!("does not parse at character {}: {}", e.offset, e.message))?;
    let (want, got) = (shape_of(source), shape_of(&t));
    if want != got {
        let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
        let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("dropped {}", join(&missing)));
        }
        if !extra.is_empty() {
            parts.push(format!("added {}", join(&extra)));
        }
        if parts.is_empty() {
            parts.push("the same markup a different number of times".to_owned());
        }
        return Err(parts.join("; "));
    }
    let mut source_slots = Vec::new();
    slots(&source.segments, &mut source_slots);
    reslot(&mut t.segments, &mut source_slots.into_iter());
    Ok(t)
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every problem of `translation` for `story`: missing, stale, markup that differs,
/// and lines the story no longer has.
#[must_use]
pub fn check(story: &Story, translation: &Translation) -> Vec<Problem> {
    translate(story, translation).1
}

/// `story` with every usable line of `translation` in place of its source, and every
/// problem found. A missing line or one whose markup differs shows the source; a stale
/// one still shows its (older) translation, which is closer to right than English in
/// the middle of a French page.
#[must_use]
pub fn translate(story: &Story, translation: &Translation) -> (Story, Vec<Problem>) {
    let mut out = story.clone();
    let mut problems = Vec::new();
    let known: HashMap<String, Line> = lines(story)
        .into_iter()
        .map(|l| (l.id.clone(), l))
        .collect();
    for id in translation.keys().filter(|id| !known.contains_key(*id)) {
        problems.push(Problem::Unknown(id.clone()));
    }
    // The usable translation of a line, noting what is wrong with it. Translations are
    // input like story files: neutralised here, as the loader does for the source.
    let mut pick = |id: &str| -> Option<String> {
        let line = known.get(id)?;
        match translation.get(id) {
            Some(t) if !t.text.is_empty() => {
                if t.hash != line.hash {
                    problems.push(Problem::Stale(id.to_owned()));
                }
                Some(for_terminal(&t.text))
            }
            _ => {
                problems.push(Problem::Missing(id.to_owned()));
                None
            }
        }
    };
    let mut markup_problems = Vec::new();
    let mut text = |id: String, t: &mut Text, pick: &mut dyn FnMut(&str) -> Option<String>| {
        if let Some(line) = pick(&id) {
            match translated_text(story, t, &line) {
                Ok(new) => *t = new,
                Err(detail) => markup_problems.push(Problem::Markup { id, detail }),
            }
        }
    };
    let plain = |id: String, s: &mut String, pick: &mut dyn FnMut(&str) -> Option<String>| {
        if let Some(line) = pick(&id) {
            *s = line;
        }
    };
    plain("title".into(), &mut out.title, &mut pick);
    if !out.subtitle.is_empty() {
        plain("subtitle".into(), &mut out.subtitle, &mut pick);
    }
    for (field, texts) in [
        ("content_note", &mut out.content_note),
        ("afterword", &mut out.afterword),
        ("credits", &mut out.credits),
    ] {
        for (i, t) in texts.iter_mut().enumerate() {
            text(format!("{field}.{i}"), t, &mut pick);
        }
    }
    for e in &mut out.endings {
        plain(format!("ending.{}.title", e.id), &mut e.title, &mut pick);
        for (i, t) in e.epilogue.iter_mut().enumerate() {
            text(format!("ending.{}.epilogue.{i}", e.id), t, &mut pick);
        }
    }
    for (id, word) in out.words.entries_mut() {
        plain(id.to_owned(), word, &mut pick);
    }
    let mut label_done: Vec<String> = Vec::new();
    for s in &mut out.scenes {
        for l in [&mut s.chapter, &mut s.date, &mut s.place] {
            if l.is_empty() {
                continue;
            }
            let id = format!("label.{}", hash(l));
            // Report each shared label once, translate it everywhere.
            if label_done.contains(&id) {
                if let Some(t) = translation.get(&id).filter(|t| !t.text.is_empty()) {
                    *l = for_terminal(&t.text).into();
                }
                continue;
            }
            label_done.push(id.clone());
            let mut label = l.to_string();
            plain(id, &mut label, &mut pick);
            *l = label.into();
        }
        let sid = s.id.clone();
        for (i, t) in s.text.iter_mut().enumerate() {
            text(format!("scene.{sid}.text.{i}"), t, &mut pick);
        }
        if let super::model::Exit::Choices(cs) = &mut s.exit {
            for c in cs {
                text(
                    format!("scene.{sid}.choice.{}.label", c.id),
                    &mut c.label,
                    &mut pick,
                );
                if let Some(d) = c.extra.as_mut().and_then(|x| x.disabled.as_mut()) {
                    plain(
                        format!("scene.{sid}.choice.{}.disabled", c.id),
                        d,
                        &mut pick,
                    );
                }
            }
        }
    }
    problems.extend(markup_problems);
    (out, problems)
}
