//! `butterfly diff OLD NEW`: what an edit does to a story, and to the games players
//! have saved in it.
//!
//! A text diff of RON files shows moved lines and reflowed paragraphs; an author about
//! to ship needs to know which scenes, choices, conditions and effects changed, and
//! above all which saved games the new version will rewind. Both halves are pure
//! functions of the two checked stories: [`diff_stories`] compares them by id (the ids
//! saves record), and [`predict`] replays each recording in the new story through the
//! very check the game runs on load ([`format::verify`]), so the prediction is what the
//! player will see, not a second opinion. Reading save files is the caller's business.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::engine::{self, Migration, Step};
use crate::save::SaveError;
use crate::save::format::{self, SaveFile};
use crate::story::expr::{AssignOp, Effect};
use crate::story::{Choice, Exit, Route, Scene, Story, Text, Variable};

/// Whether something was added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Only in the new story.
    Added,
    /// Only in the old story.
    Removed,
    /// In both, different.
    Changed,
}

impl Kind {
    fn mark(self) -> char {
        match self {
            Kind::Added => '+',
            Kind::Removed => '-',
            Kind::Changed => '~',
        }
    }
}

/// One difference between two stories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: Kind,
    /// What: `story`, ``scene `gate` ``, ``variable `coins` ``, ``ending `home` ``.
    pub subject: String,
    /// For changes, what changed in it, one line each (``choice `open`: condition
    /// `has_key` -> `has_key and coins > 0` ``, `2 paragraphs changed`).
    pub details: Vec<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.kind.mark(), self.subject)?;
        for d in &self.details {
            writeln!(f, "    {d}")?;
        }
        Ok(())
    }
}

/// Every difference between `old` and `new`: the story's own fields, then variables,
/// endings and scenes, each in the new story's order with removals after.
#[must_use]
pub fn diff_stories(old: &Story, new: &Story) -> Vec<Change> {
    let mut out = Vec::new();
    let story = story_details(old, new);
    if !story.is_empty() {
        out.push(Change {
            kind: Kind::Changed,
            subject: "story".to_owned(),
            details: story,
        });
    }
    keyed(
        &mut out,
        "variable",
        &old.variables,
        &new.variables,
        |v| &v.name,
        variable_details,
        describe_variable,
    );
    keyed(
        &mut out,
        "ending",
        &old.endings,
        &new.endings,
        |e| &e.id,
        |a, b| {
            let mut d = Vec::new();
            if a.title != b.title {
                d.push(format!("title `{}` -> `{}`", a.title, b.title));
            }
            d.extend(paragraphs("epilogue", &a.epilogue, &b.epilogue));
            d
        },
        |e| e.title.clone(),
    );
    keyed(
        &mut out,
        "scene",
        &old.scenes,
        &new.scenes,
        |s| &s.id,
        scene_details,
        describe_scene,
    );
    out
}

/// Compares two lists of items by key: added ones (with `describe`), changed ones (with
/// `details`), then removed ones.
fn keyed<T>(
    out: &mut Vec<Change>,
    what: &str,
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> &String,
    details: impl Fn(&T, &T) -> Vec<String>,
    describe: impl Fn(&T) -> String,
) {
    let olds: BTreeMap<&String, &T> = old.iter().map(|t| (key(t), t)).collect();
    let news: BTreeSet<&String> = new.iter().map(&key).collect();
    for item in new {
        let id = key(item);
        match olds.get(id) {
            None => out.push(Change {
                kind: Kind::Added,
                subject: format!("{what} `{id}` ({})", describe(item)),
                details: Vec::new(),
            }),
            Some(was) => {
                let d = details(was, item);
                if !d.is_empty() {
                    out.push(Change {
                        kind: Kind::Changed,
                        subject: format!("{what} `{id}`"),
                        details: d,
                    });
                }
            }
        }
    }
    for item in old.iter().filter(|t| !news.contains(key(t))) {
        out.push(Change {
            kind: Kind::Removed,
            subject: format!("{what} `{}` ({})", key(item), describe(item)),
            details: Vec::new(),
        });
    }
}

fn story_details(old: &Story, new: &Story) -> Vec<String> {
    let mut d = Vec::new();
    for (field, a, b) in [
        ("id", &old.id, &new.id),
        ("title", &old.title, &new.title),
        ("subtitle", &old.subtitle, &new.subtitle),
        ("start", &old.start, &new.start),
    ] {
        if a != b {
            d.push(format!("{field} `{a}` -> `{b}`"));
        }
    }
    if old.id != new.id {
        d.push("every save of the old story is refused by the new one".to_owned());
    }
    d.extend(paragraphs(
        "content note",
        &old.content_note,
        &new.content_note,
    ));
    d.extend(paragraphs("afterword", &old.afterword, &new.afterword));
    d.extend(paragraphs("credits", &old.credits, &new.credits));
    d
}

fn describe_variable(v: &Variable) -> String {
    if v.ty == crate::story::expr::Type::Bool {
        format!("flag, initially {}", v.initial != 0)
    } else {
        format!("number, initially {}, {}..={}", v.initial, v.min, v.max)
    }
}

fn variable_details(a: &Variable, b: &Variable) -> Vec<String> {
    let (was, now) = (describe_variable(a), describe_variable(b));
    if was == now {
        Vec::new()
    } else {
        vec![format!("{was} -> {now}")]
    }
}

fn describe_scene(s: &Scene) -> String {
    let exit = match &s.exit {
        Exit::Choices(c) => format!("{} choice(s)", c.len()),
        Exit::Routes(r) if s.is_junction() => format!("junction, {} route(s)", r.len()),
        Exit::Routes(r) => format!("{} route(s)", r.len()),
        Exit::Ending(e) => format!("ending `{e}`"),
    };
    format!("{}, {exit}", s.chapter)
}

fn scene_details(a: &Scene, b: &Scene) -> Vec<String> {
    let mut d = Vec::new();
    for (field, x, y) in [
        ("chapter", &a.chapter, &b.chapter),
        ("date", &a.date, &b.date),
        ("place", &a.place, &b.place),
    ] {
        if x != y {
            d.push(format!("{field} `{x}` -> `{y}`"));
        }
    }
    if a.on_enter != b.on_enter {
        d.push(format!(
            "on entering: {} -> {}",
            effects(&a.on_enter),
            effects(&b.on_enter)
        ));
    }
    d.extend(paragraphs("text", &a.text, &b.text));
    match (&a.exit, &b.exit) {
        (Exit::Choices(was), Exit::Choices(now)) => d.extend(choice_details(was, now)),
        (Exit::Routes(was), Exit::Routes(now)) => {
            if was != now {
                d.push(format!("routes: {} -> {}", routes(was), routes(now)));
            }
        }
        (Exit::Ending(was), Exit::Ending(now)) => {
            if was != now {
                d.push(format!("ending `{was}` -> `{now}`"));
            }
        }
        _ => d.push(format!("way out: {} -> {}", exit_kind(a), exit_kind(b))),
    }
    d
}

fn exit_kind(s: &Scene) -> String {
    match &s.exit {
        Exit::Choices(c) => format!("{} choice(s)", c.len()),
        Exit::Routes(r) => format!("routes {}", routes(r)),
        Exit::Ending(e) => format!("ending `{e}`"),
    }
}

fn routes(rs: &[Route]) -> String {
    let parts: Vec<String> = rs
        .iter()
        .map(|r| {
            let to = match &r.detour {
                Some(d) => format!("detour `{d}` then `{}`", r.goto),
                None => format!("`{}`", r.goto),
            };
            match r.when_source() {
                Some(w) => format!("`{w}` => {to}"),
                None => to,
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

fn choice_details(old: &[Choice], new: &[Choice]) -> Vec<String> {
    let mut d = Vec::new();
    let olds: BTreeMap<&str, &Choice> = old.iter().map(|c| (c.id.as_str(), c)).collect();
    let news: BTreeSet<&str> = new.iter().map(|c| c.id.as_str()).collect();
    // An added and a removed choice that read and lead the same are one renamed
    // choice: worth saying, since saves record choices by id.
    let gone: Vec<&Choice> = old
        .iter()
        .filter(|c| !news.contains(c.id.as_str()))
        .collect();
    let mut renamed: BTreeSet<&str> = BTreeSet::new();
    for c in new {
        let Some(was) = olds.get(c.id.as_str()) else {
            let twin = gone.iter().find(|g| {
                g.label == c.label && g.goto == c.goto && !renamed.contains(g.id.as_str())
            });
            match twin {
                Some(g) => {
                    renamed.insert(g.id.as_str());
                    d.push(format!("~ choice `{}` renamed `{}`", g.id, c.id));
                }
                None => d.push(format!("+ choice `{}` -> `{}`", c.id, c.goto)),
            }
            continue;
        };
        let mut parts = Vec::new();
        if was.label != c.label {
            parts.push("label reworded".to_owned());
        }
        if was.goto != c.goto {
            parts.push(format!("goes to `{}` -> `{}`", was.goto, c.goto));
        }
        if was.detour() != c.detour() {
            let show = |d: Option<&str>| d.map_or_else(|| "none".to_owned(), |d| format!("`{d}`"));
            parts.push(format!(
                "detour {} -> {}",
                show(was.detour()),
                show(c.detour())
            ));
        }
        if was.when() != c.when() {
            parts.push(format!(
                "condition {} -> {}",
                condition(was.when_source()),
                condition(c.when_source())
            ));
        }
        if was.disabled() != c.disabled() {
            parts.push("disabled reason changed".to_owned());
        }
        if was.effects != c.effects {
            parts.push(format!(
                "effects {} -> {}",
                effects(&was.effects),
                effects(&c.effects)
            ));
        }
        if was.once != c.once {
            parts.push(format!("once {} -> {}", was.once, c.once));
        }
        if was.chance() != c.chance() {
            let show = |ch: Option<&crate::story::Chance>| {
                ch.map_or_else(
                    || "none".to_owned(),
                    |ch| format!("{}% to `{}` {}", ch.percent, ch.goto, effects(&ch.effects)),
                )
            };
            parts.push(format!(
                "chance {} -> {}",
                show(was.chance()),
                show(c.chance())
            ));
        }
        if !parts.is_empty() {
            d.push(format!("~ choice `{}`: {}", c.id, parts.join("; ")));
        }
    }
    for c in gone.iter().filter(|c| !renamed.contains(c.id.as_str())) {
        d.push(format!("- choice `{}` -> `{}`", c.id, c.goto));
    }
    let common = |list: &[Choice], other: &BTreeSet<&str>| -> Vec<String> {
        list.iter()
            .filter(|c| other.contains(c.id.as_str()))
            .map(|c| c.id.to_string())
            .collect()
    };
    let old_ids: BTreeSet<&str> = olds.keys().copied().collect();
    if common(old, &news) != common(new, &old_ids) {
        d.push("choices reordered".to_owned());
    }
    d
}

fn condition(src: Option<&str>) -> String {
    src.map_or_else(|| "(none)".to_owned(), |s| format!("`{s}`"))
}

fn effects(list: &[Effect]) -> String {
    if list.is_empty() {
        return "(none)".to_owned();
    }
    let parts: Vec<String> = list.iter().map(effect).collect();
    format!("[{}]", parts.join(", "))
}

fn effect(e: &Effect) -> String {
    let op = match e.op {
        AssignOp::Set => "=",
        AssignOp::Add => "+=",
        AssignOp::Sub => "-=",
    };
    let guard = e
        .guard
        .as_ref()
        .map_or_else(String::new, |g| format!("if {g}: "));
    format!("`{guard}{} {op} {}`", e.target, e.value)
}

/// Summarises paragraph edits as counts, not line noise: `text: 2 paragraphs changed,
/// 1 added`. Paragraphs are matched by a longest common subsequence, so inserting one
/// is "1 added", not "every later one changed"; an addition facing a removal at the
/// same place counts as a change.
fn paragraphs(what: &str, old: &[Text], new: &[Text]) -> Option<String> {
    if old == new {
        return None;
    }
    let same = common_len(old, new);
    let (removed, added) = (old.len() - same, new.len() - same);
    let changed = removed.min(added);
    let mut parts = Vec::new();
    let count = |n: usize, word: &str| {
        let s = if n == 1 { "" } else { "s" };
        format!("{n} paragraph{s} {word}")
    };
    if changed > 0 {
        parts.push(count(changed, "changed"));
    }
    if added > changed {
        parts.push(count(added - changed, "added"));
    }
    if removed > changed {
        parts.push(count(removed - changed, "removed"));
    }
    if parts.is_empty() {
        parts.push("paragraphs reordered".to_owned());
    }
    Some(format!("{what}: {}", parts.join(", ")))
}

/// Length of the longest common subsequence (scenes have tens of paragraphs at most).
fn common_len(a: &[Text], b: &[Text]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diag = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    row[b.len()]
}

/// What loading a recording in the new story will do.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// Every step still applies and the game ends up where it was saved.
    Survives {
        /// Choices recorded.
        steps: usize,
    },
    /// The game resumes at the last step that still fits; the rest is lost.
    Diverges(Box<Migration>),
    /// The new story refuses the save outright (another story id, or it cannot begin).
    Lost {
        /// Why.
        reason: String,
    },
    /// Not a save the old story accepts (damaged, foreign, another version): the edit
    /// is not what decides it, so it is only listed.
    Skipped {
        /// Why.
        reason: String,
    },
}

impl Fate {
    /// Whether loading it in the new story costs the player recorded choices.
    #[must_use]
    pub fn loses_progress(&self) -> bool {
        matches!(self, Fate::Diverges(_) | Fate::Lost { .. })
    }
}

/// A recording and its fate.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The witness's ending, or the save file's name.
    pub name: String,
    /// What loading it in the new story does.
    pub fate: Fate,
}

impl fmt::Display for Prediction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fate {
            Fate::Survives { steps } => {
                write!(f, "ok    {}: still replays ({steps} choices)", self.name)
            }
            Fate::Diverges(m) => write!(
                f,
                "LOSES {}: diverges at {}; resumes in `{}` ({} · {}), {} of {} choices kept",
                self.name, m.divergence, m.scene, m.chapter, m.place, m.kept, m.recorded
            ),
            Fate::Lost { reason } => write!(f, "LOSES {}: refused: {reason}", self.name),
            Fate::Skipped { reason } => write!(f, "skip  {}: {reason}", self.name),
        }
    }
}

/// What loading `file` (a save made in `old`) in `new` will do, by the game's own check.
#[must_use]
pub fn predict(name: &str, file: &SaveFile, old: &Story, new: &Story) -> Prediction {
    let here = Path::new(name);
    let fate = match format::verify(here, old, file) {
        Err(e) => Fate::Skipped {
            reason: format!("not a save the old story loads: {}", e.problem()),
        },
        Ok(before) => match format::verify(here, new, file) {
            Err(SaveError::ForeignStory {
                found, expected, ..
            }) => Fate::Lost {
                reason: format!("saves of `{found}` are refused by the story `{expected}`"),
            },
            Err(e) => Fate::Lost {
                reason: e.problem(),
            },
            // A save that already stopped fitting the old story is judged by what it
            // kept there: only a further loss is the edit's doing.
            Ok(after) => match after.migration {
                Some(m) if before.state.path.len() > m.kept => Fate::Diverges(Box::new(m)),
                _ => Fate::Survives {
                    steps: after.state.path.len(),
                },
            },
        },
    };
    Prediction {
        name: name.to_owned(),
        fate,
    }
}

/// A recording of the game `seed` + `steps` in `old`, as a save would hold it.
///
/// # Errors
/// When the path does not replay in `old`.
pub fn recording(old: &Story, seed: u64, steps: &[Step]) -> Result<SaveFile, String> {
    let state = engine::replay(old, seed, steps).map_err(|d| d.to_string())?;
    Ok(SaveFile::record(
        old,
        &state,
        Duration::ZERO,
        SystemTime::UNIX_EPOCH,
    ))
}

/// The whole report: the changes, then each recording's fate.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Differences between the stories.
    pub changes: Vec<Change>,
    /// Where the recordings came from, for the heading (`witnesses of OLD`, a directory).
    pub source: String,
    /// One per recording.
    pub predictions: Vec<Prediction>,
}

impl Report {
    /// The recordings the edit costs choices.
    #[must_use]
    pub fn losing(&self) -> Vec<&Prediction> {
        self.predictions
            .iter()
            .filter(|p| p.fate.loses_progress())
            .collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            writeln!(f, "no changes to scenes, choices, variables or endings")?;
        }
        for c in &self.changes {
            write!(f, "{c}")?;
        }
        writeln!(f)?;
        writeln!(f, "saves ({}):", self.source)?;
        if self.predictions.is_empty() {
            writeln!(f, "    none")?;
        }
        for p in &self.predictions {
            writeln!(f, "  {p}")?;
        }
        let losing = self.losing().len();
        write!(
            f,
            "{} of {} recording(s) would lose progress",
            losing,
            self.predictions.len()
        )?;
        writeln!(f)
    }
}
