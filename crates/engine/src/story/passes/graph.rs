//! The story's scenes as a graph of numbers: every step out of every scene (a choice, a
//! route) with the positions of the scenes it leads to, resolved once.
//!
//! The whole-story checks (the detour pass, reachability, unreached endings, junction
//! loops) all walk the same edges. Looking a scene id up by name for each edge and each
//! walk hashed every id with `SipHash` again and again (story ids are untrusted, so the
//! hasher must stay flood-proof); here each target is resolved once, then every walk is
//! array indexing over `Vec<bool>`s and slices.

use super::super::model::{Exit, Story};

/// A target that names no scene (a missing id, or `<return>`, which is not an id).
pub(crate) const NONE: u32 = u32::MAX;

/// One way out of a scene: a choice or a route, with its targets as scene positions
/// ([`NONE`] where there is none, or where the id does not resolve).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// Where it leads (with a detour: where play goes on after the return).
    pub goto: u32,
    /// The detour's scene, if it takes one.
    pub detour: u32,
    /// A chance's alternative target (choices only).
    pub chance: u32,
    /// The file it was written in (an extension's choice comes from another file).
    pub file: usize,
    /// Whether it has a chance (whose target may not resolve).
    pub has_chance: bool,
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

/// Every scene's steps, in scene order, resolved to positions.
#[derive(Debug)]
pub(crate) struct Graph {
    /// `steps[first[i]..first[i + 1]]` are scene `i`'s.
    first: Vec<usize>,
    steps: Vec<Step>,
    /// The start scene's position.
    pub start: Option<usize>,
}

impl Graph {
    /// Resolves every step of `story` (one index lookup per target, by
    /// [`Story::scene_index`] as the rest of the loader does).
    pub fn new(story: &Story) -> Self {
        // With every id defined once, the scene at a guessed position holds the id
        // exactly when the index would say so: a comparison of two short strings
        // instead of a hash. Stories mostly lead on to the next scene of their file.
        let unique = story.scene_index.len() == story.scenes.len();
        let resolve = |id: &str, guess: usize| -> u32 {
            if unique && story.scenes.get(guess).is_some_and(|s| s.id == id) {
                return super::super::layout::ix(guess);
            }
            story
                .scene_index
                .get(id)
                .map_or(NONE, |&i| super::super::layout::ix(i))
        };
        let mut first = Vec::with_capacity(story.scenes.len() + 1);
        let mut steps = Vec::with_capacity(story.scenes.len() * 3);
        for (i, s) in story.scenes.iter().enumerate() {
            first.push(steps.len());
            let next = i + 1;
            match &s.exit {
                Exit::Choices(cs) => steps.extend(cs.iter().map(|c| Step {
                    goto: resolve(&c.goto, next),
                    detour: c.detour.as_deref().map_or(NONE, |d| resolve(d, next)),
                    chance: c.chance.as_ref().map_or(NONE, |ch| resolve(&ch.goto, next)),
                    file: c.origin.file,
                    has_chance: c.chance.is_some(),
                })),
                Exit::Routes(rs) => steps.extend(rs.iter().map(|r| Step {
                    goto: resolve(&r.goto, next),
                    detour: r.detour.as_deref().map_or(NONE, |d| resolve(d, next)),
                    chance: NONE,
                    file: s.origin.file,
                    has_chance: false,
                })),
                Exit::Ending(_) => {}
            }
        }
        first.push(steps.len());
        Self {
            first,
            steps,
            start: story.scene_index.get(&story.start).copied(),
        }
    }

    /// Number of scenes.
    pub fn len(&self) -> usize {
        self.first.len() - 1
    }

    /// The steps out of scene `i`.
    pub fn steps(&self, i: usize) -> &[Step] {
        &self.steps[self.first[i]..self.first[i + 1]]
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
