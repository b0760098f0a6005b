//! The story's scenes as a graph of numbers: every step out of every scene (a choice, a
//! route) with the positions of the scenes it leads to, resolved once at load and kept
//! in the story ([`Story`]'s `graph`).
//!
//! The whole-story checks (the detour pass, reachability, unreached endings, junction
//! loops, look-alike choices) and the engine's steps all follow the same edges. Looking
//! a scene id up by name for each edge hashed it with `SipHash` again and again (story
//! ids are untrusted, so the hasher must stay flood-proof), and at 100,000 scenes every
//! such lookup, and every read of a choice to find its target, is a cache miss: here
//! each target is resolved once, where the loader resolves names (`resolve.rs`), and a
//! walk reads only these dense arrays in scene order.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::super::layout::ix;
use super::super::model::{Exit, Scene, Story};

/// A target that names no scene (a missing id, or `<return>`, which is not an id).
pub(crate) const NONE: u32 = u32::MAX;

/// One way out of a scene: a choice or a route, with its targets as scene positions
/// ([`NONE`] where there is none, or where the id does not resolve). A scene's steps
/// stand in the order of its choices (or routes), so step `k` is choice `k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    /// Where it leads (with a detour: where play goes on after the return).
    pub goto: u32,
    /// The detour's scene, if it takes one.
    pub detour: u32,
    /// A chance's alternative target (choices only).
    pub chance: u32,
    /// The file it was written in (an extension's choice comes from another file).
    pub file: u32,
    /// Whether it has a chance (whose target may not resolve).
    pub has_chance: bool,
    /// Whether its author wrote a condition (kept when it did not compile).
    pub guarded: bool,
    /// Whether it has a `disabled` reason (choices only).
    pub disabled: bool,
}

impl Step {
    /// Every scene this step can lead to, in the order [`Scene::targets`] lists them:
    /// the detour's scene, the `goto`, the chance's target.
    ///
    /// [`Scene::targets`]: super::super::model::Scene::targets
    pub fn targets(&self) -> impl Iterator<Item = usize> {
        [self.detour, self.goto, self.chance]
            .into_iter()
            .filter(|&t| t != NONE)
            .map(|t| t as usize)
    }
}

/// How a scene is left, as the walks need to know it without reading the scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The player picks a choice.
    Choices,
    /// Routes, after text.
    Routes,
    /// Routes and no text: passed through without stopping.
    Junction,
    /// An ending.
    Ending,
}

/// Every scene's steps, in scene order, resolved to positions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Graph {
    /// `steps[first[i]..first[i + 1]]` are scene `i`'s (empty for a graph not built).
    first: Vec<u32>,
    steps: Vec<Step>,
    /// Each scene's kind.
    kinds: Vec<Kind>,
    /// The start scene's position.
    pub start: Option<usize>,
}

/// Resolves scene ids to positions: a comparison with a guessed scene first (stories
/// mostly lead on to the next scene), then the story's index.
struct Resolver<'s> {
    scenes: &'s [Scene],
    index: &'s HashMap<String, usize>,
    /// With every id defined once, the scene at a guessed position holds the id exactly
    /// when the index would say so.
    unique: bool,
}

impl Resolver<'_> {
    fn resolve(&self, id: &str, guess: usize) -> u32 {
        if self.unique && self.scenes.get(guess).is_some_and(|s| s.id == id) {
            return ix(guess);
        }
        self.index.get(id).map_or(NONE, |&i| ix(i))
    }

    /// Scene `i`'s kind and steps, appended to `steps`.
    fn scene(&self, i: usize, steps: &mut Vec<Step>) -> Kind {
        let s = &self.scenes[i];
        let next = i + 1;
        match &s.exit {
            Exit::Choices(cs) => {
                steps.extend(cs.iter().map(|c| {
                    Step {
                        goto: self.resolve(&c.goto, next),
                        detour: c.detour.as_deref().map_or(NONE, |d| self.resolve(d, next)),
                        chance: c
                            .chance
                            .as_ref()
                            .map_or(NONE, |ch| self.resolve(&ch.goto, next)),
                        file: ix(c.origin.file),
                        has_chance: c.chance.is_some(),
                        guarded: c.when_source.is_some(),
                        disabled: c.disabled.is_some(),
                    }
                }));
                Kind::Choices
            }
            Exit::Routes(rs) => {
                steps.extend(rs.iter().map(|r| Step {
                    goto: self.resolve(&r.goto, next),
                    detour: r.detour.as_deref().map_or(NONE, |d| self.resolve(d, next)),
                    chance: NONE,
                    file: ix(s.origin.file),
                    has_chance: false,
                    guarded: r.when_source.is_some(),
                    disabled: false,
                }));
                if s.is_junction() {
                    Kind::Junction
                } else {
                    Kind::Routes
                }
            }
            Exit::Ending(_) => Kind::Ending,
        }
    }
}

impl Graph {
    /// Resolves every step of `story` (one index lookup per target, by
    /// [`Story::scene_index`] as the rest of the loader does, unless the target is the
    /// next scene).
    pub fn new(story: &Story) -> Self {
        Self::of(&story.scenes, &story.scene_index, &story.start)
    }

    /// [`Graph::new`] from a story's parts (the loader holds them borrowed apart).
    pub fn of(scenes: &[Scene], index: &HashMap<String, usize>, start: &str) -> Self {
        let resolver = Resolver {
            scenes,
            index,
            unique: index.len() == scenes.len(),
        };
        let mut first = Vec::with_capacity(scenes.len() + 1);
        let mut steps = Vec::with_capacity(scenes.len() * 3);
        let mut kinds = Vec::with_capacity(scenes.len());
        for i in 0..scenes.len() {
            first.push(ix(steps.len()));
            kinds.push(resolver.scene(i, &mut steps));
        }
        first.push(ix(steps.len()));
        Self {
            first,
            steps,
            kinds,
            start: index.get(start).copied(),
        }
    }

    /// Resolves the steps of the scenes in `range` again (an incremental reload
    /// replaced them, keeping every scene id and so every other step's targets). A graph
    /// that does not fit `scenes` is built whole (`start`: the start scene's id).
    pub fn redo(
        &mut self,
        scenes: &[Scene],
        index: &HashMap<String, usize>,
        start: &str,
        range: Range<usize>,
    ) {
        if !self.fits(scenes.len()) || range.end > scenes.len() {
            *self = Self::of(scenes, index, start);
            return;
        }
        let resolver = Resolver {
            scenes,
            index,
            unique: index.len() == scenes.len(),
        };
        let mut fresh = Vec::new();
        let mut ends = Vec::with_capacity(range.len());
        for i in range.clone() {
            self.kinds[i] = resolver.scene(i, &mut fresh);
            ends.push(fresh.len());
        }
        let (lo, hi) = (
            self.first[range.start] as usize,
            self.first[range.end] as usize,
        );
        let grown = fresh.len() as i64 - (hi - lo) as i64;
        self.steps.splice(lo..hi, fresh);
        for (i, end) in range.clone().zip(ends) {
            self.first[i + 1] = ix(lo + end);
        }
        if grown != 0 {
            for f in &mut self.first[range.end + 1..] {
                *f = u32::try_from(i64::from(*f) + grown).unwrap_or(NONE);
            }
        }
    }

    /// The graph of `story`: the one the loader resolved, or (for a story that was not
    /// loaded, or was changed since) one built now.
    pub fn of_story(story: &Story) -> Cow<'_, Graph> {
        if story.graph.fits(story.scenes.len()) {
            Cow::Borrowed(&story.graph)
        } else {
            Cow::Owned(Self::new(story))
        }
    }

    /// Whether this graph was built for a story of `scenes` scenes.
    pub fn fits(&self, scenes: usize) -> bool {
        self.len() == scenes && self.first.len() == scenes + 1
    }

    /// Number of scenes.
    pub fn len(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    /// The steps out of scene `i`.
    pub fn steps(&self, i: usize) -> &[Step] {
        &self.steps[self.first[i] as usize..self.first[i + 1] as usize]
    }

    /// How scene `i` is left.
    pub fn kind(&self, i: usize) -> Kind {
        self.kinds[i]
    }

    /// Every scene scene `i` can lead to (repeats included), as [`Step::targets`].
    pub fn targets(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.steps(i).iter().flat_map(Step::targets)
    }

    /// Scene positions reachable from the start, ignoring conditions.
    pub fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let Some(start) = self.start else {
            return seen;
        };
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            for j in self.targets(i) {
                if !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        seen
    }
}

impl Story {
    /// The scene positions step `k` out of scene `at` leads to, as resolved at load
    /// (`(goto, detour, chance)`, [`NONE`] where there is none): step `k` is the scene's
    /// choice `k`, or route `k`. `None` for a story whose graph was not built.
    pub(crate) fn step_targets(&self, at: usize, k: usize) -> Option<(u32, u32, u32)> {
        if !self.graph.fits(self.scenes.len()) || at >= self.scenes.len() {
            return None;
        }
        let step = self.graph.steps(at).get(k)?;
        Some((step.goto, step.detour, step.chance))
    }

    /// The start scene's position, as resolved at load.
    pub(crate) fn start_at(&self) -> Option<usize> {
        if self.graph.fits(self.scenes.len()) {
            self.graph.start
        } else {
            None
        }
    }
}
