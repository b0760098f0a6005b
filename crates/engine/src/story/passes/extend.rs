//! Pass 6, extend: `Extend(scene: ..., choices: [...])` adds choices to a scene defined
//! in another file (how optional chapters hook into the main line).
//!
//! Runs after every scene is compiled, so an extension may name any scene, and the
//! choice ids it adds are checked against the scene's own.

use std::collections::{HashMap, HashSet};

use super::super::diag::Diagnostic;
use super::super::model::{Exit, Scene, SharedStr};
use super::super::raw::RawChapter;
use super::compile::{Names, compile_choice};
use super::context::{Ctx, Site};
use super::printable::{self, LookAlikes};

/// Applies every chapter's extensions to `scenes` (found by `scene_index`).
pub fn extend(
    cx: &mut Ctx<'_>,
    chapters: &[(usize, &RawChapter)],
    scenes: &mut [Scene],
    scene_index: &HashMap<String, usize>,
    names: &Names<'_>,
) {
    // Each extended scene's choice ids, gathered the first time it is extended:
    // thousands of `Extend`s must not each scan every choice.
    let mut extended_ids: HashMap<usize, HashSet<SharedStr>> = HashMap::new();
    // The same, as they print (see `printable`), for the scenes that have any id that
    // does not print as written.
    let mut look_alikes: HashMap<usize, LookAlikes> = HashMap::new();
    for (file, c) in chapters {
        for (n, ext) in c.extend.iter().enumerate() {
            let this = Site::extension(*file, n);
            let Some(&target) = scene_index.get(&ext.scene) else {
                cx.uses_unknown = true;
                if names.has_scene(&ext.scene) {
                    // Defined in a file that failed to parse: nothing to extend yet.
                    continue;
                }
                if cx.opaque {
                    cx.suppressed += 1;
                    continue;
                }
                let mut d = Diagnostic::error(
                    "E0110",
                    format!("`extend` names scene `{}`, which does not exist", ext.scene),
                );
                d = match names.suggest(&ext.scene, names.scene_ids()) {
                    Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                    None => d.with_hint("`extend` adds choices to a scene defined in another file: name that scene's `id`"),
                };
                cx.report(d, &this.at(Some("scene"), &ext.scene));
                continue;
            };
            if !matches!(scenes[target].exit, Exit::Choices(_)) {
                let d = Diagnostic::error(
                    "E0111",
                    format!(
                        "scene `{}` does not end in choices, so it cannot be extended",
                        ext.scene
                    ),
                )
                .with_hint("extend a scene that has `choices: [...]`");
                cx.report(d, &this.at(Some("scene"), &ext.scene));
                cx.uses_unknown = true;
                continue;
            }
            let mut slot = 1000;
            let target_id = scenes[target].id.clone();
            let mut added = Vec::new();
            for (k, rc) in ext.choices.iter().enumerate() {
                let site = this.clone().item("Choice", k);
                let ch = compile_choice(cx, &site, rc.clone(), names, &mut slot);
                let explicit = rc.id.is_some();
                let key = if explicit { "id" } else { "goto" };
                added.push((site.at(Some(key), &ch.id), explicit, ch));
            }
            if let Exit::Choices(list) = &mut scenes[target].exit {
                let ids = extended_ids
                    .entry(target)
                    .or_insert_with(|| list.iter().map(|c| c.id.clone()).collect());
                let look = look_alikes.entry(target).or_insert_with(|| {
                    let mut look = LookAlikes::default();
                    for c in list.iter() {
                        // The scene's own look-alikes were reported when it was compiled.
                        let _ = look.check(&c.id, |_| false);
                    }
                    look
                });
                for (site, explicit, ch) in added {
                    if !ids.contains(&ch.id)
                        && let Some(earlier) = look.check(&ch.id, |x| ids.contains(x))
                    {
                        let d = Diagnostic::error(
                            "E0117",
                            printable::message(
                                "choice ids",
                                &earlier,
                                &ch.id,
                                &format!(" of scene `{target_id}`"),
                            ),
                        )
                        .with_hint(printable::HINT);
                        cx.report(d, &site);
                    }
                    if !ids.insert(ch.id.clone()) {
                        let hint = if explicit {
                            "choice ids must be unique within their scene: rename this `id:`"
                        } else {
                            "its id is its `goto`, which another choice of the scene already uses: give this choice an explicit, different `id:`"
                        };
                        let d = Diagnostic::error(
                            "E0112",
                            format!(
                                "choice id `{}` is already used in scene `{target_id}`",
                                ch.id
                            ),
                        )
                        .with_hint(hint);
                        cx.report(d, &site);
                        continue;
                    }
                    list.push(ch);
                }
            }
        }
    }
}
