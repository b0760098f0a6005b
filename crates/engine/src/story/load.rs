//! Story files → checked [`Story`], collecting every problem instead of stopping.
//!
//! The loader takes file contents (not paths: reading the disk is the caller's job, so
//! this stays pure and testable) and runs the compiler's passes over them (see
//! `story/passes/`: read, parse, declare, index, compile, extend, lint). A
//! story is returned only when there are no errors; diagnostics are returned always.

use super::diag::Diagnostic;
use super::model::Story;
use super::passes::{self, Ctx};
use super::safe;

pub use super::files::{SourceFile, limits};

pub use super::site::Site;

/// The result of loading: the story when there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Loaded {
    /// The checked story, if it has no errors.
    pub story: Option<Story>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Files read.
    pub file_count: usize,
    /// Counts for the summary line (of what compiled, even when there were errors;
    /// words are counted only by the linting [`load`]).
    pub stats: Stats,
}

/// What a story holds, for the checker's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Scenes.
    pub scenes: usize,
    /// Choices, extensions included.
    pub choices: usize,
    /// Words of player-visible prose.
    pub words: usize,
    /// Declared endings.
    pub endings: usize,
}

impl Loaded {
    /// Number of errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    /// Number of warnings.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// Loads and checks a story from its files.
#[must_use]
pub fn load(files: &[SourceFile]) -> Loaded {
    load_with(files, true)
}

/// Loads without the whole-story lints (reachability, unused variables): what the game
/// itself needs at start-up. Every error is still found; only warnings are skipped.
#[must_use]
pub fn load_unlinted(files: &[SourceFile]) -> Loaded {
    load_with(files, false)
}

/// Loads and checks under other bounds than the default ones (tests prove each bound
/// with small inputs this way).
#[must_use]
pub fn load_limited(files: &[SourceFile], limits: limits::Limits) -> Loaded {
    let mut cx = Ctx::new(files);
    cx.limits = limits;
    finish(cx)
}

/// [`load`] (`lints`) or [`load_unlinted`] in the classic order of the passes only:
/// every file parsed before any scene compiles, as before chapters compiled as they
/// were parsed. Both orders give the same result; tests compare them.
#[doc(hidden)]
#[must_use]
pub fn load_classic(files: &[SourceFile], lints: bool) -> Loaded {
    let mut cx = Ctx::new(files);
    cx.lints = lints;
    cx.stream = false;
    finish(cx)
}

/// [`load`] of files handed over, as `checker` does: each file's text is let go once
/// parsed, so a large story's source is not held beside the story compiled from it. A
/// diagnostic pointing into a released file reads it again with `reread` (by its
/// path, as in `files`), and a file that then differs from what was parsed is reported
/// (E0007) instead of quoted. Also returns the text of every file still held: those
/// the diagnostics point into, for the report to quote.
#[must_use]
pub fn load_owned<'r>(
    mut files: Vec<SourceFile>,
    reread: impl FnMut(&str) -> Option<Vec<u8>> + 'r,
) -> (Loaded, Vec<SourceFile>) {
    let hash = super::files::content_hash(&files);
    let given: Vec<Vec<u8>> = files
        .iter_mut()
        .map(|f| std::mem::take(&mut f.bytes))
        .collect();
    let mut sources = passes::sources::Sources::owned(&files, given, Box::new(reread));
    sources.content_hash = Some(hash);
    let cx = Ctx::over(sources);
    let (loaded, _, sources) = finish_all(cx);
    (loaded, sources.into_texts())
}

fn load_with(files: &[SourceFile], lints: bool) -> Loaded {
    let mut cx = Ctx::new(files);
    cx.lints = lints;
    finish(cx)
}

/// A load that keeps what an incremental reload needs, when it is clean.
pub(crate) fn load_keeping(files: &[SourceFile], lints: bool) -> (Loaded, Option<KeptLoad>) {
    let mut cx = Ctx::new(files);
    cx.lints = lints;
    cx.keep = true;
    finish_keeping(cx)
}

fn finish(cx: Ctx<'_>) -> Loaded {
    finish_keeping(cx).0
}

/// What a clean load leaves for an incremental reload ([`super::incremental`]): the
/// compiler's kept state and the diagnostics in the order the passes found them.
pub(crate) struct KeptLoad {
    pub kept: passes::incremental::Kept,
    pub in_pass_order: Vec<Diagnostic>,
}

/// Finishes a load; when `cx.keep`, also what an incremental reload needs (clean
/// loads only).
pub(crate) fn finish_keeping(cx: Ctx<'_>) -> (Loaded, Option<KeptLoad>) {
    let (loaded, kept, _) = finish_all(cx);
    (loaded, kept)
}

/// [`finish_keeping`], giving back the files' text too.
fn finish_all(mut cx: Ctx<'_>) -> (Loaded, Option<KeptLoad>, passes::sources::Sources<'_>) {
    let keep = cx.keep;
    let files = cx.files;
    let (mut story, kept) = match passes::run(&mut cx) {
        Some((story, kept)) => (Some(story), kept),
        None => (None, None),
    };
    let lints = cx.lints;
    for file in cx.sources.changed() {
        let d = Diagnostic::error(
            "E0007",
            "file changed while the story was being checked: its problems cannot be placed",
        )
        .with_hint("check the story again once it is saved")
        .at(&files[file].path, None, 0, 0);
        cx.diags.push(d);
    }
    let mut diagnostics = cx.diags;
    // Sanitise once, here: nothing downstream neutralises story text again.
    if let Some(s) = &mut story {
        safe::story(s);
        super::resolve::index(s);
    }
    safe::diagnostics(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let stats = stats(story.as_ref(), lints);
    let kept = match kept {
        Some(kept) if keep && !has_errors => Some(KeptLoad {
            kept,
            in_pass_order: diagnostics.clone(),
        }),
        _ => None,
    };
    sort(&mut diagnostics);
    let loaded = Loaded {
        story: if has_errors { None } else { story },
        diagnostics,
        file_count: files.len(),
        stats,
    };
    (loaded, kept, cx.sources)
}

/// The summary's counts of what compiled.
pub(crate) fn stats(story: Option<&Story>, lints: bool) -> Stats {
    // Counting every word of a large story is real work: only the checker's summary
    // needs it, and the checker is the caller that asks for the lints.
    let words = |s: &Story| if lints { s.word_count() } else { 0 };
    story.map_or_else(Stats::default, |s| Stats {
        scenes: s.scenes.len(),
        choices: s.choice_count(),
        words: words(s),
        endings: s.endings.len(),
    })
}

/// Diagnostics in file order, then line and column (stable: ties keep pass order).
pub(crate) fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.file.is_empty(), &a.file, a.line, a.col).cmp(&(
            b.file.is_empty(),
            &b.file,
            b.line,
            b.col,
        ))
    });
}
