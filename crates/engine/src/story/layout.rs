//! Dense indices for what a game counts: variables, scenes and once-only choices, each
//! numbered once when the story loads.
//!
//! A game state keeps its values in vectors by these numbers instead of maps keyed by
//! name, so that copying a state (the searches behind `verify`, `explore` and `stats`
//! copy one per choice tried) is a few `memcpy`s, and reading a variable in a condition
//! is an array access instead of a hash. Names stay the interface everywhere else:
//! saves, paths, events and the tools speak ids, and a [`Layout`] translates both ways.
//! The numbering is the story's own order (variables as declared, scenes as in
//! [`Story::scenes`](super::model::Story::scenes)), so an index found in the story is valid in its layout.

use std::collections::HashMap;

pub use super::id::{IdRef, UNRESOLVED};

/// The numbering of one story's countable things, shared (behind an `Arc`) by the story
/// and every state of a game on it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub(crate) vars: Vec<Box<str>>,
    pub(crate) var_ix: HashMap<Box<str>, u32>,
    pub(crate) initial: Vec<i64>,
    pub(crate) scenes: Vec<Box<str>>,
    pub(crate) scene_ix: HashMap<Box<str>, u32>,
    /// Once-only choices as (scene, position among its choices), sorted: a taken one is
    /// recorded by its position in this list.
    pub(crate) once: Vec<(u32, u32)>,
    /// `scene/choice` of each entry of `once`.
    pub(crate) once_keys: Vec<Box<str>>,
    pub(crate) once_ix: HashMap<Box<str>, u32>,
}

pub(crate) fn ix(i: usize) -> u32 {
    // The loader's limits keep every count far below 2^32.
    u32::try_from(i).unwrap_or(UNRESOLVED)
}

impl Layout {
    /// A numbering of just these variables (for a state built without a story).
    pub fn of_vars<S: AsRef<str>>(vars: impl IntoIterator<Item = (S, i64)>) -> Self {
        let mut out = Self::default();
        for (name, initial) in vars {
            let name = name.as_ref();
            out.var_ix.insert(name.into(), ix(out.vars.len()));
            out.vars.push(name.into());
            out.initial.push(initial);
        }
        out
    }

    /// Number of variables.
    #[must_use]
    pub fn var_count(&self) -> usize {
        self.vars.len()
    }

    /// The index of a variable.
    #[must_use]
    pub fn var_ix(&self, name: &str) -> Option<usize> {
        self.var_ix.get(name).map(|&i| i as usize)
    }

    /// The name of variable `i`.
    #[must_use]
    pub fn var_name(&self, i: usize) -> &str {
        &self.vars[i]
    }

    /// Every variable's value at the start of a game, by index.
    #[must_use]
    pub fn initial(&self) -> &[i64] {
        &self.initial
    }

    /// The index of a scene.
    #[must_use]
    pub fn scene_ix(&self, id: &str) -> Option<usize> {
        self.scene_ix.get(id).map(|&i| i as usize)
    }

    /// Number of scenes.
    #[must_use]
    pub fn scene_count(&self) -> usize {
        self.scenes.len()
    }

    /// The id of scene `i`.
    #[must_use]
    pub fn scene_id(&self, i: usize) -> &str {
        &self.scenes[i]
    }

    /// The slot of the once-only choice at `position` in scene `scene`.
    #[must_use]
    pub fn once_slot(&self, scene: usize, position: usize) -> Option<u32> {
        self.once
            .binary_search(&(ix(scene), ix(position)))
            .ok()
            .map(ix)
    }

    /// The slot of a once-only choice by its `scene/choice` key.
    #[must_use]
    pub fn once_slot_of(&self, key: &str) -> Option<u32> {
        self.once_ix.get(key).copied()
    }

    /// The `scene/choice` key of a once-only slot.
    #[must_use]
    pub fn once_key(&self, slot: u32) -> &str {
        &self.once_keys[slot as usize]
    }
}
