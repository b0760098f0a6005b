//! Detours (`detour:` on a choice or route, left by `goto: "<return>"`), checked over
//! the whole compiled story, extensions included: a return the player can meet outside
//! any detour (E0601), a detour that can re-enter itself before it returns (E0602), and
//! detours that can nest deeper than the engine's bound (E0603).
//!
//! All three are questions about one graph over the scenes, whose edges are the steps
//! a player can take *without returning*: a `goto` (for a step that takes a detour,
//! its `goto` is where play goes on after the return), and a detour edge from the scene
//! that takes a detour to the detour's scene. A return has no edge: it leaves the
//! stretch of play the graph describes. Then, along any path, the detours open are the
//! detour edges taken, so
//!
//! - a scene reachable from the start by `goto` edges alone is played outside any
//!   detour, and a `<return>` there has nowhere to go;
//! - a cycle through a detour edge is a detour that can be taken again before it
//!   returned — the return stack would grow without bound;
//! - without such cycles, the most detour edges on any path is how deep detours nest.
//!
//! The check is static, like the other passes: conditions are not evaluated (a return
//! behind a condition that never holds outside a detour is still reported; `butterfly
//! verify` decides such questions exactly). Linear in scenes and steps.

use std::collections::HashMap;

use super::super::diag::Diagnostic;
use super::super::graph::{Graph, NONE};
use super::super::model::{Exit, RETURN, Scene, Story};
use super::super::site::Site;
use super::context::Ctx;
use crate::limits::MAX_DETOUR_DEPTH;

/// One way on from a scene: where it leads. Chances count as steps of their own.
struct Way<'s> {
    goto: &'s str,
    /// The file it was written in (an extension's choice comes from another file).
    file: usize,
}

fn ways(s: &Scene) -> Vec<Way<'_>> {
    let mut out = Vec::new();
    match &s.exit {
        Exit::Choices(cs) => {
            for c in cs {
                let file = c.origin.file();
                out.push(Way {
                    goto: &c.goto,
                    file,
                });
                if let Some(ch) = c.chance() {
                    out.push(Way {
                        goto: &ch.goto,
                        file,
                    });
                }
            }
        }
        Exit::Routes(rs) => out.extend(rs.iter().map(|r| Way {
            goto: &r.goto,
            file: s.origin.file(),
        })),
        Exit::Ending(_) => {}
    }
    out
}

/// The graph described above, by scene position: `(to, is_detour, way's file)`, from
/// the story's steps resolved once ([`Graph`]). A chance is a way of its own, taking
/// its choice's detour too.
fn graph(story: &Story, g: &Graph) -> Vec<Vec<(usize, bool, usize)>> {
    (0..g.len())
        .map(|i| {
            let mut edges = Vec::new();
            let s = &story.scenes[i];
            for (k, step) in g.steps(i).iter().enumerate() {
                // Step `k` is choice `k` (which may come from another file), or route `k`.
                let file = s
                    .choices()
                    .get(k)
                    .map_or(s.origin.file(), |c| c.origin.file());
                let mut way = |goto: u32| {
                    if goto != NONE {
                        edges.push((goto as usize, false, file));
                    }
                    if step.detour != NONE {
                        edges.push((step.detour as usize, true, file));
                    }
                };
                way(step.goto);
                if step.has_chance {
                    way(step.chance);
                }
            }
            edges
        })
        .collect()
}

/// Whether any scene of `story` takes a detour or returns from one: without, there is
/// nothing for [`check`] to look at.
pub(super) fn used(story: &Story) -> bool {
    story.scenes.iter().any(uses_detours)
}

/// Reports every detour problem of `story` (`g`: its steps, resolved), which
/// [`used`] detours.
pub(super) fn check(cx: &mut Ctx<'_>, story: &Story, g: &Graph) {
    let graph = graph(story, g);
    returns_outside_detours(cx, story, g.start, &graph);
    if !detours_that_reenter(cx, story, &graph) {
        too_deep(cx, story, &graph);
    }
}

/// Whether a scene takes a detour or returns from one (looked at in place: every
/// scene of every story passes here).
fn uses_detours(s: &Scene) -> bool {
    match &s.exit {
        Exit::Choices(cs) => cs.iter().any(|c| {
            c.detour().is_some()
                || c.goto == RETURN
                || c.chance().is_some_and(|ch| ch.goto == RETURN)
        }),
        Exit::Routes(rs) => rs.iter().any(|r| r.detour.is_some() || r.goto == RETURN),
        Exit::Ending(_) => false,
    }
}

/// E0601: a `<return>` in a scene the start reaches without taking a detour.
fn returns_outside_detours(
    cx: &mut Ctx<'_>,
    story: &Story,
    start: Option<usize>,
    graph: &[Vec<(usize, bool, usize)>],
) {
    let Some(start) = start else {
        return;
    };
    let mut outside = vec![false; story.scenes.len()];
    // How each scene was first reached, to show a way in.
    let mut from = vec![usize::MAX; story.scenes.len()];
    outside[start] = true;
    let mut stack = vec![start];
    while let Some(i) = stack.pop() {
        for &(j, is_detour, _) in &graph[i] {
            if !is_detour && !outside[j] {
                outside[j] = true;
                from[j] = i;
                stack.push(j);
            }
        }
    }
    for (i, s) in story.scenes.iter().enumerate() {
        if !outside[i] {
            continue;
        }
        let Some(way) = ways(s).into_iter().find(|w| w.goto == RETURN) else {
            continue;
        };
        let mut trail = vec![s.id.as_str()];
        let mut at = i;
        while from[at] != usize::MAX && trail.len() < 6 {
            at = from[at];
            trail.push(&story.scenes[at].id);
        }
        if from[at] != usize::MAX {
            trail.push("…");
        }
        trail.reverse();
        let d = Diagnostic::error(
            "E0601",
            format!(
                "scene `{}` returns from a detour, but the player can reach it without taking one",
                s.id
            ),
        )
        .with_hint(format!(
            "reached from the start by `goto` alone ({}); enter it only through a `detour:`, or lead on with a scene id instead of `{RETURN}`",
            trail.join(" → ")
        ));
        cx.report(d, &Site::inside(way.file, &s.id, None, RETURN));
    }
}

/// Strongly connected components (Kosaraju, iterative): the component of each scene.
fn components(graph: &[Vec<(usize, bool, usize)>]) -> Vec<usize> {
    let n = graph.len();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for root in 0..n {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some((i, next)) = stack.last_mut() {
            if let Some(&(j, _, _)) = graph[*i].get(*next) {
                *next += 1;
                if !seen[j] {
                    seen[j] = true;
                    stack.push((j, 0));
                }
            } else {
                order.push(*i);
                stack.pop();
            }
        }
    }
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, edges) in graph.iter().enumerate() {
        for &(j, _, _) in edges {
            reverse[j].push(i);
        }
    }
    let mut comp = vec![usize::MAX; n];
    let mut count = 0;
    for &root in order.iter().rev() {
        if comp[root] != usize::MAX {
            continue;
        }
        comp[root] = count;
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            for &j in &reverse[i] {
                if comp[j] == usize::MAX {
                    comp[j] = count;
                    stack.push(j);
                }
            }
        }
        count += 1;
    }
    comp
}

/// E0602: a detour edge inside a cycle. Returns whether any was found.
fn detours_that_reenter(
    cx: &mut Ctx<'_>,
    story: &Story,
    graph: &[Vec<(usize, bool, usize)>],
) -> bool {
    let comp = components(graph);
    let mut found = false;
    // One report per detour scene, however many choices take it.
    let mut reported = vec![false; graph.len()];
    for (i, edges) in graph.iter().enumerate() {
        for &(j, is_detour, file) in edges {
            if !is_detour || comp[i] != comp[j] || reported[j] {
                continue;
            }
            reported[j] = true;
            found = true;
            let cycle = cycle_back(story, graph, &comp, j, i);
            let d = Diagnostic::error(
                "E0602",
                format!(
                    "the detour to `{}` can be taken again before it returns",
                    story.scenes[j].id
                ),
            )
            .with_hint(format!(
                "{cycle}: each time round, one more return would wait to be made; lead the detour's scenes to `{RETURN}` before they can reach `{}` again",
                story.scenes[i].id
            ));
            cx.report(
                d,
                &Site::inside(
                    file,
                    &story.scenes[i].id,
                    Some("detour"),
                    &story.scenes[j].id,
                ),
            );
        }
    }
    found
}

/// The cycle, written out from `from` (the scene taking the detour) through `to` (the
/// detour's scene) and back, each detour taken on the way marked.
fn cycle_back(
    story: &Story,
    graph: &[Vec<(usize, bool, usize)>],
    comp: &[usize],
    to: usize,
    from: usize,
) -> String {
    // Breadth-first inside the component: a shortest way round.
    let mut prev: HashMap<usize, (usize, bool)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([to]);
    while let Some(i) = queue.pop_front() {
        if i == from {
            break;
        }
        for &(j, is_detour, _) in &graph[i] {
            if comp[j] == comp[to] && j != to && !prev.contains_key(&j) {
                prev.insert(j, (i, is_detour));
                queue.push_back(j);
            }
        }
    }
    let name = |i: usize| format!("`{}`", story.scenes[i].id);
    // Walk back from `from` to `to` (the component guarantees a way).
    let mut back = vec![name(from)];
    let mut at = from;
    while at != to {
        let Some(&(p, is_detour)) = prev.get(&at) else {
            break;
        };
        back.push(if is_detour { " -detour→ " } else { " → " }.to_owned());
        back.push(name(p));
        at = p;
    }
    back.push(" -detour→ ".to_owned());
    back.push(name(from));
    back.reverse();
    back.concat()
}

/// E0603: more than [`MAX_DETOUR_DEPTH`] detour edges on one path (the graph has no
/// cycle through a detour edge, so within a component none are taken).
fn too_deep(cx: &mut Ctx<'_>, story: &Story, graph: &[Vec<(usize, bool, usize)>]) {
    let comp = components(graph);
    let count = comp.iter().copied().max().map_or(0, |m| m + 1);
    // Kosaraju numbers components in topological order: every edge goes from a
    // component to itself or a later one. Deepest nesting from each component on.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in comp.iter().enumerate() {
        members[c].push(i);
    }
    let mut depth = vec![0usize; count];
    let mut deepest: Option<(usize, usize, usize, usize)> = None;
    for c in (0..count).rev() {
        for &i in &members[c] {
            for &(j, is_detour, file) in &graph[i] {
                if comp[j] == c {
                    continue;
                }
                let d = depth[comp[j]] + usize::from(is_detour);
                if d > depth[c] {
                    depth[c] = d;
                    if is_detour && deepest.is_none_or(|(best, ..)| d > best) {
                        deepest = Some((d, i, j, file));
                    }
                }
            }
        }
    }
    if let Some((d, i, j, file)) = deepest
        && d > MAX_DETOUR_DEPTH
    {
        let diag = Diagnostic::error(
            "E0603",
            format!("detours can nest {d} deep here; the limit is {MAX_DETOUR_DEPTH}"),
        )
        .with_hint(format!(
            "from the detour to `{}` on, each detour's scenes take another before returning: return from some of them first",
            story.scenes[j].id
        ));
        cx.report(
            diag,
            &Site::inside(
                file,
                &story.scenes[i].id,
                Some("detour"),
                &story.scenes[j].id,
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Ctx, run};
    use crate::story::SourceFile;
    use crate::story::model::Story;
    use crate::verify::{Options, verify};

    /// A one-chapter story whose start is `hall` and whose one ending is `end`, compiled
    /// even if `check` refuses it, with the codes of what it reported.
    fn compiled(chapter: &[u8]) -> (Story, Vec<&'static str>) {
        let files = [
            SourceFile {
                path: "h.ron".into(),
                bytes: br#"Story(id: "d", title: "D", start: "hall", endings: [Ending(id: "end", title: "End")])"#.to_vec(),
            },
            SourceFile {
                path: "c.ron".into(),
                bytes: chapter.to_vec(),
            },
        ];
        let mut cx = Ctx::new(&files);
        let (story, _) = run(&mut cx).expect("a header, so a story");
        let codes = cx.diags.iter().map(|d| d.code).collect();
        (story, codes)
    }

    /// A story `check` refuses (E0602), compiled anyway: the engine still stops the
    /// return stack at its bound instead of letting it grow.
    #[test]
    fn the_engine_refuses_a_detour_past_the_bound() {
        let (story, codes) = compiled(
            br#"Chapter(title: "T", date: "Day", place: "Here", scenes: [
                    Scene(id: "hall", text: ["Hall."], choices: [
                        Choice(id: "again", label: "Again", detour: "hall", goto: "out"),
                        Choice(id: "out", label: "Out", goto: "out"),
                    ]),
                    Scene(id: "out", text: ["Out."], ending: "end"),
                ])"#,
        );
        assert_eq!(codes, ["E0602"]);
        let (mut state, _) = crate::engine::start(&story, 1).unwrap();
        for _ in 0..crate::limits::MAX_DETOUR_DEPTH {
            crate::engine::choose(&story, &mut state, "again").unwrap();
        }
        assert_eq!(state.returns.len(), crate::limits::MAX_DETOUR_DEPTH);
        let before = state.clone();
        let err = crate::engine::choose(&story, &mut state, "again").unwrap_err();
        assert_eq!(
            err,
            crate::engine::EngineError::DetourTooDeep("hall".to_owned())
        );
        assert_eq!(state, before);
    }

    /// A story `check` refuses (E0601), compiled anyway: `verify` must still report
    /// the return with nowhere to go as a stuck state, not panic or pass it.
    #[test]
    fn verify_reports_a_return_with_nowhere_to_go_as_stuck() {
        let (story, codes) = compiled(
            br#"Chapter(title: "T", date: "Day", place: "Here", scenes: [
                    Scene(id: "hall", text: ["Hall."], choices: [
                        Choice(id: "back", label: "Back", goto: "<return>"),
                        Choice(id: "out", label: "Out", goto: "out"),
                    ]),
                    Scene(id: "out", text: ["Out."], ending: "end"),
                ])"#,
        );
        assert_eq!(codes, ["E0601"]);
        let report = verify(&story, &Options::default()).unwrap();
        assert!(!report.is_clean());
        let stuck: Vec<_> = report
            .stuck
            .iter()
            .map(|t| (&*t.scene, &*t.reason))
            .collect();
        assert_eq!(
            stuck,
            [(
                "hall",
                "`back`: scene `hall` returns from a detour, but no detour was taken"
            )]
        );
    }
}
