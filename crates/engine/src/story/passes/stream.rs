//! Passes 2–5 file by file: each chapter's scenes are compiled as soon as the chapter is
//! parsed, and its parse is dropped, instead of every file's parse being held until the
//! whole story is indexed (issue 16: that parse was the largest thing a load held, and
//! the next file's parse now reuses its memory while it is still in the caches).
//!
//! A scene may use names declared in any file, so this is a speculation, checked before
//! it is kept, and the passes' results are exactly those of the classic order
//! ([`super::run`]: parse all, declare, index, compile), diagnostics included:
//!
//! - the header is parsed first (a file whose text opens with `Story`), and its
//!   variables, endings and named effects and conditions are the names scenes compile
//!   against while files stream in; a chapter that declares any of its own stops the
//!   speculation (its scenes and every later one are held, as before, and compiled at
//!   the end against every name);
//! - each chapter's scene ids are indexed before its scenes compile; a scene leading to
//!   a scene not indexed yet (a later file's) is held, its parse kept, and compiled at
//!   the end;
//! - a compile that looked up any name and found nothing ([`Names::missed`]) might read
//!   differently once every file is in, and so might anything when a file fails to
//!   parse, a scene id repeats or the scene limit is passed: then everything done here
//!   is dropped and the classic passes run from the start;
//! - at the end the declarations of every file are checked as the classic passes check
//!   them, and the names a scene compiled against must be among them, unchanged.
//!
//! Diagnostics of the scenes compiled early are put back in scene order, so pass order
//! is the classic one.
//!
//! The files are parsed on two threads ([`Prefetch`]): a second thread parses ahead, in
//! the order this pass takes them, and this one parses the next file nobody has taken
//! whenever it would otherwise wait, so the compile of one chapter and the parse of
//! the next overlap; the pass still takes each parse in turn, so nothing it does
//! depends on which thread parsed what.
//!
//! Giving up costs the files parsed until then, parsed again: at most one more parse of
//! the story, and usually far less, as the first missing name tends to come early. What
//! counts as missing is conservative: a name asked for as a variable and not found is
//! one even when it is an enumeration's bare value or a named condition, so stories
//! using those load in the classic order (as fast as before, without the memory this
//! saves).

use std::borrow::Cow;
use std::collections::HashSet;

use super::super::diag::Diagnostic;
use super::super::expr::Type;
use super::super::model::{RETURN, Scene, Story};
use super::super::named::Named;
use super::super::raw::{RawChapter, RawFile, RawScene};
use super::compile::{self, Names};
use super::context::{Ctx, Salvage};
use super::index::SceneIndex;
use super::prefetch::{Prefetch, Shelf};
use super::{chapters, declare, final_names, incremental};

/// The header's variables (name, type, enumeration values) and endings.
type Declared = (Vec<(String, Type, Vec<String>)>, Vec<String>);

/// What [`super::run`] gives: the story (when there is a header) and what an
/// incremental reload keeps.
pub(super) struct Done(pub Option<(Story, Option<incremental::Kept>)>);

/// The classic passes' result, or `None` when they must run instead (see the module's
/// header). Run after the read pass.
pub(super) fn run(cx: &mut Ctx<'_>) -> Option<Done> {
    if !cx.stream || cx.unloaded > 0 || cx.opaque || !cx.diags.is_empty() {
        return None;
    }
    let done = attempt(cx);
    if done.is_none() {
        // Nothing of the attempt may show in the classic run.
        cx.diags.clear();
        cx.suppressed = 0;
        cx.uses_unknown = false;
        cx.headless = false;
        cx.salvage = Salvage::default();
        cx.cond_memo.clear();
        cx.effect_memo.clear();
    }
    done
}

/// A scene held for the end: its position among all scenes (from 1), its file, its
/// parse.
struct Held {
    seq: usize,
    file: usize,
    scene: RawScene,
}

/// [`attempt_in_order`], the files parsed ahead on a second thread (see
/// [`Prefetch`]) in the order it takes them: headers first, then the rest in file
/// order (so scenes are met in file order).
fn attempt(cx: &mut Ctx<'_>) -> Option<Done> {
    let mut order: Vec<usize> = (0..cx.files.len())
        .filter(|&i| cx.sources.has_text(i))
        .collect();
    order.sort_by_key(|&i| !cx.sources.text(i).is_some_and(opens_with_header));
    let header_first = order
        .first()
        .is_some_and(|&i| cx.sources.text(i).is_some_and(opens_with_header));
    let texts: Vec<_> = order
        .iter()
        .filter_map(|&i| Some((i, cx.sources.for_parser(i)?)))
        .collect();
    if texts.len() != order.len() {
        return None;
    }
    let shelf = Shelf::new(texts);
    std::thread::scope(|scope| {
        let mut files = Prefetch::start(scope, &shelf);
        attempt_in_order(cx, order, header_first, &mut files)
    })
}

#[allow(clippy::too_many_lines)] // one pass over the files; its steps share its state
fn attempt_in_order(
    cx: &mut Ctx<'_>,
    order: Vec<usize>,
    header_first: bool,
    files: &mut Prefetch<'_, '_>,
) -> Option<Done> {
    let mut parse = |cx: &mut Ctx<'_>, i: usize| {
        let parsed = files.next(i)?;
        // The parse holds all the passes need: a file the loader owns is let go.
        cx.sources.release(i);
        Some(parsed)
    };
    let mut order = order.into_iter().peekable();

    let no_salvage = Salvage::default();
    // The header, parsed first when it can be told from its first word.
    let header = match order.peek() {
        Some(&i) if header_first => {
            order.next();
            match parse(cx, i)? {
                f @ RawFile::Story(_) => Some((i, f)),
                RawFile::Chapter(_) => return None,
            }
        }
        _ => None,
    };
    // The file after the header, parsed now: when it declares names of its own (as
    // every chapter of the shipped story does), nothing will compile early, and the
    // header's names are not worked out twice.
    let next = order.next();
    let mut pending = match next {
        Some(i) => Some(parse(cx, i)?),
        None => None,
    };
    let next_declares = matches!(&pending, Some(RawFile::Chapter(c)) if declares(c));
    let header_slice = header.as_slice();
    // The names scenes compile against while files stream in: the header's alone.
    let early = header.as_ref().filter(|_| !next_declares).map(|_| {
        let mark = cx.diags.len();
        let decls = declare::declare(cx, header_slice);
        let declared = (
            decls
                .variables
                .iter()
                .map(|v| (v.name.clone(), v.ty, v.values.clone()))
                .collect::<Vec<_>>(),
            decls
                .endings
                .iter()
                .map(|(_, e)| e.id.clone())
                .collect::<Vec<_>>(),
        );
        let empty = SceneIndex::new();
        let mut names = final_names(cx, header_slice, &decls, &empty, &no_salvage);
        // Declared cleanly, or not used early at all.
        let clean = cx.diags.len() == mark;
        cx.diags.truncate(mark);
        let named = std::mem::take(&mut names.named);
        (declared, named, clean)
    });
    let mut speculate = early.as_ref().is_some_and(|(_, _, clean)| *clean);
    let (declared, early_named): (Declared, Named) = match early {
        Some((declared, named, _)) => (declared, named),
        None => Default::default(),
    };
    let mut names = Names::new(
        declared.0.iter().map(|(n, ty, _)| (n.clone(), *ty)),
        Cow::Owned(SceneIndex::new()),
        declared.1.iter().map(String::as_str),
        &no_salvage,
    );
    names.enums = declared
        .0
        .iter()
        .filter_map(|(_, ty, values)| match ty {
            Type::Enum(id) => Some((*id, values.clone())),
            _ => None,
        })
        .collect();
    names.named = early_named;
    names.forget_missed();

    let mut parsed: Vec<(usize, RawFile)> = Vec::with_capacity(cx.files.len());
    let mut held: Vec<Held> = Vec::new();
    let mut slots: Vec<Option<Scene>> = Vec::new();
    // Diagnostics of scenes compiled early, by scene.
    let mut early_diags: Vec<(usize, Vec<Diagnostic>)> = Vec::new();
    let mut seq = 0usize;
    // Whether any scene compiled against the header's names alone.
    let mut compiled_early = false;
    for i in next.into_iter().chain(order) {
        let mut file = match pending.take() {
            Some(file) => file,
            None => parse(cx, i)?,
        };
        let body = match &mut file {
            RawFile::Chapter(c) => std::mem::take(&mut c.scenes),
            RawFile::Story(_) => {
                parsed.push((i, file));
                continue;
            }
        };
        file.shrink();
        let RawFile::Chapter(c) = &file else {
            return None;
        };
        speculate &= !declares(c);
        let first = seq + 1;
        for s in &body {
            seq += 1;
            if names.knows_scene(&s.id) || seq > cx.limits.scenes {
                // Reported by the index pass, which the classic order runs.
                return None;
            }
            names.add_scene(s.id.clone(), (i, seq));
        }
        slots.resize_with(seq, || None);
        for (k, s) in body.into_iter().enumerate() {
            let seq = first + k;
            if !(speculate && leads_to_known(&s, &names)) {
                let mut scene = s;
                scene.shrink();
                held.push(Held {
                    seq,
                    file: i,
                    scene,
                });
                continue;
            }
            let mark = cx.diags.len();
            let compiled = compile::compile_scene(cx, i, c, s, &names);
            if names.missed() {
                return None;
            }
            if cx.diags.len() > mark {
                early_diags.push((seq, cx.diags.split_off(mark)));
            }
            slots[seq - 1] = Some(compiled);
            compiled_early = true;
        }
        parsed.push((i, file));
    }
    let scene_map = names.take_scenes();
    let early_named = std::mem::take(&mut names.named);
    drop(names);
    if let Some(h) = header {
        parsed.push(h);
    }
    parsed.sort_by_key(|(i, _)| *i);

    // The classic passes from here, over what was parsed; the index was built above.
    let decls = declare::declare(cx, &parsed);
    let salvage = std::mem::take(&mut cx.salvage);
    let mut names = final_names(cx, &parsed, &decls, &scene_map, &salvage);
    if compiled_early && !same_names(&declared, &early_named, &decls, &names) {
        return None;
    }
    let chapters = chapters(&parsed);
    let compiled_from = cx.diags.len();
    for h in held {
        let Ok(at) = chapters.binary_search_by_key(&h.file, |(i, _)| *i) else {
            return None;
        };
        let mark = cx.diags.len();
        let compiled = compile::compile_scene(cx, h.file, chapters[at].1, h.scene, &names);
        if cx.diags.len() > mark {
            early_diags.push((h.seq, cx.diags.split_off(mark)));
        }
        slots[h.seq - 1] = Some(compiled);
    }
    early_diags.sort_by_key(|(seq, _)| *seq);
    cx.diags
        .extend(early_diags.into_iter().flat_map(|(_, d)| d));
    // `filter_map` (unlike `flatten`) collects in place: the slots' memory becomes the
    // scene list's, with no second list of every scene beside it.
    #[allow(clippy::filter_map_identity)]
    let mut scenes: Vec<Scene> = slots.into_iter().filter_map(|s| s).collect();
    scenes.shrink_to_fit();
    let (story, compiled_to) = super::after_compile(cx, &chapters, decls, scenes, &names);
    let named = std::mem::take(&mut names.named);
    drop(names);
    drop(chapters);
    let kept = super::keeping(cx, parsed, scene_map, named);
    Some(Done(super::judge(
        cx,
        story,
        kept,
        compiled_from..compiled_to,
    )))
}

/// Whether a file's first word, after blanks and comments, is `Story`: the header,
/// parsed first. A wrong guess costs only the speculation.
fn opens_with_header(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    rest.strip_prefix("Story")
        .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// Whether a chapter declares names of its own (which scenes before it may use).
fn declares(c: &RawChapter) -> bool {
    !(c.variables.is_empty()
        && c.endings.is_empty()
        && c.effects.is_empty()
        && c.conditions.is_empty())
}

/// Whether every scene a scene may lead to is indexed already.
fn leads_to_known(s: &RawScene, names: &Names<'_>) -> bool {
    let known = |id: &str| id == RETURN || names.knows_scene(id);
    let choices = s.choices.iter().flatten().all(|c| {
        known(&c.goto)
            && c.detour.as_deref().is_none_or(known)
            && c.chance.as_ref().is_none_or(|ch| known(&ch.goto))
    });
    let routes = s
        .routes
        .iter()
        .flatten()
        .all(|r| known(&r.goto) && r.detour.as_deref().is_none_or(known));
    choices && routes && s.next.as_deref().is_none_or(known)
}

/// Whether every name the early compiles could use (the header's variables, their
/// types and values, its endings, named effects and conditions) stands unchanged among
/// the names of the whole story.
fn same_names(
    declared: &Declared,
    early_named: &Named,
    decls: &declare::Declarations<'_>,
    names: &Names<'_>,
) -> bool {
    let vars = declared.0.iter().all(|(name, ty, values)| {
        decls.var_index.get(name).is_some_and(|&k| {
            let v = &decls.variables[k];
            v.ty == *ty && v.values == *values
        })
    });
    let all: HashSet<&str> = decls.endings.iter().map(|(_, e)| e.id.as_str()).collect();
    let endings = declared.1.iter().all(|id| all.contains(id.as_str()));
    vars && endings && early_named.within(&names.named)
}
