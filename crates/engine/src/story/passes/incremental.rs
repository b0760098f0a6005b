//! What a clean load keeps so that one edited file can be recompiled alone later (the
//! story side of [`crate::story::incremental`]).
//!
//! A scene compiles against the story's names only (variables, scenes, endings, named
//! effects and conditions), never against another scene. So when an edit leaves a
//! chapter's declarations, extensions and scene ids as they were, every other file's
//! compiled scenes and diagnostics stand, and recompiling that chapter's scenes against
//! the names of the last load gives what a full load would.

use std::collections::HashSet;
use std::ops::Range;

use super::compile::{self, Names};
use super::context::{Ctx, Salvage};
use super::index::SceneIndex;
use crate::story::files::ContentHash;
use crate::story::model::{Scene, Story};
use crate::story::named::Named;
use crate::story::raw::{RawChapter, RawFile, RawScene};

/// What the last clean load leaves for the next incremental one.
pub(crate) struct Kept {
    /// Every parsed file, its scenes taken out (they live on, compiled, in the story):
    /// declarations and extensions, to compare an edited file's with.
    pub parsed: Vec<(usize, RawFile)>,
    /// Scene id → (file, position) as the index pass built it.
    pub scene_map: SceneIndex,
    /// The named effects and conditions, compiled.
    named: Named,
    /// Where the compile pass's diagnostics, then the whole-graph checks' (detours and
    /// lints, [`super::graph_checks`]), stand in the load's diagnostics (pass order).
    pub ranges: [Range<usize>; 2],
    /// Files whose scenes another file extends: recompiling them alone would drop the
    /// extensions, so an edit there takes the full path.
    pub extended_files: HashSet<usize>,
    /// Files that failed to parse contribute names here; empty after a clean load.
    salvage: Salvage,
    /// The story's content hash, to take again from the first edited file on.
    pub content_hash: ContentHash,
}

impl Kept {
    pub fn new(
        parsed: Vec<(usize, RawFile)>,
        scene_map: SceneIndex,
        named: Named,
        ranges: [Range<usize>; 2],
        content_hash: ContentHash,
    ) -> Self {
        let extended_files = parsed
            .iter()
            .filter_map(|(_, f)| match f {
                RawFile::Chapter(c) => Some(c),
                RawFile::Story(_) => None,
            })
            .flat_map(|c| c.extend.iter())
            .filter_map(|e| scene_map.get(&e.scene).map(|&(file, _)| file))
            .collect();
        Self {
            parsed,
            scene_map,
            named,
            ranges,
            extended_files,
            salvage: Salvage::default(),
            content_hash,
        }
    }

    /// The kept parse of `file`, if it was a chapter.
    pub fn chapter(&self, file: usize) -> Option<&RawChapter> {
        self.parsed.iter().find_map(|(i, f)| match f {
            RawFile::Chapter(c) if *i == file => Some(c),
            _ => None,
        })
    }

    /// Compiles the scenes of `file` (its new `chapter` and `body`) against the names of
    /// the last load (`story`'s variables and endings, the kept scene index and named
    /// effects), reporting into `cx`.
    pub fn recompile(
        &mut self,
        cx: &mut Ctx<'_>,
        story: &Story,
        file: usize,
        chapter: &RawChapter,
        body: Vec<RawScene>,
    ) -> Vec<Scene> {
        let mut names = Names::new(
            story.variables.iter().map(|v| (v.name.clone(), v.ty)),
            std::borrow::Cow::Borrowed(&self.scene_map),
            story.endings.iter().map(|e| e.id.as_str()),
            &self.salvage,
        );
        names.enums = story
            .variables
            .iter()
            .filter_map(|v| match v.ty {
                crate::story::expr::Type::Enum(id) => Some((id, v.values.clone())),
                _ => None,
            })
            .collect();
        names.named = std::mem::take(&mut self.named);
        let scenes = body
            .into_iter()
            .map(|s| compile::compile_scene(cx, file, chapter, s, &names))
            .collect();
        self.named = std::mem::take(&mut names.named);
        scenes
    }
}
