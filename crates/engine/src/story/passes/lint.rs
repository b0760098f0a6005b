//! Pass 7, lint: whole-story warnings that need the finished graph — reachability,
//! endings, variable use.
//!
//! Each lint is one small function returning findings; `lint` runs them all. They also
//! run on a story with errors, over what did compile: an id that does not resolve is
//! simply not followed. When files failed to load, reachability is marked partial.

use std::collections::HashSet;

use super::super::diag::Diagnostic;
use super::super::model::{Exit, Story};
use super::super::site::Site;
use super::context::Ctx;

/// A problem and where to point at it.
pub type Finding = (Diagnostic, Site);

/// Runs every lint on a clean story.
#[must_use]
pub fn lint(story: &Story) -> Vec<Finding> {
    let reachable = reachable(story);
    let mut out = Vec::new();
    out.extend(unreachable_scenes(story, &reachable));
    out.extend(unreached_endings(story, &reachable));
    out.extend(unused_variables(story));
    out.extend(disabled_without_condition(story));
    out.extend(junction_loops(story));
    out.extend(choices_that_change_nothing(story));
    out
}

/// Runs the lints the loader was asked for, over a story that may have errors.
pub(crate) fn run(cx: &mut Ctx<'_>, story: &Story) {
    if !cx.lints {
        return;
    }
    let mut out = Vec::new();
    // Without a start there is nothing to be reachable from: every scene would be
    // reported, an echo of the start's own error.
    if story.scene_index.contains_key(&story.start) {
        let reachable = reachable(story);
        let mut graph = unreachable_scenes(story, &reachable);
        graph.extend(unreached_endings(story, &reachable));
        if cx.unloaded > 0 {
            let note = format!(
                " (partial: {} file(s) did not load, and a path may pass through them)",
                cx.unloaded
            );
            for (d, _) in &mut graph {
                d.hint = Some(format!("{}{note}", d.hint.take().unwrap_or_default()));
            }
        }
        out.extend(graph);
    }
    // A variable read only by content that did not compile (or did not load) would be
    // called unread, and two choices whose effects failed would look alike: skip these
    // lints until everything compiles.
    if !cx.uses_unknown && cx.unloaded == 0 {
        out.extend(unused_variables(story));
        out.extend(choices_that_change_nothing(story));
    }
    out.extend(disabled_without_condition(story));
    out.extend(junction_loops(story));
    for (d, site) in out {
        cx.report(d, &site);
    }
}

/// Junctions (scenes with routes and no text) that lead only into each other would
/// spin without ever asking the player anything.
fn junction_loops(story: &Story) -> Vec<Finding> {
    // 0 = unvisited, 1 = on the current walk, 2 = done.
    let mut mark = vec![0u8; story.scenes.len()];
    let mut out = Vec::new();
    for start in 0..story.scenes.len() {
        if mark[start] != 0 || !story.scenes[start].is_junction() {
            continue;
        }
        // Each frame keeps its junction's targets, listed once: listing them again at
        // every step would be quadratic in a junction's routes.
        let junction_targets = |i: usize| -> Vec<usize> {
            story.scenes[i]
                .targets()
                .filter_map(|(t, _)| story.scene_index.get(t).copied())
                .filter(|&j| story.scenes[j].is_junction())
                .collect()
        };
        let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(start, junction_targets(start), 0)];
        mark[start] = 1;
        while let Some((i, targets, next)) = stack.last_mut() {
            let i = *i;
            if let Some(&j) = targets.get(*next) {
                *next += 1;
                match mark[j] {
                    0 => {
                        mark[j] = 1;
                        stack.push((j, junction_targets(j), 0));
                    }
                    1 => {
                        let s = &story.scenes[j];
                        out.push((
                            Diagnostic::warning(
                                "W0406",
                                format!("junction `{}` can lead back to itself through routes alone", s.id),
                            )
                            .with_hint("a loop of junctions never stops to show text or ask a choice; route one of them to a scene with text"),
                            Site::scene(s.origin.file, &s.id),
                        ));
                    }
                    _ => {}
                }
            } else {
                mark[i] = 2;
                stack.pop();
            }
        }
    }
    out
}

/// Scene indices reachable from the start, ignoring conditions.
#[must_use]
pub fn reachable(story: &Story) -> Vec<bool> {
    let mut seen = vec![false; story.scenes.len()];
    let Some(&start) = story.scene_index.get(&story.start) else {
        return seen;
    };
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(i) = stack.pop() {
        for (target, _) in story.scenes[i].targets() {
            if let Some(&j) = story.scene_index.get(target)
                && !seen[j]
            {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    seen
}

fn unreachable_scenes(story: &Story, reachable: &[bool]) -> Vec<Finding> {
    story
        .scenes
        .iter()
        .zip(reachable)
        .filter(|(_, r)| !**r)
        .map(|(s, _)| {
            (
                Diagnostic::warning("W0401", format!("scene `{}` cannot be reached from the start", s.id))
                    .with_hint("lead a choice, `next` or route to it (or `extend` a scene that can be reached), or delete it"),
                Site::scene(s.origin.file, &s.id),
            )
        })
        .collect()
}

fn unreached_endings(story: &Story, reachable: &[bool]) -> Vec<Finding> {
    let reached: HashSet<&str> = story
        .scenes
        .iter()
        .zip(reachable)
        .filter_map(|(s, r)| match &s.exit {
            Exit::Ending(e) if *r => Some(e.as_str()),
            _ => None,
        })
        .collect();
    story
        .endings
        .iter()
        .filter(|e| !reached.contains(e.id.as_str()))
        .map(|e| {
            let file = e.origin.file;
            (
                Diagnostic::warning(
                    "W0402",
                    format!("no path reaches ending `{}`", e.id.escape_debug()),
                )
                .with_hint("end a reachable scene with `ending: \"...\"` naming it"),
                Site::literal(file, Some("id"), &e.id),
            )
        })
        .collect()
}

fn unused_variables(story: &Story) -> Vec<Finding> {
    // By position among the variables: one lookup per use, no set of names to hash into.
    let mut read = vec![false; story.variables.len()];
    let mut written = vec![false; story.variables.len()];
    let mut note_read = |name: &str| {
        if let Some(&i) = story.var_index.get(name) {
            read[i] = true;
        }
    };
    for s in &story.scenes {
        for t in &s.text {
            t.for_each_var(&mut note_read);
        }
        let mut effects: Vec<&super::super::expr::Effect> = s.on_enter.iter().collect();
        for c in s.choices() {
            c.label.for_each_var(&mut note_read);
            if let Some(w) = &c.when {
                w.for_each_var(&mut note_read);
            }
            effects.extend(&c.effects);
            if let Some(ch) = &c.chance {
                effects.extend(&ch.effects);
            }
        }
        if let Exit::Routes(rs) = &s.exit {
            for r in rs {
                if let Some(w) = &r.when {
                    w.for_each_var(&mut note_read);
                }
            }
        }
        for e in effects {
            if let Some(g) = &e.guard {
                g.for_each_var(&mut note_read);
            }
            e.value.for_each_var(&mut note_read);
            if let Some(&i) = story.var_index.get(&*e.target) {
                written[i] = true;
            }
        }
    }
    for t in story.endings.iter().flat_map(|e| &e.epilogue) {
        t.for_each_var(&mut note_read);
    }
    let mut out = Vec::new();
    for (i, v) in story.variables.iter().enumerate() {
        let site = Site::literal(v.origin.file, Some("name"), &v.name);
        let name = v.name.as_str();
        let finding = match (written[i], read[i]) {
            (true, true) => continue,
            (false, false) => {
                Diagnostic::warning("W0407", format!("variable `{name}` is never used"))
                    .with_hint("nothing reads or writes it: use it or delete it")
            }
            (false, true) => {
                Diagnostic::warning("W0403", format!("variable `{name}` is never changed"))
                    .with_hint(
                        "no effect writes it, so it keeps its initial value; write it or delete it",
                    )
            }
            (true, false) => Diagnostic::warning(
                "W0404",
                format!("variable `{name}` is written but never read"),
            )
            .with_hint("no condition or text uses it, so changing it has no effect"),
        };
        out.push((finding, site));
    }
    out
}

/// Two choices of one menu that lead to the same scene with the same effects (and
/// the same chance): whichever the player picks, the story goes on identically.
/// Only choices offered under the same condition count: two with different `when`s
/// may never be on screen together.
fn choices_that_change_nothing(story: &Story) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &story.scenes {
        let Exit::Choices(list) = &s.exit else {
            continue;
        };
        // The scene's own choices come first, in file order; extensions follow.
        let mut own = 0;
        for (k, c) in list.iter().enumerate() {
            let site = if c.origin.file == s.origin.file {
                own += 1;
                Site::scene(s.origin.file, &s.id)
                    .item("Choice", own - 1)
                    .at(Some("goto"), &c.goto)
            } else {
                Site::literal(c.origin.file, None, &c.id)
            };
            let same = list[..k].iter().find(|b| {
                b.goto == c.goto
                    && b.detour == c.detour
                    && b.effects == c.effects
                    && b.chance == c.chance
                    && b.when == c.when
            });
            if let Some(b) = same {
                out.push((
                    Diagnostic::warning(
                        "W0408",
                        format!(
                            "choices `{}` and `{}` of scene `{}` lead to the same scene with the same effects",
                            b.id.escape_debug(),
                            c.id.escape_debug(),
                            s.id
                        ),
                    )
                    .with_hint("whichever the player picks, the story goes on the same way: give one an effect that is read later, or another scene"),
                    site,
                ));
            }
        }
    }
    out
}

fn disabled_without_condition(story: &Story) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &story.scenes {
        for c in s.choices() {
            if c.disabled.is_some() && c.when_source.is_none() {
                out.push((
                    Diagnostic::warning(
                        "W0405",
                        format!(
                            "choice `{}` has a `disabled` reason but no `when`",
                            c.id.escape_debug()
                        ),
                    )
                    .with_hint(
                        "`disabled` explains why a `when` condition fails; add the condition",
                    ),
                    Site::inside(c.origin.file, &s.id, Some("goto"), &c.goto),
                ));
            }
        }
    }
    out
}
