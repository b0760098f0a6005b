//! Where each detour's returns lead, for drawing them: a return edge from every scene
//! that leaves a detour (`goto: "<return>"`) to where play goes on after it.
//!
//! A detour's scenes are the ones its scene reaches without returning (a nested detour
//! counts through the `goto` it returns to). A return in them goes to the `goto` of the
//! step that took the detour; when that `goto` is itself `<return>`, it goes on to
//! where the enclosing detours return. Static, like the graph: conditions are ignored.

use std::collections::{BTreeSet, HashMap};

use crate::story::model::{Exit, RETURN, Scene, Story};

/// `(goto, detour)` of every step of a scene (a chance's `goto` as a step of its own).
fn steps(s: &Scene) -> Vec<(&str, Option<&str>)> {
    match &s.exit {
        Exit::Choices(cs) => cs
            .iter()
            .flat_map(|c| {
                let d = c.detour.as_deref();
                std::iter::once((c.goto.as_str(), d))
                    .chain(c.chance.as_ref().map(|ch| (ch.goto.as_str(), d)))
            })
            .collect(),
        Exit::Routes(rs) => rs
            .iter()
            .map(|r| (r.goto.as_str(), r.detour.as_deref()))
            .collect(),
        Exit::Ending(_) => Vec::new(),
    }
}

/// `(from, to)` scene positions of every return edge, without repeats.
pub(super) fn edges(story: &Story) -> Vec<(usize, usize)> {
    let at = |id: &str| story.scene_position(id);
    // Every detour taken: (scene taking it, detour scene, goto).
    let mut taken: Vec<(usize, usize, &str)> = Vec::new();
    for (i, s) in story.scenes.iter().enumerate() {
        for (goto, d) in steps(s) {
            if let Some(t) = d.and_then(at) {
                taken.push((i, t, goto));
            }
        }
    }
    if taken.is_empty() {
        return Vec::new();
    }
    // Each detour scene's body: what it reaches without returning.
    let mut bodies: HashMap<usize, Vec<bool>> = HashMap::new();
    for &(_, t, _) in &taken {
        bodies.entry(t).or_insert_with(|| body(story, t));
    }
    let mut out = BTreeSet::new();
    for &(_, t, _) in &taken {
        let mut seen = BTreeSet::new();
        let to = continuations(story, &taken, &bodies, t, &mut seen);
        for (x, inside) in bodies[&t].iter().enumerate() {
            if *inside && steps(&story.scenes[x]).iter().any(|(g, _)| *g == RETURN) {
                out.extend(to.iter().map(|&c| (x, c)));
            }
        }
    }
    out.into_iter().collect()
}

fn body(story: &Story, t: usize) -> Vec<bool> {
    let mut inside = vec![false; story.scenes.len()];
    inside[t] = true;
    let mut stack = vec![t];
    while let Some(i) = stack.pop() {
        for (goto, _) in steps(&story.scenes[i]) {
            if let Some(j) = story.scene_position(goto)
                && !inside[j]
            {
                inside[j] = true;
                stack.push(j);
            }
        }
    }
    inside
}

/// Where a return from detour scene `t` goes on: each taker's `goto`, or for a
/// `<return>` there, where the detours enclosing the taker return to.
fn continuations(
    story: &Story,
    taken: &[(usize, usize, &str)],
    bodies: &HashMap<usize, Vec<bool>>,
    t: usize,
    seen: &mut BTreeSet<usize>,
) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    if !seen.insert(t) {
        return out;
    }
    for &(from, _, goto) in taken.iter().filter(|(_, d, _)| *d == t) {
        if let Some(c) = story.scene_position(goto) {
            out.insert(c);
        } else if goto == RETURN {
            for (&outer, inside) in bodies {
                if inside[from] {
                    out.extend(continuations(story, taken, bodies, outer, seen));
                }
            }
        }
    }
    out
}
