//! Pass 7, lint: whole-story warnings that need the finished graph — reachability,
//! endings, variable use.
//!
//! Each lint is one small function returning findings; `lint` runs them all. They also
//! run on a story with errors, over what did compile: an id that does not resolve is
//! simply not followed. When files failed to load, reachability is marked partial.
//!
//! Every lint is linear in the story's size: the graph lints walk scenes by position
//! (`passes/graph.rs`: each target resolved once, at load), variable use is tallied by
//! the indices the loader resolved names to, and look-alike choices are found by hashing
//! each choice once rather than comparing every pair of a menu.
//!
//! At 100,000 scenes the compiled story no longer fits in the caches, and a lint that
//! reads every scene and choice waits on memory more than it computes. So the lints read
//! the graph's dense arrays (targets, kinds, whether a step is guarded or has a
//! `disabled` reason) and go to the scenes themselves only for what the graph cannot
//! answer: to confirm a candidate finding, and to tally variable use, which stops as
//! soon as every variable is known to be both read and written.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};

use super::super::diag::Diagnostic;
use super::super::expr::{Effect, Expr};
use super::super::graph::{Graph, Kind, Step};
use super::super::id::IdRef;
use super::super::model::{Choice, Exit, Story};
use super::super::site::Site;
use super::super::text::{Segment, Text};
use super::context::Ctx;

/// A problem and where to point at it.
pub type Finding = (Diagnostic, Site);

/// Runs every lint on a clean story.
#[must_use]
pub fn lint(story: &Story) -> Vec<Finding> {
    let graph = super::super::resolve::graph_of(story);
    let reachable = graph.reachable();
    let mut out = Vec::new();
    out.extend(unreachable_scenes(story, &reachable));
    out.extend(unreached_endings(story, &graph, &reachable));
    out.extend(unused_variables(story));
    out.extend(disabled_without_condition(story, &graph));
    out.extend(junction_loops(story, &graph));
    out.extend(choices_that_change_nothing(story, &graph));
    out
}

/// Runs the lints the loader was asked for, over a story that may have errors (`graph`:
/// its steps, resolved).
pub(crate) fn run(cx: &mut Ctx<'_>, story: &Story, graph: &Graph) {
    if !cx.lints {
        return;
    }
    let mut out = Vec::new();
    // Without a start there is nothing to be reachable from: every scene would be
    // reported, an echo of the start's own error.
    let graph_of = graph;
    if graph.start.is_some() {
        let reachable = graph.reachable();
        let mut graph = unreachable_scenes(story, &reachable);
        graph.extend(unreached_endings(story, graph_of, &reachable));
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
        out.extend(choices_that_change_nothing(story, graph));
    }
    out.extend(disabled_without_condition(story, graph));
    out.extend(junction_loops(story, graph));
    for (d, site) in out {
        cx.report(d, &site);
    }
}

/// Junctions (scenes with routes and no text) that lead only into each other would
/// spin without ever asking the player anything.
fn junction_loops(story: &Story, graph: &Graph) -> Vec<Finding> {
    // 0 = unvisited, 1 = on the current walk, 2 = done.
    let mut mark = vec![0u8; graph.len()];
    let mut out = Vec::new();
    let is_junction = |i: usize| graph.kind(i) == Kind::Junction;
    for start in 0..graph.len() {
        if mark[start] != 0 || !is_junction(start) {
            continue;
        }
        // Each frame keeps its junction's targets, listed once: listing them again at
        // every step would be quadratic in a junction's routes.
        let junction_targets =
            |i: usize| -> Vec<usize> { graph.targets(i).filter(|&j| is_junction(j)).collect() };
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
                            Site::scene(s.origin.file(), &s.id),
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
    super::super::resolve::graph_of(story).reachable()
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
                Site::scene(s.origin.file(), &s.id),
            )
        })
        .collect()
}

fn unreached_endings(story: &Story, graph: &Graph, reachable: &[bool]) -> Vec<Finding> {
    // Only ending scenes are read: the graph knows which they are.
    let reached: HashSet<&str> = (0..graph.len())
        .filter(|&i| reachable[i] && graph.kind(i) == Kind::Ending)
        .filter_map(|i| match &story.scenes[i].exit {
            Exit::Ending(e) => Some(e.as_str()),
            _ => None,
        })
        .collect();
    story
        .endings
        .iter()
        .filter(|e| !reached.contains(e.id.as_str()))
        .map(|e| {
            let file = e.origin.file();
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

/// Calls `f` with every variable `e` reads.
fn expr_vars(e: &Expr, f: &mut impl FnMut(&IdRef)) {
    match e {
        Expr::Var(r) => f(r),
        Expr::Unary(_, e) => expr_vars(e, f),
        Expr::Binary(_, a, b) => {
            expr_vars(a, f);
            expr_vars(b, f);
        }
        Expr::Int(_) | Expr::Bool(_) | Expr::Visits(_) => {}
    }
}

/// Calls `f` with the position of every variable a text of `story` reads (of its
/// `count`): `{name}` looked up by name (text keeps no index for it), `{if}`
/// conditions by their resolved indices.
fn text_vars(segments: &[Segment], story: &Story, count: usize, f: &mut impl FnMut(usize)) {
    for s in segments {
        match s {
            Segment::Lit(_) | Segment::Tag(_) => {}
            Segment::Var(v) | Segment::EnumVar(v, _) => {
                if let Some(&i) = story.var_index.get(&**v) {
                    f(i);
                }
            }
            Segment::If(block) => {
                expr_vars(&block.cond, &mut |r| {
                    if let Some(i) = position(story, count, r) {
                        f(i);
                    }
                });
                text_vars(&block.then, story, count, f);
                text_vars(&block.otherwise, story, count, f);
            }
            Segment::OneOf(_, opts) | Segment::Vary(_, _, opts) => {
                for o in opts {
                    text_vars(o, story, count, f);
                }
            }
        }
    }
}

/// Which variables are read and which written, by position among the variables.
struct Uses<'s> {
    story: &'s Story,
    read: Vec<bool>,
    written: Vec<bool>,
    /// How many of `read` and `written` are still false: at none, nothing more can be
    /// found.
    left: usize,
}

/// Where a name stands among the `count` variables of `story`: the index the loader
/// resolved it to, or (unresolved) a lookup by name.
fn position(story: &Story, count: usize, r: &IdRef) -> Option<usize> {
    match r.index() {
        Some(i) => Some(i as usize).filter(|&i| i < count),
        None => story.var_index.get(&**r).copied(),
    }
}

impl Uses<'_> {
    fn expr(&mut self, e: &Expr) {
        let (story, read, left) = (self.story, &mut self.read, &mut self.left);
        let count = read.len();
        expr_vars(e, &mut |r| {
            if let Some(i) = position(story, count, r) {
                *left -= usize::from(!read[i]);
                read[i] = true;
            }
        });
    }

    fn text(&mut self, t: &Text) {
        let (read, left) = (&mut self.read, &mut self.left);
        text_vars(&t.segments, self.story, read.len(), &mut |i| {
            *left -= usize::from(!read[i]);
            read[i] = true;
        });
    }

    fn effects(&mut self, effects: &[Effect]) {
        for e in effects {
            if let Some(g) = &e.guard {
                self.expr(g);
            }
            self.expr(&e.value);
            if let Some(i) = position(self.story, self.written.len(), &e.target) {
                self.left -= usize::from(!self.written[i]);
                self.written[i] = true;
            }
        }
    }
}

fn unused_variables(story: &Story) -> Vec<Finding> {
    let count = story.variables.len();
    let mut uses = Uses {
        story,
        read: vec![false; count],
        written: vec![false; count],
        left: 2 * count,
    };
    for s in &story.scenes {
        // Every variable read and written: the rest of the story cannot change that.
        if uses.left == 0 {
            break;
        }
        for t in &s.text {
            uses.text(t);
        }
        uses.effects(&s.on_enter);
        match &s.exit {
            Exit::Choices(cs) => {
                for c in cs {
                    uses.text(&c.label);
                    if let Some(w) = c.when() {
                        uses.expr(w);
                    }
                    uses.effects(&c.effects);
                    if let Some(ch) = c.chance() {
                        uses.effects(&ch.effects);
                    }
                }
            }
            Exit::Routes(rs) => {
                for r in rs.iter().filter_map(|r| r.when()) {
                    uses.expr(r);
                }
            }
            Exit::Ending(_) => {}
        }
    }
    for t in story.endings.iter().flat_map(|e| &e.epilogue) {
        uses.text(t);
    }
    let Uses { read, written, .. } = uses;
    let mut out = Vec::new();
    for (i, v) in story.variables.iter().enumerate() {
        let site = Site::literal(v.origin.file(), Some("name"), &v.name);
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
fn choices_that_change_nothing(story: &Story, graph: &Graph) -> Vec<Finding> {
    let hashing = RandomState::new();
    let mut out = Vec::new();
    for i in 0..graph.len() {
        let steps = graph.steps(i);
        // A small menu whose steps all lead to different places (most menus) has no
        // look-alikes: the scene itself is not read.
        if graph.kind(i) != Kind::Choices || (steps.len() <= SMALL_MENU && !any_same_targets(steps))
        {
            continue;
        }
        let s = &story.scenes[i];
        let Exit::Choices(list) = &s.exit else {
            continue;
        };
        let earlier = same_as_earlier(list, &hashing);
        for (k, c) in list.iter().enumerate() {
            let Some(b) = earlier(k).map(|b| &list[b]) else {
                continue;
            };
            // The scene's own choices come first, in file order; extensions follow.
            let own_choice = c.origin.file() == s.origin.file();
            let own = list[..=k]
                .iter()
                .filter(|c| c.origin.file() == s.origin.file())
                .count();
            // Located only when reported: building a site for every choice would
            // cost more than the comparison.
            let site = if own_choice {
                Site::scene(s.origin.file(), &s.id)
                    .item("Choice", own - 1)
                    .at(Some("goto"), &c.goto)
            } else {
                Site::literal(c.origin.file(), None, &c.id)
            };
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
    out
}

/// Whether two steps of a menu lead to the same scenes (or both to targets that do not
/// resolve, which may be the same): what [`alike`] needs first, read from the graph.
fn same_targets(a: &Step, b: &Step) -> bool {
    a.goto == b.goto && a.detour == b.detour && a.has_chance == b.has_chance && a.chance == b.chance
}

/// Whether any two steps of a small menu [`same_targets`].
fn any_same_targets(steps: &[Step]) -> bool {
    steps
        .iter()
        .enumerate()
        .any(|(k, a)| steps[..k].iter().any(|b| same_targets(a, b)))
}

/// Whether two choices of one menu go on identically (see
/// [`choices_that_change_nothing`]).
fn alike(a: &Choice, b: &Choice) -> bool {
    a.goto == b.goto
        && a.detour() == b.detour()
        && a.effects == b.effects
        && a.chance() == b.chance()
        && a.when() == b.when()
}

/// Menus up to this long are compared pair by pair; longer ones are hashed.
const SMALL_MENU: usize = 16;

/// For each choice of `list`, the first earlier choice [`alike`] it, if any. Pairwise
/// in a small menu; in a larger one each choice is hashed once (`SipHash` with random
/// keys, so no story can make its choices collide on purpose) and compared only with
/// earlier choices of the same hash.
fn same_as_earlier<'l>(
    list: &'l [Choice],
    hashing: &RandomState,
) -> impl Fn(usize) -> Option<usize> + 'l {
    let first: Option<Vec<Option<usize>>> = (list.len() > SMALL_MENU).then(|| {
        let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
        list.iter()
            .enumerate()
            .map(|(k, c)| {
                let mut h = hashing.build_hasher();
                hash_choice(c, &mut h);
                let bucket = by_hash.entry(h.finish()).or_default();
                let found = bucket.iter().copied().find(|&b| alike(&list[b], c));
                if found.is_none() {
                    bucket.push(k);
                }
                found
            })
            .collect()
    });
    move |k| match &first {
        Some(first) => first[k],
        None => list[..k].iter().position(|b| alike(b, &list[k])),
    }
}

/// Hashes what [`alike`] compares.
fn hash_choice(c: &Choice, h: &mut impl Hasher) {
    c.goto.hash(h);
    c.detour().hash(h);
    hash_effects(&c.effects, h);
    c.chance().is_some().hash(h);
    if let Some(ch) = c.chance() {
        ch.percent.hash(h);
        ch.goto.hash(h);
        hash_effects(&ch.effects, h);
    }
    c.when().is_some().hash(h);
    if let Some(w) = c.when() {
        hash_expr(w, h);
    }
}

fn hash_effects(effects: &[Effect], h: &mut impl Hasher) {
    effects.len().hash(h);
    for e in effects {
        e.guard.is_some().hash(h);
        if let Some(g) = &e.guard {
            hash_expr(g, h);
        }
        e.target.hash(h);
        std::mem::discriminant(&e.op).hash(h);
        hash_expr(&e.value, h);
    }
}

/// Hashes an expression's structure (its depth is bounded by the parser).
fn hash_expr(e: &Expr, h: &mut impl Hasher) {
    std::mem::discriminant(e).hash(h);
    match e {
        Expr::Int(n) => n.hash(h),
        Expr::Bool(b) => b.hash(h),
        Expr::Var(r) | Expr::Visits(r) => r.hash(h),
        Expr::Unary(op, e) => {
            std::mem::discriminant(op).hash(h);
            hash_expr(e, h);
        }
        Expr::Binary(op, a, b) => {
            std::mem::discriminant(op).hash(h);
            hash_expr(a, h);
            hash_expr(b, h);
        }
    }
}

fn disabled_without_condition(story: &Story, graph: &Graph) -> Vec<Finding> {
    let mut out = Vec::new();
    for i in 0..graph.len() {
        // The graph says which steps have a reason and no condition: only their scene
        // is read.
        if graph.kind(i) != Kind::Choices
            || !graph.steps(i).iter().any(|st| st.disabled && !st.guarded)
        {
            continue;
        }
        let s = &story.scenes[i];
        for c in s.choices() {
            if c.disabled().is_some() && c.when_source().is_none() {
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
                    Site::inside(c.origin.file(), &s.id, Some("goto"), &c.goto),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{RandomState, SMALL_MENU, alike, same_as_earlier};
    use crate::story::{SourceFile, load};

    /// A large menu is hashed instead of compared pair by pair: both must name the same
    /// earlier choice for every choice (the first one alike it), whatever repeats.
    #[test]
    fn a_large_menu_finds_the_same_look_alikes_as_pairwise_comparison() {
        // 60 choices over 3 targets, 2 conditions (and none), 4 effects (and none),
        // some with a chance: many repeats, and many near misses.
        let choices: Vec<String> = (0..60)
            .map(|k| {
                let when = ["", r#", when: "n > 1""#, r#", when: "n > 2""#][k % 3];
                let effects = match k % 5 {
                    0 => String::new(),
                    e => format!(r#", effects: ["n += {e}"]"#),
                };
                let chance = if k % 7 == 0 {
                    r#", chance: Chance(percent: 50, goto: "b")"#
                } else {
                    ""
                };
                format!(
                    r#"Choice(id: "c{k}", label: "C{k}", goto: "{}"{when}{effects}{chance}),"#,
                    ["a", "b", "end"][k % 4 % 3]
                )
            })
            .collect();
        let chapter = format!(
            r#"Chapter(title: "T", date: "D", place: "P", scenes: [
                Scene(id: "hall", text: ["Hall."], choices: [{}]),
                Scene(id: "a", text: ["A."], next: "end"),
                Scene(id: "b", text: ["B."], next: "end"),
                Scene(id: "end", text: ["End."], ending: "e"),
            ])"#,
            choices.concat()
        );
        let files = [
            SourceFile {
                path: "h.ron".into(),
                bytes: br#"Story(id: "s", title: "S", start: "hall", variables: [Int(name: "n", initial: 0, min: 0, max: 100)], endings: [Ending(id: "e", title: "E")])"#.to_vec(),
            },
            SourceFile {
                path: "c.ron".into(),
                bytes: chapter.into_bytes(),
            },
        ];
        let loaded = load(&files);
        let story = loaded.story.expect("the story loads");
        let list = story.scene("hall").unwrap().choices();
        assert!(list.len() > SMALL_MENU);
        let hashed = same_as_earlier(list, &RandomState::new());
        let mut repeats = 0;
        for k in 0..list.len() {
            let pairwise = list[..k].iter().position(|b| alike(b, &list[k]));
            assert_eq!(hashed(k), pairwise, "choice {k}");
            repeats += usize::from(pairwise.is_some());
        }
        // The menu has look-alikes and choices that differ only in one part.
        assert!(
            repeats >= 10 && repeats + 10 < list.len(),
            "{repeats} repeats"
        );
        let w0408 = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "W0408")
            .count();
        assert_eq!(w0408, repeats);
    }
}
