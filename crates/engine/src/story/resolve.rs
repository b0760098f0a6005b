//! Resolving the names in a story's conditions and effects to the positions of what
//! they name, and every choice's and route's targets to scene positions (the story's
//! [`Graph`]), once, before the whole-story checks (which count uses by position and
//! walk the graph; the engine follows it too); and numbering the loaded story
//! ([`Layout`]) in the same order at the end of loading.
//!
//! Conditions and effect lists are shared between the choices that wrote the same
//! ones (`Arc`s, see `model`): each shared one is resolved once and stays shared.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::expr::{Effect, Expr};
use super::graph::{Graph, Kind, NONE, Step};
use super::id::IdRef;
use super::layout::{Layout, ix};
use super::model::{Condition, Effects, Exit, Scene, Story};

/// The numbering of `story`.
pub(crate) fn layout_of(story: &Story) -> Layout {
    let mut out = Layout::of_vars(story.variables.iter().map(|v| (v.name.as_str(), v.initial)));
    out.scenes = story.scenes.iter().map(|s| s.id.as_str().into()).collect();
    out.scene_ix = out
        .scenes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.clone(), ix(i)))
        .collect();
    for (si, s) in story.scenes.iter().enumerate() {
        for (ci, c) in s.choices().iter().enumerate().filter(|(_, c)| c.once) {
            let key: Box<str> = format!("{}/{}", s.id, c.id).into();
            out.once_ix.insert(key.clone(), ix(out.once.len()));
            out.once.push((ix(si), ix(ci)));
            out.once_keys.push(key);
        }
    }
    out
}

/// Resolves shared values once each: the first time one is met it is resolved (in
/// place when nothing else holds it, else into a copy that every later holder of the
/// same value is given).
struct Once<T: ?Sized> {
    /// By the address of the value as it was: where its resolved replacement is.
    done: HashMap<usize, usize>,
    /// The values as they were, kept alive so that no other value can take their
    /// address meanwhile.
    originals: Vec<Arc<T>>,
    /// Their resolved replacements.
    resolved: Vec<Arc<T>>,
    /// The last few met (address, replacement), newest last.
    recent: Vec<(usize, usize)>,
}

impl<T: ?Sized> Once<T> {
    fn new() -> Self {
        Self {
            done: HashMap::new(),
            originals: Vec::new(),
            resolved: Vec::new(),
            recent: Vec::new(),
        }
    }

    fn resolve(
        &mut self,
        slot: &mut Arc<T>,
        copy: impl FnOnce(&T) -> Arc<T>,
        fix: impl FnOnce(&mut T),
    ) {
        if let Some(unique) = Arc::get_mut(slot) {
            fix(unique);
            return;
        }
        let key = Arc::as_ptr(slot).cast::<u8>() as usize;
        // Stories repeat a few conditions and lists in a row: the last ones met are
        // found without hashing.
        if let Some(&(_, i)) = self.recent.iter().find(|(k, _)| *k == key) {
            *slot = Arc::clone(&self.resolved[i]);
            return;
        }
        if let Some(&i) = self.done.get(&key) {
            *slot = Arc::clone(&self.resolved[i]);
            self.remember(key, i);
            return;
        }
        let mut resolved = copy(slot);
        fix(Arc::get_mut(&mut resolved).expect("a fresh copy is not shared"));
        let old = std::mem::replace(slot, Arc::clone(&resolved));
        let i = self.resolved.len();
        self.originals.push(old);
        self.resolved.push(resolved);
        self.done.insert(key, i);
        self.remember(key, i);
    }

    fn remember(&mut self, key: usize, i: usize) {
        if self.recent.len() == 8 {
            self.recent.remove(0);
        }
        self.recent.push((key, i));
    }
}

/// Numbers `story` (its names were resolved by [`names`], in the same order). Called
/// once by the loader, after the story is sanitised.
pub(crate) fn index(story: &mut Story) {
    story.layout = Arc::new(layout_of(story));
}

/// Numbers `story` again after an incremental reload, which kept its variables and
/// scene ids as they were: only its once-only choices can have changed, so the layout
/// is kept (no hash map rebuilt) unless they did.
pub(crate) fn renumber(story: &mut Story) {
    let layout = &story.layout;
    let mut slot = 0;
    let mut same = layout.scenes.len() == story.scenes.len();
    'scenes: for (si, s) in story.scenes.iter().enumerate() {
        for (ci, c) in s.choices().iter().enumerate().filter(|(_, c)| c.once) {
            let key = format!("{}/{}", s.id, c.id);
            if layout.once.get(slot) != Some(&(ix(si), ix(ci)))
                || layout.once_keys.get(slot).map(|k| &**k) != Some(key.as_str())
            {
                same = false;
                break 'scenes;
            }
            slot += 1;
        }
    }
    if !same || slot != layout.once.len() {
        index(story);
    }
}

/// Resolves every name in the conditions and effects of `story` to the position of
/// the variable or scene it names ([`Story::variables`], [`Story::scenes`]: the
/// numbering of its [`Layout`]), and every step's targets ([`targets_in`]).
pub(crate) fn names(story: &mut Story) {
    names_in(story, 0..story.scenes.len());
}

/// Resolves the targets of the steps out of the scenes in `range` (the whole story's
/// when its graph was not built yet) into the story's [`Graph`]: the scene ids around
/// them must be the ones the graph was built with, as an incremental reload keeps them.
pub(crate) fn targets_in(story: &mut Story, range: Range<usize>) {
    let Story {
        scenes,
        scene_index,
        start,
        graph,
        ..
    } = story;
    let resolver = Resolver::new(scenes, scene_index);
    if !graph.fits(scenes.len()) || range.end > scenes.len() {
        *graph = resolver.graph(start);
        return;
    }
    let mut fresh = Vec::new();
    let mut ends = Vec::with_capacity(range.len());
    let mut kinds = Vec::with_capacity(range.len());
    for i in range.clone() {
        kinds.push(resolver.scene(i, &mut fresh));
        ends.push(fresh.len());
    }
    graph.splice(range, fresh, &ends, &kinds);
}

/// The graph of `story`: the one the loader resolved, or (for a story that was not
/// loaded, or whose scenes were changed since) one resolved now.
pub(crate) fn graph_of(story: &Story) -> Cow<'_, Graph> {
    if story.graph.fits(story.scenes.len()) {
        Cow::Borrowed(&story.graph)
    } else {
        Cow::Owned(Resolver::new(&story.scenes, &story.scene_index).graph(&story.start))
    }
}

/// Resolves scene ids to positions: a comparison with a guessed scene first (stories
/// mostly lead on to the next scene), then the story's index (one `SipHash` lookup).
struct Resolver<'s> {
    scenes: &'s [Scene],
    index: &'s HashMap<String, usize>,
    /// With every id defined once, the scene at a guessed position holds the id exactly
    /// when the index would say so.
    unique: bool,
}

impl<'s> Resolver<'s> {
    fn new(scenes: &'s [Scene], index: &'s HashMap<String, usize>) -> Self {
        Self {
            scenes,
            index,
            unique: index.len() == scenes.len(),
        }
    }

    fn resolve(&self, id: &str, guess: usize) -> u32 {
        if self.unique && self.scenes.get(guess).is_some_and(|s| s.id == id) {
            return ix(guess);
        }
        self.index.get(id).map_or(NONE, |&i| ix(i))
    }

    /// Every scene's steps (`start`: the start scene's id).
    fn graph(&self, start: &str) -> Graph {
        let mut first = Vec::with_capacity(self.scenes.len() + 1);
        let mut steps = Vec::with_capacity(self.scenes.len() * 3);
        let mut kinds = Vec::with_capacity(self.scenes.len());
        for i in 0..self.scenes.len() {
            first.push(ix(steps.len()));
            kinds.push(self.scene(i, &mut steps));
        }
        first.push(ix(steps.len()));
        Graph::from_parts(first, steps, kinds, self.index.get(start).copied())
    }

    /// Scene `i`'s kind, its steps appended to `steps`.
    fn scene(&self, i: usize, steps: &mut Vec<Step>) -> Kind {
        let s = &self.scenes[i];
        let next = i + 1;
        match &s.exit {
            Exit::Choices(cs) => {
                steps.extend(cs.iter().map(|c| Step {
                    goto: self.resolve(&c.goto, next),
                    detour: c.detour().map_or(NONE, |d| self.resolve(d, next)),
                    chance: c.chance().map_or(NONE, |ch| self.resolve(&ch.goto, next)),
                    has_chance: c.chance().is_some(),
                    guarded: c.when_source().is_some(),
                    disabled: c.disabled().is_some(),
                }));
                Kind::Choices
            }
            Exit::Routes(rs) => {
                steps.extend(rs.iter().map(|r| Step {
                    goto: self.resolve(&r.goto, next),
                    detour: r.detour.as_deref().map_or(NONE, |d| self.resolve(d, next)),
                    chance: NONE,
                    has_chance: false,
                    guarded: r.when_source().is_some(),
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

/// [`names`] for the scenes in `range` only (an incremental reload resolves the scenes
/// it recompiled), their steps' targets included.
pub(crate) fn names_in(story: &mut Story, range: Range<usize>) {
    names_of(story, range.clone());
    targets_in(story, range);
}

/// The names of [`names_in`].
fn names_of(story: &mut Story, range: Range<usize>) {
    let Story {
        scenes,
        var_index,
        scene_index,
        ..
    } = story;
    let var = |r: &mut IdRef| {
        let i = var_index.get(&**r).copied();
        r.resolve(i);
    };
    let scene = |r: &mut IdRef| {
        let i = scene_index.get(&**r).copied();
        r.resolve(i);
    };
    let expr = |e: &mut Expr| e.resolve(&var, &scene);
    let effect_list = |list: &mut [Effect]| {
        for e in list {
            if let Some(g) = &mut e.guard {
                expr(g);
            }
            expr(&mut e.value);
            var(&mut e.target);
        }
    };
    let mut conditions: Once<Condition> = Once::new();
    let mut lists: Once<[Effect]> = Once::new();
    let mut condition = |w: &mut Arc<Condition>| {
        let fix = |c: &mut Condition| {
            if let Some(e) = &mut c.expr {
                expr(e);
            }
        };
        conditions.resolve(w, |c| Arc::new(c.clone()), fix);
    };
    let mut effects = |list: &mut Effects| {
        lists.resolve(list.shared_mut(), |l| Arc::from(l), effect_list);
    };
    for s in &mut scenes[range] {
        effects(&mut s.on_enter);
        match &mut s.exit {
            Exit::Choices(cs) => {
                for c in cs {
                    if let Some(w) = &mut c.condition {
                        condition(w);
                    }
                    effects(&mut c.effects);
                    if let Some(ch) = c.extra.as_mut().and_then(|x| x.chance.as_mut()) {
                        effects(&mut ch.effects);
                    }
                }
            }
            Exit::Routes(rs) => {
                for r in rs {
                    if let Some(w) = &mut r.condition {
                        condition(w);
                    }
                }
            }
            Exit::Ending(_) => {}
        }
    }
}
