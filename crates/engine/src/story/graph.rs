//! The story's scenes as a graph of numbers: every step out of every scene (a choice, a
//! route) with the positions of the scenes it leads to, resolved once at load
//! (`resolve.rs` builds it) and kept in the story (`Story`'s `graph`).
//!
//! The whole-story checks (the detour pass, reachability, unreached endings, junction
//! loops, look-alike choices) and the engine's steps all follow the same edges. Looking
//! a scene id up by name for each edge hashed it with `SipHash` again and again (story
//! ids are untrusted, so the hasher must stay flood-proof), and at 100,000 scenes every
//! such lookup, and every read of a choice to find its target, is a cache miss: here
//! each target is resolved once, where the loader resolves names (`resolve.rs`), and a
//! walk reads only these dense arrays in scene order.

use std::ops::Range;

use super::layout::ix;

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
    /// Whether it has a chance (whose target may not resolve).
    pub has_chance: bool,
    /// Whether its author wrote a condition (kept when it did not compile).
    pub guarded: bool,
    /// Whether it has a `disabled` reason (choices only).
    pub disabled: bool,
}

impl Step {
    /// Every scene this step can lead to, in the order `Scene::targets` lists them: the
    /// detour's scene, the `goto`, the chance's target.
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

impl Graph {
    /// A graph of these parts (`first[i]..first[i + 1]`: scene `i`'s steps).
    pub fn from_parts(
        first: Vec<u32>,
        steps: Vec<Step>,
        kinds: Vec<Kind>,
        start: Option<usize>,
    ) -> Self {
        Self {
            first,
            steps,
            kinds,
            start,
        }
    }

    /// Puts `fresh` in place of the steps of the scenes in `range` (`ends[k]`: where
    /// the steps of the range's scene `k` end in `fresh`; `kinds`: theirs), keeping
    /// every other scene's.
    pub fn splice(
        &mut self,
        range: Range<usize>,
        fresh: Vec<Step>,
        ends: &[usize],
        kinds: &[Kind],
    ) {
        self.kinds[range.clone()].copy_from_slice(kinds);
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
