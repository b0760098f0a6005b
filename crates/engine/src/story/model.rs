//! The checked story: immutable after load, shared by every front end.
//!
//! Content is referred to by string id everywhere outside this module (saves, paths,
//! events); the indices here are only a lookup cache.

use std::collections::HashMap;
use std::sync::Arc;

use super::expr::{Effect, Expr, Type};
use super::layout::Layout;
pub use super::shared_str::SharedStr;
use super::text::Text;

/// A declared variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Its name in expressions.
    pub name: String,
    /// Number or flag.
    pub ty: Type,
    /// Value at the start of a game (flags: 0 or 1).
    pub initial: i64,
    /// Lowest value effects may leave it at.
    pub min: i64,
    /// Highest value effects may leave it at.
    pub max: i64,
    /// An enumeration's values, in declared order (its value is an index into them);
    /// empty for numbers and flags.
    pub values: Vec<String>,
    /// The file that declares it.
    pub origin: Origin,
}

impl Variable {
    /// A value as an author writes it: a number, `true`/`false`, or an enumeration's
    /// value name.
    #[must_use]
    pub fn show(&self, value: i64) -> String {
        match self.ty {
            Type::Int => value.to_string(),
            Type::Bool => (value != 0).to_string(),
            Type::Enum(_) => usize::try_from(value)
                .ok()
                .and_then(|i| self.values.get(i))
                .cloned()
                .unwrap_or_else(|| value.to_string()),
        }
    }

    /// Brings a value into this variable's bounds.
    #[must_use]
    pub fn clamp(&self, value: i64) -> i64 {
        value.clamp(self.min, self.max)
    }
}

/// An ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// Stable id, recorded in profiles.
    pub id: String,
    /// Shown after `ENDING:`.
    pub title: String,
    /// Shown after the closing scene.
    pub epilogue: Vec<Text>,
    /// The file that declares it.
    pub origin: Origin,
}

/// Where a piece of content came from, for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    /// Index into [`Story::files`]; 32 bits, so that a [`Choice`] packs it beside
    /// `once` (a story has far fewer files: see `limits.rs`).
    file: u32,
}

impl Origin {
    /// Written in file `file` (an index into [`Story::files`]).
    #[must_use]
    pub fn in_file(file: usize) -> Self {
        Self {
            file: u32::try_from(file).unwrap_or(u32::MAX),
        }
    }

    /// Index into [`Story::files`].
    #[must_use]
    pub fn file(self) -> usize {
        self.file as usize
    }
}

/// A choice the player can make.
///
/// A story holds hundreds of thousands, so the fields few choices use live apart
/// (`ChoiceExtra`), the condition is one shared pointer, and ids are shared strings:
/// a choice allocates nothing of its own but its label (see `size_of_choice` in the
/// tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Stable id, unique within its scene; recorded in paths.
    pub id: SharedStr,
    /// What the player reads.
    pub label: Text,
    /// Where it leads ([`RETURN`]: back out of the detour the player is in). With a
    /// detour ([`Choice::detour`]), where play goes on once the detour returns.
    pub goto: SharedStr,
    /// Hidden (or disabled, see [`Choice::disabled`]) unless this holds: read through
    /// [`Choice::when`] and [`Choice::when_source`].
    pub(crate) condition: Option<Arc<Condition>>,
    /// Applied in order when chosen.
    pub effects: Effects,
    /// What few choices have: read through [`Choice::detour`], [`Choice::disabled`],
    /// [`Choice::chance`] and [`Choice::tags`].
    pub(crate) extra: Option<Box<ChoiceExtra>>,
    /// The file it was written in (extensions come from other files).
    pub origin: Origin,
    /// Offered only until taken once.
    pub once: bool,
}

/// The parts of a [`Choice`] that few choices have, boxed together so that the rest
/// do not pay for them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ChoiceExtra {
    /// A detour taken first: the scene entered now, whose sequence ends in a return
    /// to the choice's `goto` (see `docs/format.md`, "Detours").
    pub detour: Option<SharedStr>,
    /// When set and the condition fails, the choice is shown dimmed with this reason.
    pub disabled: Option<String>,
    /// A seeded detour.
    pub chance: Option<Chance>,
    /// Free-text tags for front ends and tools (`sfx:gong`); no effect on play.
    pub tags: Vec<String>,
}

impl ChoiceExtra {
    /// `None` when there is nothing to keep apart.
    pub(crate) fn boxed(self) -> Option<Box<Self>> {
        let empty = self.detour.is_none()
            && self.disabled.is_none()
            && self.chance.is_none()
            && self.tags.is_empty();
        (!empty).then(|| Box::new(self))
    }
}

impl Choice {
    /// The condition it is offered under, when it has one that compiled.
    #[must_use]
    pub fn when(&self) -> Option<&Expr> {
        self.condition.as_ref().and_then(|c| c.expr.as_ref())
    }

    /// The condition as the author wrote it, for tools that show conditions (the
    /// graph); kept even when it did not compile.
    #[must_use]
    pub fn when_source(&self) -> Option<&str> {
        self.condition.as_ref().map(|c| &*c.source)
    }

    /// The scene of the detour taken first, if any.
    #[must_use]
    pub fn detour(&self) -> Option<&str> {
        self.extra.as_ref()?.detour.as_deref()
    }

    /// Why the choice is shown dimmed when its condition fails, if it is.
    #[must_use]
    pub fn disabled(&self) -> Option<&str> {
        self.extra.as_ref()?.disabled.as_deref()
    }

    /// The seeded alternative, if any.
    #[must_use]
    pub fn chance(&self) -> Option<&Chance> {
        self.extra.as_ref()?.chance.as_ref()
    }

    /// Free-text tags for front ends and tools (`sfx:gong`); no effect on play.
    #[must_use]
    pub fn tags(&self) -> &[String] {
        self.extra.as_ref().map_or(&[], |x| &x.tags)
    }
}

/// A `when:` condition and the text it was compiled from, shared by every choice and
/// route written with the same one (stories repeat a few conditions everywhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The compiled condition; `None` when it did not compile (the story then has
    /// errors and is never played, but the lints still see that one was written).
    pub expr: Option<Expr>,
    /// As the author wrote it.
    pub source: Arc<str>,
}

/// `percent`% of the time, go to `goto` instead (applying `effects` too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chance {
    /// 1–99.
    pub percent: u8,
    /// The alternative target.
    pub goto: SharedStr,
    /// Extra effects of the alternative.
    pub effects: Effects,
}

/// A list of effects, shared by every place that wrote the same list (stories repeat
/// them: a choice's effects are mostly one of a few). Reads as a slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effects(Arc<[Effect]>);

impl Effects {
    /// The shared list itself (the loader resolves names in it once per list).
    pub(crate) fn shared_mut(&mut self) -> &mut Arc<[Effect]> {
        &mut self.0
    }
}

impl Default for Effects {
    fn default() -> Self {
        Effects(Arc::from([]))
    }
}

impl From<Vec<Effect>> for Effects {
    fn from(list: Vec<Effect>) -> Self {
        Effects(list.into())
    }
}

impl From<Arc<[Effect]>> for Effects {
    fn from(list: Arc<[Effect]>) -> Self {
        Effects(list)
    }
}

impl std::ops::Deref for Effects {
    type Target = [Effect];
    fn deref(&self) -> &[Effect] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Effects {
    type Item = &'a Effect;
    type IntoIter = std::slice::Iter<'a, Effect>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// An automatic exit, taken when its condition holds (or always, without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The condition, or `None` for the fallback (shared, as for a [`Choice`]): read
    /// through [`Route::when`] and [`Route::when_source`].
    pub(crate) condition: Option<Arc<Condition>>,
    /// Where it leads ([`RETURN`]: back out of the detour the player is in). With a
    /// `detour`, where play goes on once the detour returns.
    pub goto: SharedStr,
    /// A detour taken first, as for a [`Choice`].
    pub detour: Option<SharedStr>,
}

impl Route {
    /// The condition it is taken under, when it has one that compiled.
    #[must_use]
    pub fn when(&self) -> Option<&Expr> {
        self.condition.as_ref().and_then(|c| c.expr.as_ref())
    }

    /// The condition as the author wrote it, for tools that show conditions.
    #[must_use]
    pub fn when_source(&self) -> Option<&str> {
        self.condition.as_ref().map(|c| &*c.source)
    }
}

/// The choice id of the single "Continue" offered by scenes that end in `next`/`routes`.
/// Reserved: the loader refuses it as an author's choice id, the engine offers it, and
/// saves, replays and the tools record it like any other choice
/// (also exported as `engine::CONTINUE`).
pub const CONTINUE: &str = "continue";

/// The target that ends a detour: a `goto`, `next` or route leading here goes back to
/// where the detour was entered (the `goto` of the choice or route that took it). Not a
/// valid scene id, so it cannot name a scene.
pub const RETURN: &str = "<return>";

/// How a scene is left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The player picks one.
    Choices(Vec<Choice>),
    /// The player continues; the first route whose condition holds is taken.
    Routes(Vec<Route>),
    /// The game ends with this ending id.
    Ending(String),
}

/// A scene.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scene {
    /// Unique id.
    pub id: String,
    /// Chapter title shown in the status bar (shared by the scenes that show the
    /// same one, as are the date and place).
    pub chapter: Arc<str>,
    /// Date label.
    pub date: Arc<str>,
    /// Place label.
    pub place: Arc<str>,
    /// Applied each time the scene is entered.
    pub on_enter: Effects,
    /// Paragraphs.
    pub text: Vec<Text>,
    /// How it is left.
    pub exit: Exit,
    /// Free-text tags for front ends and tools (`art:lanterns`); no effect on play.
    pub tags: Vec<String>,
    /// Where it was written.
    pub origin: Origin,
}

impl Scene {
    /// A scene with routes and no text is passed through without stopping.
    #[must_use]
    pub fn is_junction(&self) -> bool {
        self.text.is_empty() && matches!(self.exit, Exit::Routes(_))
    }

    /// The choices, if the scene ends in choices.
    #[must_use]
    pub fn choices(&self) -> &[Choice] {
        match &self.exit {
            Exit::Choices(c) => c,
            _ => &[],
        }
    }

    /// Every scene id this scene can lead to, with the condition guarding it if any: a
    /// detour's scene and where it returns to both count ([`RETURN`] is listed as
    /// written; it names no scene).
    pub fn targets(&self) -> impl Iterator<Item = (&str, Option<&Expr>)> {
        let mut out: Vec<(&str, Option<&Expr>)> = Vec::new();
        match &self.exit {
            Exit::Choices(cs) => {
                for c in cs {
                    if let Some(d) = c.detour() {
                        out.push((d, c.when()));
                    }
                    out.push((&c.goto, c.when()));
                    if let Some(ch) = c.chance() {
                        out.push((&ch.goto, c.when()));
                    }
                }
            }
            Exit::Routes(rs) => {
                for r in rs {
                    if let Some(d) = &r.detour {
                        out.push((d, r.when()));
                    }
                    out.push((&r.goto, r.when()));
                }
            }
            Exit::Ending(_) => {}
        }
        out.into_iter()
    }
}

/// A whole checked story.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Story {
    /// Identifies the story in saves.
    pub id: String,
    /// Shown on the title screen.
    pub title: String,
    /// Shown under the title.
    pub subtitle: String,
    /// Where a new game begins.
    pub start: String,
    /// Shown before a new game.
    pub content_note: Vec<Text>,
    /// Shown after every ending.
    pub afterword: Vec<Text>,
    /// Shown after the afterword.
    pub credits: Vec<Text>,
    /// Declared variables, in declaration order.
    pub variables: Vec<Variable>,
    /// Declared endings, in declaration order.
    pub endings: Vec<Ending>,
    /// The files the story was loaded from, relative to its directory.
    pub files: Vec<String>,
    /// A hash of every file's bytes: saves record it to notice edits.
    pub content_hash: u64,
    /// The words the game adds to the story's flow ("Continue", "Afterword"…), in
    /// the story's language: translated with it.
    pub words: super::words::Words,
    pub(crate) scene_index: HashMap<String, usize>,
    pub(crate) var_index: HashMap<String, usize>,
    /// Every step out of every scene with its targets' positions, resolved once by the
    /// loader (`resolve.rs`): what the lints walk and the engine follows.
    pub(crate) graph: super::graph::Graph,
    /// Dense numbering of variables, scenes and once-only choices, built by the loader
    /// (see [`Layout`]); game states share it.
    pub(crate) layout: Arc<Layout>,
    /// Every scene, in file order. (Last: fields drop in order, and the scenes'
    /// many small pieces are best freed after the large lists above.)
    pub scenes: Vec<Scene>,
}

impl Story {
    /// The scene with this id.
    #[must_use]
    pub fn scene(&self, id: &str) -> Option<&Scene> {
        self.scene_index.get(id).map(|&i| &self.scenes[i])
    }

    /// Where the scene with this id stands in [`Story::scenes`].
    #[must_use]
    pub fn scene_position(&self, id: &str) -> Option<usize> {
        self.scene_index.get(id).copied()
    }

    /// The numbering of this story's variables, scenes and once-only choices that game
    /// states use.
    #[must_use]
    pub fn layout(&self) -> &Arc<Layout> {
        &self.layout
    }

    /// Where a `<return>` may lead, ignoring which detour is open: the position of the
    /// `goto` of every step that takes a detour (chances included), each once. For the
    /// tools that follow the story's graph without playing it.
    #[must_use]
    pub fn return_targets(&self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for s in &self.scenes {
            let gotos: Vec<&str> = match &s.exit {
                Exit::Choices(cs) => cs
                    .iter()
                    .filter(|c| c.detour().is_some())
                    .flat_map(|c| {
                        std::iter::once(c.goto.as_str())
                            .chain(c.chance().map(|ch| ch.goto.as_str()))
                    })
                    .collect(),
                Exit::Routes(rs) => rs
                    .iter()
                    .filter(|r| r.detour.is_some())
                    .map(|r| r.goto.as_str())
                    .collect(),
                Exit::Ending(_) => Vec::new(),
            };
            out.extend(gotos.into_iter().filter_map(|g| self.scene_position(g)));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The scene positions step `k` out of scene `at` leads to, as resolved at load
    /// (`(goto, detour, chance)`, `u32::MAX` where there is none): step `k` is the
    /// scene's choice `k`, or route `k`. `None` for a story whose graph was not built.
    pub(crate) fn step_targets(&self, at: usize, k: usize) -> Option<(u32, u32, u32)> {
        if !self.graph.fits(self.scenes.len()) || at >= self.scenes.len() {
            return None;
        }
        let step = self.graph.steps(at).get(k)?;
        Some((step.goto, step.detour, step.chance))
    }

    /// The start scene's position, as resolved at load.
    pub(crate) fn start_at(&self) -> Option<usize> {
        self.graph
            .fits(self.scenes.len())
            .then_some(self.graph.start)
            .flatten()
    }

    /// The variable with this name.
    #[must_use]
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.var_index.get(name).map(|&i| &self.variables[i])
    }

    /// The ending with this id.
    #[must_use]
    pub fn ending(&self, id: &str) -> Option<&Ending> {
        self.endings.iter().find(|e| e.id == id)
    }

    /// Words of prose shown to players (every branch of every text counted once).
    #[must_use]
    pub fn word_count(&self) -> usize {
        let texts = self
            .scenes
            .iter()
            .flat_map(|s| s.text.iter().chain(s.choices().iter().map(|c| &c.label)))
            .chain(self.endings.iter().flat_map(|e| e.epilogue.iter()))
            .chain(self.content_note.iter())
            .chain(self.afterword.iter())
            .chain(self.credits.iter());
        texts.map(Text::word_count).sum()
    }

    /// Total choices across all scenes.
    #[must_use]
    pub fn choice_count(&self) -> usize {
        self.scenes.iter().map(|s| s.choices().len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Choices are the largest part of a compiled story (three per scene in the
    /// synthetic stories of issue 16): at 232 bytes, 300,000 of them took 70 MB of
    /// `check`'s peak. The rare fields are boxed apart, the condition is one shared
    /// pointer and ids are shared strings, so that each costs at most 120 bytes: a
    /// field added here must not undo that.
    #[test]
    fn size_of_choice() {
        assert!(
            std::mem::size_of::<Choice>() <= 120,
            "a Choice is {} bytes",
            std::mem::size_of::<Choice>()
        );
    }
}
