//! The story compiler, as a list of passes; [`run`] is that list, and each pass is one
//! file:
//!
//! 1. [`read`]: bytes to text, within the limits (too large, not UTF-8, empty).
//! 2. [`parse`]: text to the raw RON model; a file with a syntax error is reported and
//!    the names it declares are read off its text ([`context::Salvage`]).
//! 3. [`declare`]: the header, variables and endings of every file.
//! 4. [`index`]: every scene id to where it is defined (where ids would become dense
//!    indices).
//! 5. [`compile`]: scenes, choices, text and expressions, checked against the names.
//! 6. [`extend`]: other files' choices added to the scenes they name.
//! 7. [`detour`]: returns outside any detour, detours that re-enter themselves or nest
//!    too deep, over the whole story (extensions included).
//! 8. [`lint`]: whole-story warnings (reachability, variable use, look-alike choices).
//!
//! Passes 2 to 5 usually run file by file instead ([`stream`]): the header first, then
//! each chapter parsed, indexed and its scenes compiled before the next is parsed, so
//! that one file's parse is held at a time. That order is taken only when it gives
//! exactly what the list above gives (a scene that needs a name not yet read waits for
//! the end; a missing name or a broken file sends the whole load back to the list).
//! In that order the files are parsed on two threads ([`prefetch`]), taken one by one
//! in the same order, so the result does not depend on which thread parsed a file.
//!
//! Every pass reports what it finds and hands on what did work, so one run finds every
//! problem: a file that fails to parse leaves the others to be checked, and the lints
//! run over whatever loaded, marked partial when files are missing.

mod compile;
pub mod context;
mod declare;
mod detour;
mod extend;
pub(crate) mod incremental;
mod index;
pub mod lint;
mod named;
mod parse;
mod prefetch;
mod printable;
mod read;
pub mod sources;
mod stream;

use std::collections::HashMap;

use super::diag::Diagnostic;
use super::model::{Scene, Story};
use super::raw::{RawChapter, RawFile, RawScene};
use compile::Names;
pub use context::Ctx;

/// Runs the passes in order. Returns the story when a header was found (even with
/// errors: the caller keeps it only without them), with what an incremental reload
/// needs to recompile one file later without redoing the others (see [`incremental`]).
pub(crate) fn run(cx: &mut Ctx<'_>) -> Option<(Story, Option<incremental::Kept>)> {
    if let read::Read::Stop = read::read(cx) {
        return None;
    }
    if let Some(stream::Done(done)) = stream::run(cx) {
        return done;
    }
    let mut parsed = parse::parse(cx);
    let bodies = take_scenes(&mut parsed);
    let decls = declare::declare(cx, &parsed);
    let scene_map = index::index(cx, &bodies)?;
    let salvage = std::mem::take(&mut cx.salvage);
    let mut names = final_names(cx, &parsed, &decls, &scene_map, &salvage);
    let chapters = chapters(&parsed);
    let compiled_from = cx.diags.len();
    let scenes = compile::compile_scenes(cx, with_bodies(&chapters, bodies), &names);
    let (story, compiled_to) = after_compile(cx, &chapters, decls, scenes, &names);
    let named = std::mem::take(&mut names.named);
    drop(names);
    drop(chapters);
    let compiled = compiled_from..compiled_to;
    judge(cx, story, keeping(cx, parsed, scene_map, named), compiled)
}

/// The parse (scenes taken out), the scene index and the named effects: what
/// [`incremental::Kept`] is made of.
type ToKeep = (
    Vec<(usize, RawFile)>,
    index::SceneIndex,
    super::named::Named,
);

/// What an incremental reload will need, when the load is asked to keep it; else
/// nothing, and the parse and the scene index are freed before the whole-graph checks
/// (at 100,000 scenes, about 10 MB that `check` no longer holds while it lints).
fn keeping(
    cx: &Ctx<'_>,
    parsed: Vec<(usize, RawFile)>,
    scene_map: index::SceneIndex,
    named: super::named::Named,
) -> Option<ToKeep> {
    cx.keep.then_some((parsed, scene_map, named))
}

/// The whole-graph checks over the assembled story (with a header), then the note of
/// what could not be checked; the story, with what an incremental reload keeps.
fn judge(
    cx: &mut Ctx<'_>,
    mut story: Option<Story>,
    kept: Option<ToKeep>,
    compiled: std::ops::Range<usize>,
) -> Option<(Story, Option<incremental::Kept>)> {
    let lints_from = cx.diags.len();
    if let Some(story) = &mut story {
        graph_checks(cx, story);
    }
    let lints = lints_from..cx.diags.len();
    report_unchecked(cx);
    let kept = kept.map(|(parsed, scene_map, named)| {
        let hash = cx
            .content_hash
            .take()
            .unwrap_or_else(|| super::files::ContentHash::new(cx.files));
        incremental::Kept::new(parsed, scene_map, named, [compiled, lints], hash)
    });
    Some((story?, kept))
}

/// The names every scene compiles against, once every file is parsed, declared and
/// indexed: the variables, scenes and endings, then the named effects and conditions
/// (checked and compiled here, against the others).
fn final_names<'a>(
    cx: &mut Ctx<'_>,
    parsed: &[(usize, RawFile)],
    decls: &declare::Declarations<'a>,
    scene_map: &'a index::SceneIndex,
    salvage: &'a context::Salvage,
) -> Names<'a> {
    let mut names = Names::new(
        decls.variables.iter().map(|v| (v.name.clone(), v.ty)),
        std::borrow::Cow::Borrowed(scene_map),
        decls.endings.iter().map(|&(_, e)| e.id.as_str()),
        salvage,
    );
    names.enums = decls
        .variables
        .iter()
        .filter_map(|v| match v.ty {
            super::expr::Type::Enum(id) => Some((id, v.values.clone())),
            _ => None,
        })
        .collect();
    names.named = named::declare(cx, parsed, &names);
    names
}

/// The passes after the scenes are compiled: extensions, the story assembled, its
/// names resolved. Gives the story (with a header) and where the compile pass's
/// diagnostics end in pass order.
fn after_compile(
    cx: &mut Ctx<'_>,
    chapters: &[(usize, &RawChapter)],
    decls: declare::Declarations<'_>,
    mut scenes: Vec<Scene>,
    names: &Names<'_>,
) -> (Option<Story>, usize) {
    let compiled_to = cx.diags.len();
    // The content hash reads the files alone: taken beside the index in a large story.
    let (files, known, keep) = (cx.files, cx.sources.content_hash, cx.keep);
    let (scene_index, (hash, marked)) = super::both::both(
        scenes.len() >= super::both::SCENES,
        || index_of(&scenes),
        move || content_hash(files, known, keep),
    );
    cx.content_hash = marked;
    extend::extend(cx, chapters, &mut scenes, &scene_index, names);
    let mut story = assemble(cx, decls, scenes, scene_index, hash, names);
    if let Some(story) = &mut story {
        super::resolve::names(story);
    }
    (story, compiled_to)
}

/// The passes that judge the finished story as one graph (detours, then the lints if
/// asked for), over its steps resolved once to scene positions ([`super::graph::Graph`])
/// and its names resolved ([`super::resolve::names`]): an incremental reload runs these
/// again over the whole story.
pub(crate) fn graph_checks(cx: &mut Ctx<'_>, story: &Story) {
    // A story without detours, loaded without lints (the game's load), has nothing here
    // to check.
    let detours = detour::used(story);
    if !detours && !cx.lints {
        return;
    }
    // Resolved with the names (`resolve::names`).
    let graph = super::resolve::graph_of(story);
    if detours {
        detour::check(cx, story, &graph);
    }
    lint::run(cx, story, &graph);
}

/// Takes the scenes out of the parsed chapters, `(file, scenes)` in file order.
///
/// Scenes are by far the bulk of a story. Taking them out of the parsed files lets the
/// compiler consume them one by one, moving their text rather than copying it, so the
/// parsed and the compiled story are never both whole in memory.
fn take_scenes(parsed: &mut [(usize, RawFile)]) -> Vec<(usize, Vec<RawScene>)> {
    parsed
        .iter_mut()
        .filter_map(|(i, f)| match f {
            RawFile::Chapter(c) => Some((*i, std::mem::take(&mut c.scenes))),
            RawFile::Story(_) => None,
        })
        .collect()
}

/// The parsed chapters, with their files, in file order.
fn chapters(parsed: &[(usize, RawFile)]) -> Vec<(usize, &RawChapter)> {
    parsed
        .iter()
        .filter_map(|(i, f)| match f {
            RawFile::Chapter(c) => Some((*i, c)),
            RawFile::Story(_) => None,
        })
        .collect()
}

/// Each chapter beside the scenes taken out of it.
fn with_bodies<'r>(
    chapters: &[(usize, &'r RawChapter)],
    bodies: Vec<(usize, Vec<RawScene>)>,
) -> Vec<(usize, &'r RawChapter, Vec<RawScene>)> {
    chapters
        .iter()
        .zip(bodies)
        .map(|(&(i, c), (_, body))| (i, c, body))
        .collect()
}

/// The story's content hash: `known` when the loader took it before the passes (it
/// owns the files, and lets their text go), else taken from `files`, with its state
/// before each file when a reload will need it (`keep`).
fn content_hash(
    files: &[super::files::SourceFile],
    known: Option<u64>,
    keep: bool,
) -> (u64, Option<super::files::ContentHash>) {
    match known {
        Some(hash) => (hash, None),
        None if keep => {
            let marked = super::files::ContentHash::new(files);
            (marked.value(), Some(marked))
        }
        None => (super::files::content_hash(files), None),
    }
}

/// Scene id → position in the compiled list (what the engine looks scenes up by).
fn index_of(scenes: &[Scene]) -> HashMap<String, usize> {
    let mut index: HashMap<String, usize> = scenes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    index.shrink_to_fit();
    index
}

/// The story: the header's fields and texts, the compiled parts. `None` without a
/// header (its absence was reported by the declare pass).
fn assemble(
    cx: &mut Ctx<'_>,
    decls: declare::Declarations<'_>,
    scenes: Vec<Scene>,
    scene_index: HashMap<String, usize>,
    content_hash: u64,
    names: &Names<'_>,
) -> Option<Story> {
    let endings = compile::endings(cx, &decls.endings, names);
    let (hfile, h) = decls.header?;
    compile::check_start(cx, hfile, &h.start, names);
    Some(Story {
        id: h.id.clone(),
        title: h.title.clone(),
        subtitle: h.subtitle.clone().unwrap_or_default(),
        start: h.start.clone(),
        content_note: compile::texts(cx, hfile, "content_note", &h.content_note, names),
        afterword: compile::texts(cx, hfile, "afterword", &h.afterword, names),
        credits: compile::texts(cx, hfile, "credits", &h.credits, names),
        variables: decls.variables,
        endings,
        scenes,
        files: cx.files.iter().map(|f| f.path.clone()).collect(),
        content_hash,
        scene_index,
        var_index: decls.var_index,
        layout: std::sync::Arc::default(),
        graph: super::graph::Graph::default(),
        words: super::words::Words::default(),
    })
}

/// One warning for every reference that could not be checked, instead of an echo
/// error for each.
fn report_unchecked(cx: &mut Ctx<'_>) {
    if cx.suppressed == 0 {
        return;
    }
    cx.diags.push(
        Diagnostic::warning(
            "W0015",
            format!(
                "{} reference(s) to scenes, variables or endings were not checked",
                cx.suppressed
            ),
        )
        .with_hint("they may be declared in the missing header, or in a file that could not be read: fix the errors above, then check again"),
    );
}
