//! Resolving the names in a story's conditions and effects to the positions of what
//! they name, once, before the whole-story checks (which count uses by position); and
//! numbering the loaded story ([`Layout`]) in the same order at the end of loading.

use std::ops::Range;
use std::sync::Arc;

use super::expr::{Effect, Expr};
use super::id::IdRef;
use super::layout::{Layout, ix};
use super::model::{Exit, Story};

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

/// Numbers `story` (its names were resolved by [`names`], in the same order). Called
/// once by the loader, after the story is sanitised.
pub(crate) fn index(story: &mut Story) {
    story.layout = Arc::new(layout_of(story));
}

/// Resolves every name in the conditions and effects of `story` to the position of
/// the variable or scene it names ([`Story::variables`], [`Story::scenes`]: the
/// numbering of its [`Layout`]).
pub(crate) fn names(story: &mut Story) {
    names_in(story, 0..story.scenes.len());
}

/// [`names`] for the scenes in `range` only (an incremental reload resolves the scenes
/// it recompiled).
pub(crate) fn names_in(story: &mut Story, range: Range<usize>) {
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
    let mut expr = |e: &mut Expr| e.resolve(&var, &scene);
    let effects = |list: &mut [Effect], expr: &mut dyn FnMut(&mut Expr)| {
        for e in list {
            if let Some(g) = &mut e.guard {
                expr(g);
            }
            expr(&mut e.value);
            var(&mut e.target);
        }
    };
    for s in &mut scenes[range] {
        effects(&mut s.on_enter, &mut expr);
        match &mut s.exit {
            Exit::Choices(cs) => {
                for c in cs {
                    if let Some(w) = &mut c.when {
                        expr(w);
                    }
                    effects(&mut c.effects, &mut expr);
                    if let Some(ch) = &mut c.chance {
                        effects(&mut ch.effects, &mut expr);
                    }
                }
            }
            Exit::Routes(rs) => {
                for r in rs {
                    if let Some(w) = &mut r.when {
                        expr(w);
                    }
                }
            }
            Exit::Ending(_) => {}
        }
    }
}
