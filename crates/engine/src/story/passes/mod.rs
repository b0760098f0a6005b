//! The story compiler, as a list of passes: read, parse, declare, index, compile,
//! extend, lint. [`run`] is that list; each pass is one file.
//!
//! Every pass reports what it finds and hands on what did work, so one run finds every
//! problem: a file that fails to parse leaves the others to be checked (the names it
//! declares are read off its text, so references into it are not echoed as errors),
//! and the lints run over whatever loaded, marked partial when files are missing.

mod compile;
pub mod context;
mod declare;
mod extend;
mod index;
pub mod lint;
mod parse;
mod read;

use std::collections::HashMap;

use super::diag::Diagnostic;
use super::model::Story;
use super::raw::{RawChapter, RawFile, RawScene};
use compile::Names;
pub use context::{Ctx, Site};

/// Runs the passes in order. Returns the story when a header was found (even with
/// errors: the caller keeps it only without them).
pub fn run(cx: &mut Ctx<'_>) -> Option<Story> {
    if let read::Read::Stop = read::read(cx) {
        return None;
    }
    let mut parsed = parse::parse(cx);
    // Scenes are by far the bulk of a story. Taking them out of the parsed files lets
    // the compiler consume them one by one, moving their text rather than copying it,
    // so the parsed and the compiled story are never both whole in memory.
    let bodies: Vec<(usize, Vec<RawScene>)> = parsed
        .iter_mut()
        .filter_map(|(i, f)| match f {
            RawFile::Chapter(c) => Some((*i, std::mem::take(&mut c.scenes))),
            RawFile::Story(_) => None,
        })
        .collect();
    let decls = declare::declare(cx, &parsed);
    let scene_map = index::index(cx, &bodies)?;
    let chapters: Vec<(usize, &RawChapter)> = parsed
        .iter()
        .filter_map(|(i, f)| match f {
            RawFile::Chapter(c) => Some((*i, c)),
            RawFile::Story(_) => None,
        })
        .collect();
    let salvage = std::mem::take(&mut cx.salvage);
    let names = Names::new(
        decls.variables.iter().map(|v| (v.name.clone(), v.ty)),
        &scene_map,
        decls.endings.iter().map(|(_, e)| e.id.as_str()),
        &salvage,
    );
    let with_bodies = chapters
        .iter()
        .zip(bodies)
        .map(|(&(i, c), (_, body))| (i, c, body))
        .collect();
    let mut scenes = compile::compile_scenes(cx, with_bodies, &names);
    let mut scene_index: HashMap<String, usize> = scenes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    extend::extend(cx, &chapters, &mut scenes, &scene_index, &names);

    let endings = compile::endings(cx, &decls.endings, &names);
    let story = decls.header.map(|(hfile, h)| {
        compile::check_start(cx, hfile, &h.start, &names);
        scene_index.shrink_to_fit();
        Story {
            id: h.id.clone(),
            title: h.title.clone(),
            subtitle: h.subtitle.clone().unwrap_or_default(),
            start: h.start.clone(),
            content_note: compile::texts(cx, hfile, "content_note", &h.content_note, &names),
            afterword: compile::texts(cx, hfile, "afterword", &h.afterword, &names),
            credits: compile::texts(cx, hfile, "credits", &h.credits, &names),
            variables: decls.variables,
            endings,
            scenes,
            files: cx.files.iter().map(|f| f.path.clone()).collect(),
            content_hash: super::load::content_hash(cx.files),
            scene_index,
            var_index: decls.var_index,
        }
    });
    if let Some(story) = &story {
        lint::run(cx, story);
    }
    if cx.suppressed > 0 {
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
    story
}
