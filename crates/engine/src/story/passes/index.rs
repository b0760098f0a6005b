//! Pass 4, index: every scene id, mapped to where it is first defined.
//!
//! Once this map exists, every reference to a scene (a `goto`, `next`, route,
//! `visits(...)`, `extend`) can be resolved, in any file and in any order. It is the
//! place where ids would become dense indices.

use std::collections::HashMap;

use super::super::diag::Diagnostic;
use super::super::raw::RawScene;
use super::context::{Ctx, Site};

/// Scene id → (file, position among all scenes, counting from 1) of its first definition.
pub type SceneIndex = HashMap<String, (usize, usize)>;

/// Indexes the scenes of every chapter, reporting ids defined twice; `None` when the
/// story has more scenes than the limit allows.
pub fn index(cx: &mut Ctx<'_>, chapters: &[(usize, Vec<RawScene>)]) -> Option<SceneIndex> {
    let mut scene_map = SceneIndex::new();
    let mut seq = 0usize;
    for (i, body) in chapters {
        for s in body {
            seq += 1;
            if let Some(&(first, _)) = scene_map.get(s.id.as_str()) {
                let mut d =
                    Diagnostic::error("E0108", format!("scene `{}` is defined twice", s.id))
                        .with_hint("rename one of them (and every `goto` that means it)");
                if let Some(l) = cx.label(&Site::scene(first, &s.id), "first defined here") {
                    d = d.with_label(l);
                }
                // Point at the second definition: in the same file, the next `id:`
                // literal after the first; in another file, that file's scene.
                if first == *i {
                    let after = cx
                        .locator(*i)
                        .and_then(|l| l.scene_id(&s.id))
                        .map_or(0, |t| t.end);
                    cx.report_after(d, &Site::literal(*i, Some("id"), &s.id), after);
                } else {
                    cx.report(d, &Site::scene(*i, &s.id));
                }
                continue;
            }
            if scene_map.len() >= cx.limits.scenes {
                let d =
                    Diagnostic::error("E0109", format!("more than {} scenes", cx.limits.scenes))
                        .with_hint("this is the first scene past the limit");
                cx.report(d, &Site::scene(*i, &s.id));
                return None;
            }
            scene_map.insert(s.id.clone(), (*i, seq));
        }
    }
    Some(scene_map)
}
