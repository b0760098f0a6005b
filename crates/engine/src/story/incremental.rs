//! Incremental reload: after an author edits one file, re-read and recompile only that
//! file, with a result identical to a full load of the edited story.
//!
//! A [`Reloader`] holds the story's files and the last load. When an edited chapter
//! still parses, declares the same variables, endings, named effects and conditions,
//! extends the same scenes and defines the same scene ids in the same order, only its
//! scenes are compiled again (against the names of the last load, which the edit left
//! as they were) and put in place of the old ones; the whole-story lints, when asked
//! for, run again over the result. Anything else (a new or removed file, the header,
//! changed declarations or scene ids, a scene another file extends, a syntax error, a
//! new error, or a last load that had errors) takes the full path: every file is
//! compiled again from the bytes already held, so nothing is re-read from disk. Either
//! way the [`Loaded`] is the one [`load()`](super::load()) would give.

use std::ops::Range;

use super::diag::Diagnostic;
use super::files::{SourceFile, limits::Limits};
use super::load::{self, KeptLoad, Loaded};
use super::model::{Scene, Story};
use super::passes::Ctx;
use super::raw::{self, RawFile};
use super::{safe, scan};

/// How a reload was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reload {
    /// Nothing changed.
    Unchanged,
    /// Only the edited files were parsed and compiled again.
    Incremental,
    /// Every file was compiled again (see the module's documentation for when).
    Full,
}

/// A story's files and their last load, ready to take edits.
pub struct Reloader {
    files: Vec<SourceFile>,
    lints: bool,
    loaded: Loaded,
    /// Present while the last load was clean.
    clean: Option<Clean>,
    /// While the last load has errors: the last story that loaded without, which a
    /// game goes on playing (see [`Reloader::story`]). Moved here, never copied.
    last_good: Option<Story>,
}

/// What a clean load keeps: the compiler's state, the diagnostics in pass order split
/// where the compile pass and the lints put theirs, and each file's scenes.
struct Clean {
    kept: KeptLoad,
    /// Scene positions of each file in `Story::scenes` (empty for the header).
    scenes_of: Vec<Range<usize>>,
}

impl Reloader {
    /// Loads `files` (with the whole-story lints when `lints`, as `check` does; without,
    /// as the game does).
    #[must_use]
    pub fn new(files: Vec<SourceFile>, lints: bool) -> Self {
        let mut r = Self {
            files,
            lints,
            loaded: Loaded {
                story: None,
                diagnostics: Vec::new(),
                file_count: 0,
                stats: load::Stats::default(),
            },
            clean: None,
            last_good: None,
        };
        r.full();
        r
    }

    /// The last load's result.
    #[must_use]
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The story to play: the last load's, or, when that one has errors, the last
    /// story that loaded without (an edit that breaks the story leaves the game on the
    /// version before it). `None` until some load was clean.
    #[must_use]
    pub fn story(&self) -> Option<&Story> {
        self.loaded.story.as_ref().or(self.last_good.as_ref())
    }

    /// The story's files as last given.
    #[must_use]
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The story's files are now `files` (as read from its directory again): only
    /// those whose bytes changed are compiled again, when that is enough.
    pub fn replace(&mut self, files: Vec<SourceFile>) -> Reload {
        let same_paths = files.len() == self.files.len()
            && files.iter().zip(&self.files).all(|(a, b)| a.path == b.path);
        if !same_paths {
            self.files = files;
            self.full();
            return Reload::Full;
        }
        let changed: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .zip(&self.files)
            .filter(|(new, old)| new.bytes != old.bytes)
            .map(|(new, _)| (new.path, new.bytes))
            .collect();
        self.edit(changed).unwrap_or(Reload::Full)
    }

    /// Files of the story were written: `(path, new bytes)`, paths as in
    /// [`SourceFile::path`]. `None` (and nothing done) when a path is not one of the
    /// story's files: a file was added, so read the whole directory and [`replace`].
    ///
    /// [`replace`]: Reloader::replace
    pub fn edit(&mut self, changes: Vec<(String, Vec<u8>)>) -> Option<Reload> {
        let mut at = Vec::with_capacity(changes.len());
        for (path, _) in &changes {
            at.push(self.files.iter().position(|f| &f.path == path)?);
        }
        let mut edited = Vec::new();
        for (file, (_, bytes)) in at.into_iter().zip(changes) {
            if self.files[file].bytes != bytes {
                self.files[file].bytes = bytes;
                edited.push(file);
            }
        }
        if edited.is_empty() {
            return Some(Reload::Unchanged);
        }
        edited.sort_unstable();
        edited.dedup();
        if self.incremental(&edited) {
            Some(Reload::Incremental)
        } else {
            self.full();
            Some(Reload::Full)
        }
    }

    /// Loads every file again, from the bytes held.
    fn full(&mut self) {
        // A clean story about to be replaced stays the one to play if the new load
        // fails (an incremental attempt that failed has put its scenes back).
        if let Some(previous) = self.loaded.story.take() {
            self.last_good = Some(previous);
        }
        let (loaded, kept) = load::load_keeping(&self.files, self.lints);
        if loaded.story.is_some() {
            self.last_good = None;
        }
        self.clean = kept.map(|kept| {
            let story = loaded.story.as_ref().expect("a clean load has a story");
            let scenes_of = scene_ranges(story, self.files.len());
            Clean { kept, scenes_of }
        });
        self.loaded = loaded;
    }

    /// Recompiles only the `edited` files, if the last load was clean and the edits
    /// keep every other file's result as it was; false otherwise, with the story as it
    /// was (the caller loads fully).
    fn incremental(&mut self, edited: &[usize]) -> bool {
        let Some(clean) = self.clean.as_mut() else {
            return false;
        };
        let Some(story) = self.loaded.story.as_mut() else {
            return false;
        };
        let limits = Limits::default();
        let total: usize = self.files.iter().map(|f| f.bytes.len()).sum();
        if total > limits.total_bytes {
            return false;
        }
        let mut cx = Ctx::new(&self.files);
        let mut recompiled = Vec::with_capacity(edited.len());
        for &file in edited {
            if clean.kept.kept.extended_files.contains(&file) {
                return false;
            }
            let Some(old) = clean.kept.kept.chapter(file) else {
                return false;
            };
            let bytes = &self.files[file].bytes;
            if bytes.len() > limits.file_bytes {
                return false;
            }
            let Ok(text) = std::str::from_utf8(bytes) else {
                return false;
            };
            if scan::is_blank(text) {
                return false;
            }
            let Ok(RawFile::Chapter(mut new)) = raw::ron_options().from_str::<RawFile>(text) else {
                return false;
            };
            let range = clean.scenes_of[file].clone();
            let same_ids = new.scenes.len() == range.len()
                && new
                    .scenes
                    .iter()
                    .zip(&story.scenes[range.clone()])
                    .all(|(n, o)| n.id == o.id);
            if !same_ids
                || new.variables != old.variables
                || new.endings != old.endings
                || new.effects != old.effects
                || new.conditions != old.conditions
                || new.extend != old.extend
            {
                return false;
            }
            cx.sources.lend(file, text);
            let body = std::mem::take(&mut new.scenes);
            let from = cx.diags.len();
            let scenes = clean.kept.kept.recompile(&mut cx, story, file, &new, body);
            if cx.diags[from..].iter().any(Diagnostic::is_error) {
                return false;
            }
            recompiled.push((file, scenes));
        }
        // Every edit compiles without errors: put the new scenes and warnings in place.
        let mut fresh = std::mem::take(&mut cx.diags);
        safe::diagnostics(&mut fresh);
        let [compiled, lints] = clean.kept.kept.ranges.clone();
        let diags = &mut clean.kept.in_pass_order;
        // Diagnostics name files as sanitised.
        let paths: Vec<String> = edited
            .iter()
            .map(|&f| crate::sanitize::for_terminal(&self.files[f].path))
            .collect();
        let mut compile_pass: Vec<Diagnostic> = diags[compiled.clone()]
            .iter()
            .filter(|d| !paths.contains(&d.file))
            .cloned()
            .collect();
        compile_pass.extend(fresh);
        let grown = compile_pass.len() as isize - compiled.len() as isize;
        diags.splice(compiled.clone(), compile_pass);
        let shift = |r: usize| r.saturating_add_signed(grown);
        let mut lints = shift(lints.start)..shift(lints.end);
        clean.kept.kept.ranges = [compiled.start..shift(compiled.end), lints.clone()];
        let mut words = self.loaded.stats.words;
        // The scenes replaced, kept until the whole-graph checks pass: if they fail,
        // the story is put back as it was (the full path then reloads, and the game
        // goes on playing this story if that load fails too).
        let mut replaced: Vec<(usize, Vec<Scene>)> = Vec::with_capacity(recompiled.len());
        let old_hash = story.content_hash;
        for (file, mut scenes) in recompiled {
            for s in &mut scenes {
                // A recompiled scene's id is valid, so cleaning never changes it.
                safe::scene(s);
            }
            let range = clean.scenes_of[file].clone();
            if self.lints {
                let old: usize = story.scenes[range.clone()].iter().map(scene_words).sum();
                let new: usize = scenes.iter().map(scene_words).sum();
                words = words - old + new;
            }
            let old: Vec<Scene> = story.scenes[range.clone()]
                .iter_mut()
                .zip(scenes)
                .map(|(slot, scene)| std::mem::replace(slot, scene))
                .collect();
            replaced.push((range.start, old));
            // Names resolved as a full load resolves them, before the checks below.
            super::resolve::names_in(story, range);
        }
        story.content_hash = clean
            .kept
            .kept
            .content_hash
            .again_from(&self.files, edited[0]);
        // The detour checks and the lints judge the whole graph: run them again. Their
        // findings are located in the files' text, which a clean story rarely needs:
        // only then is every file's text looked at.
        let mut cx = Ctx::new(&self.files);
        cx.lints = self.lints;
        super::passes::graph_checks(&mut cx, story);
        if !cx.diags.is_empty() {
            cx = Ctx::new(&self.files);
            cx.lints = self.lints;
            for i in 0..self.files.len() {
                // A file that is not text has no place for a finding.
                let _ = cx.sources.make_text(i);
            }
            super::passes::graph_checks(&mut cx, story);
        }
        if cx.diags.iter().any(Diagnostic::is_error) {
            // A detour the edit broke: the full path reports it as a full load would.
            for (start, old) in replaced {
                let end = start + old.len();
                for (slot, scene) in story.scenes[start..].iter_mut().zip(old) {
                    *slot = scene;
                }
                super::resolve::targets_in(story, start..end);
            }
            story.content_hash = old_hash;
            return false;
        }
        let mut found = cx.diags;
        safe::diagnostics(&mut found);
        let end = lints.start + found.len();
        diags.splice(lints.clone(), found);
        lints.end = end;
        clean.kept.kept.ranges[1] = lints;
        // Numbered as a full load ends (the numbering is kept when it is the same).
        super::resolve::renumber(story);
        let mut sorted = diags.clone();
        load::sort(&mut sorted);
        self.loaded.diagnostics = sorted;
        self.loaded.stats.choices = story.choice_count();
        self.loaded.stats.words = words;
        true
    }
}

/// Words of one scene's prose, as [`Story::word_count`] counts them.
fn scene_words(s: &super::model::Scene) -> usize {
    s.text
        .iter()
        .chain(s.choices().iter().map(|c| &c.label))
        .map(super::text::Text::word_count)
        .sum()
}

/// Each file's scenes: compiled scenes stand in file order, so a file's are a run.
fn scene_ranges(story: &Story, files: usize) -> Vec<Range<usize>> {
    let mut ranges = vec![0..0; files];
    for (i, s) in story.scenes.iter().enumerate() {
        let r = &mut ranges[s.origin.file()];
        if r.start == r.end {
            *r = i..i + 1;
        } else {
            r.end = i + 1;
        }
    }
    ranges
}
