//! Where each detour's returns lead, for drawing them: a return edge from every scene
//! that leaves a detour (`goto: "<return>"`) to where play goes on after it.
//!
//! A detour's scenes are the ones its scene reaches without returning (a nested detour
//! counts through the `goto` it returns to). A return in them goes to the `goto` of the
//! step that took the detour; when that `goto` is itself `<return>`, it goes on to
//! where the enclosing detours return. Static, like the graph: conditions are ignored.
//!
//! Each detour's scenes are found by a walk of their own, so the work grows with detours
//! × scenes; past [`WORK`] steps (far beyond any story a drawing can show) the detours
//! not yet walked are drawn going in, without their returns, rather than hang.

/// Most scene visits spent finding detours' scenes.
const WORK: usize = 20_000_000;

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::story::model::{Exit, RETURN, Scene, Story};

/// `(goto, detour)` of every step of a scene (a chance's `goto` as a step of its own).
fn steps(s: &Scene) -> Vec<(&str, Option<&str>)> {
    match &s.exit {
        Exit::Choices(cs) => cs
            .iter()
            .flat_map(|c| {
                let d = c.detour();
                std::iter::once((c.goto.as_str(), d))
                    .chain(c.chance().map(|ch| (ch.goto.as_str(), d)))
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
    let mut bodies: HashMap<usize, HashSet<usize>> = HashMap::new();
    let mut work = WORK;
    for &(_, t, _) in &taken {
        if work == 0 {
            break;
        }
        bodies.entry(t).or_insert_with(|| body(story, t, &mut work));
    }
    // Scene → the detours whose scenes include it: a walk's size, not detours × scenes.
    let mut containing: HashMap<usize, Vec<usize>> = HashMap::new();
    for (&t, inside) in &bodies {
        for &x in inside {
            containing.entry(x).or_default().push(t);
        }
    }
    let mut memo: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    let mut takers: HashMap<usize, Vec<(usize, &str)>> = HashMap::new();
    for &(from, t, goto) in &taken {
        takers.entry(t).or_default().push((from, goto));
    }
    let mut out = BTreeSet::new();
    for &t in takers.keys() {
        let Some(inside) = bodies.get(&t) else {
            continue;
        };
        let mut seen = BTreeSet::new();
        let to = continuations(story, &takers, &containing, t, &mut seen, &mut memo);
        for &x in inside {
            if steps(&story.scenes[x]).iter().any(|(g, _)| *g == RETURN) {
                out.extend(to.iter().map(|&c| (x, c)));
            }
        }
    }
    out.into_iter().collect()
}

/// The scenes detour scene `t` reaches without returning (a set: its size is the work
/// spent, where a flag per scene would cost every detour the whole story).
fn body(story: &Story, t: usize, work: &mut usize) -> HashSet<usize> {
    let mut inside = HashSet::from([t]);
    let mut stack = vec![t];
    while let Some(i) = stack.pop() {
        *work = work.saturating_sub(1);
        for (goto, _) in steps(&story.scenes[i]) {
            if let Some(j) = story.scene_position(goto)
                && inside.insert(j)
            {
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
    takers: &HashMap<usize, Vec<(usize, &str)>>,
    containing: &HashMap<usize, Vec<usize>>,
    t: usize,
    seen: &mut BTreeSet<usize>,
    memo: &mut HashMap<usize, BTreeSet<usize>>,
) -> BTreeSet<usize> {
    if let Some(known) = memo.get(&t) {
        return known.clone();
    }
    let mut out = BTreeSet::new();
    // A detour re-entering itself (E0602) would recurse for ever.
    if !seen.insert(t) {
        return out;
    }
    for &(from, goto) in takers.get(&t).into_iter().flatten() {
        if let Some(c) = story.scene_position(goto) {
            out.insert(c);
        } else if goto == RETURN {
            for &outer in containing.get(&from).into_iter().flatten() {
                out.extend(continuations(story, takers, containing, outer, seen, memo));
            }
        }
    }
    memo.insert(t, out.clone());
    out
}
