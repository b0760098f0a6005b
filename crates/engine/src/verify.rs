//! `butterfly verify` (also `explore --exhaustive`): a complete search of a story's state
//! space that *proves* it complete — every scene, choice and ending reachable, no
//! reachable state without a way on, no loop without an exit — with true shortest
//! witnesses.
//!
//! A story has far too many variable assignments to enumerate, but two states in the
//! same scene behave identically if they agree on everything the rest of the game can
//! still test. For each scene we compute, from the compiled model, every comparison any
//! later condition or effect makes (`uses`) and which variables later effects can change
//! (`writes`). A variable nothing can still test is dropped; one nothing can still change
//! is reduced to the truth of those comparisons; one that can only still go up and is
//! only tested with `>=`/`>` is capped at its highest threshold. Text is ignored: `{if}`
//! and variants change what is said, never the way on. Every chance is taken both ways.
//! The open detours (where each will return to) are part of every state, so a return
//! leads exactly where play would, and one with nowhere to go is a stuck state.
//! What is left is exact, not sampled: breadth-first, so the first path found to each
//! ending is a shortest one.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;

use crate::engine::{self, Draw, Event, GameState};
use crate::story::expr::{AssignOp, BinOp, Effect, Expr, UnOp};
use crate::story::{Exit, RETURN, Story};

/// How far the search may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Distinct abstract states at most; past this the search stops and says so.
    pub max_states: usize,
}

/// The search's bounds besides the state cap, each with its default constant; tests
/// use [`verify_capped`] to show each at work with small numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// See [`WITNESS_STEPS`].
    pub witness_steps: usize,
    /// See [`FUTURE_WORK`].
    pub future_work: usize,
    /// See [`MEMORY_BYTES`].
    pub memory_bytes: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            witness_steps: WITNESS_STEPS,
            future_work: FUTURE_WORK,
            memory_bytes: MEMORY_BYTES,
        }
    }
}

/// The default cap on distinct abstract states: the shipped story needs about 900,000;
/// a search costs about 5 µs and a few hundred bytes per state, so this keeps a search
/// that cannot finish to seconds (and [`MEMORY_BYTES`] keeps its memory bounded).
pub const MAX_STATES: usize = 1_500_000;

impl Default for Options {
    fn default() -> Self {
        Self {
            max_states: MAX_STATES,
        }
    }
}

/// Steps of witnesses (shortest paths to endings) one report keeps in all: the path to
/// the thousandth ending of a chain is a thousand steps, so keeping one per ending is
/// quadratic (10,000 endings in a chain took 5.8 GB). Past it, an ending's shortest
/// game is reported by its length alone.
pub const WITNESS_STEPS: usize = 1_000_000;

/// Traps (stuck states) reported with a way in; each path costs its length. The rest are
/// counted (`Report::more_stuck`).
pub const TRAP_PATHS: usize = 20;

/// Comparisons and writes the abstraction may record over all scenes (each scene's
/// future holds what any later scene reads): a chain of scenes each reading its own
/// variable makes this quadratic in the story. Past it the search does not start and
/// says so; nothing is proved.
pub const FUTURE_WORK: usize = 20_000_000;

/// Bytes the search may hold, estimated from what it stores per state (its key, its
/// edges, and the whole game state while it waits in the queue): a state count alone
/// does not bound memory when each state carries 100,000 variables. Past it the search
/// stops as at the state cap, and says which cap stopped it.
pub const MEMORY_BYTES: usize = 512 << 20;

/// Bytes of game state the search may copy in all to make successors (each copy holds
/// every variable: a scene with 100,000 choices in a story with 100,000 variables is
/// 10^10 values copied). Past it the search stops as at [`MEMORY_BYTES`].
pub const COPY_BYTES: usize = 4 << 30;

/// One step of a witness: the choice taken and, when it carries a chance, which way
/// the chance fell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessStep {
    /// The scene the choice was taken in.
    pub scene: String,
    /// The choice id (`continue` for Continue and routes).
    pub choice: String,
    /// `Some(true)`: the chance's detour was taken; `Some(false)`: it was not.
    pub chance: Option<bool>,
}

/// A place where a player can end up with no way to an ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    /// The scene.
    pub scene: String,
    /// What is wrong there.
    pub reason: String,
    /// A shortest way to get there.
    pub path: Vec<WitnessStep>,
}

/// What the search found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Distinct abstract states explored.
    pub states: usize,
    /// False when `max_states` stopped the search: then nothing is proved.
    pub complete: bool,
    /// How states were abstracted: variables read by some condition, and how many of
    /// those a scene ever keeps exactly, as comparisons, or capped.
    pub abstraction: Abstraction,
    /// Scenes no state reaches.
    pub unreachable_scenes: Vec<String>,
    /// Endings no state reaches.
    pub unreachable_endings: Vec<String>,
    /// `scene/choice` never enabled in any reachable state.
    pub never_available: Vec<String>,
    /// States with nothing to choose (or where the engine refused the step).
    pub stuck: Vec<Trap>,
    /// How many reachable states can never reach an ending.
    pub inescapable: usize,
    /// A few of them, with a way in.
    pub loops: Vec<Trap>,
    /// Each declared ending with its shortest witness, in declaration order (`None`
    /// when unreachable, or when [`WITNESS_STEPS`] was spent: see `shortest`).
    pub witnesses: Vec<(String, Option<Vec<WitnessStep>>)>,
    /// The length of each ending's shortest game, in the order of `witnesses` (`None`:
    /// unreachable), known even when its path is not kept.
    pub shortest: Vec<Option<usize>>,
    /// Stuck states met beyond the [`TRAP_PATHS`] listed in `stuck`.
    pub more_stuck: usize,
    /// Set when [`FUTURE_WORK`] stopped the search before it began.
    pub too_large: bool,
    /// Set when [`MEMORY_BYTES`] or [`COPY_BYTES`] (not the state cap) stopped the
    /// search.
    pub memory_cap: bool,
}

/// Figures describing the abstraction used.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Abstraction {
    /// Declared variables.
    pub variables: usize,
    /// Variables no choice condition, route or effect ever reads (text-only or unused):
    /// dropped everywhere.
    pub never_read: usize,
    /// Scenes whose visit count some condition reads (kept exactly).
    pub visit_counts: usize,
}

impl Report {
    /// True when the search completed and found nothing wrong.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.complete
            && !self.too_large
            && self.unreachable_scenes.is_empty()
            && self.unreachable_endings.is_empty()
            && self.never_available.is_empty()
            && self.stuck.is_empty()
            && self.inescapable == 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Use {
    /// Compared with a constant.
    Cmp(Cmp, i64),
    /// Used any other way (arithmetic, compared with another variable): kept exact.
    Exact,
}

type Uses = BTreeMap<String, BTreeSet<Use>>;

fn cmp_of(op: BinOp) -> Option<Cmp> {
    Some(match op {
        BinOp::Eq => Cmp::Eq,
        BinOp::Ne => Cmp::Ne,
        BinOp::Lt => Cmp::Lt,
        BinOp::Le => Cmp::Le,
        BinOp::Gt => Cmp::Gt,
        BinOp::Ge => Cmp::Ge,
        _ => return None,
    })
}

fn flipped(c: Cmp) -> Cmp {
    match c {
        Cmp::Lt => Cmp::Gt,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Ge => Cmp::Le,
        other => other,
    }
}

/// Records how a condition reads variables. `visits(x)` is recorded as `@x`.
fn condition_uses(expr: &Expr, out: &mut Uses) {
    match expr {
        Expr::Binary(op, lhs, rhs) => match (cmp_of(*op), &**lhs, &**rhs) {
            (Some(cmp), Expr::Var(var), Expr::Int(n)) => add_use(out, var, Use::Cmp(cmp, *n)),
            (Some(cmp), Expr::Int(n), Expr::Var(var)) => {
                add_use(out, var, Use::Cmp(flipped(cmp), *n));
            }
            (None, _, _) if matches!(op, BinOp::And | BinOp::Or) => {
                condition_uses(lhs, out);
                condition_uses(rhs, out);
            }
            _ => exact_uses(expr, out),
        },
        Expr::Unary(UnOp::Not, inner) => condition_uses(inner, out),
        Expr::Var(var) => add_use(out, var, Use::Cmp(Cmp::Ne, 0)),
        _ => exact_uses(expr, out),
    }
}

fn exact_uses(e: &Expr, out: &mut Uses) {
    match e {
        Expr::Var(v) => add_use(out, v, Use::Exact),
        Expr::Visits(s) => add_use(out, &format!("@{s}"), Use::Exact),
        Expr::Unary(_, a) => exact_uses(a, out),
        Expr::Binary(_, a, b) => {
            exact_uses(a, out);
            exact_uses(b, out);
        }
        Expr::Int(_) | Expr::Bool(_) => {}
    }
}

fn add_use(out: &mut Uses, var: &str, u: Use) {
    out.entry(var.to_owned()).or_default().insert(u);
}

/// What a stretch of the story reads and writes. `writes[v]` is true while every write
/// to `v` only adds a non-negative constant.
#[derive(Clone, Default)]
struct Future {
    uses: Uses,
    writes: BTreeMap<String, bool>,
}

impl Future {
    fn effects(&mut self, effects: &[Effect]) {
        for e in effects {
            if let Some(g) = &e.guard {
                condition_uses(g, &mut self.uses);
            }
            let only_up = matches!((e.op, &e.value), (AssignOp::Add, Expr::Int(k)) if *k >= 0);
            match e.op {
                AssignOp::Set => condition_uses(&e.value, &mut self.uses),
                AssignOp::Add | AssignOp::Sub => exact_uses(&e.value, &mut self.uses),
            }
            *self.writes.entry(e.target.to_string()).or_insert(true) &= only_up;
        }
    }

    /// Entries held: comparisons and writes.
    fn size(&self) -> usize {
        self.uses.values().map(BTreeSet::len).sum::<usize>() + self.writes.len()
    }

    fn merge(&mut self, other: &Future) -> bool {
        let mut changed = false;
        for (v, us) in &other.uses {
            let mine = self.uses.entry(v.clone()).or_default();
            for u in us {
                changed |= mine.insert(*u);
            }
        }
        for (v, &up) in &other.writes {
            let mine = self.writes.entry(v.clone()).or_insert_with(|| {
                changed = true;
                up
            });
            if *mine && !up {
                *mine = false;
                changed = true;
            }
        }
        changed
    }
}

/// For every scene (by position): what can still be read or written once the player
/// stands in it (its own `on_enter` has run; its exits and everything after have not).
/// `None` when the futures grow past `cap` entries ([`FUTURE_WORK`]).
fn futures(story: &Story, cap: usize) -> Option<Vec<Future>> {
    let mut on_enter = Vec::with_capacity(story.scenes.len());
    let mut fut = Vec::with_capacity(story.scenes.len());
    for s in &story.scenes {
        let mut enter = Future::default();
        enter.effects(&s.on_enter);
        on_enter.push(enter);
        let mut own = Future::default();
        match &s.exit {
            Exit::Choices(cs) => {
                for c in cs {
                    if let Some(w) = c.when() {
                        condition_uses(w, &mut own.uses);
                    }
                    own.effects(&c.effects);
                    if let Some(ch) = c.chance() {
                        own.effects(&ch.effects);
                    }
                }
            }
            Exit::Routes(rs) => {
                for r in rs.iter().filter_map(|r| r.when()) {
                    condition_uses(r, &mut own.uses);
                }
            }
            Exit::Ending(_) => {}
        }
        fut.push(own);
    }
    // A return goes on wherever the detour was taken from said: any step's `goto`
    // that follows a detour may come next.
    let after_detours = story.return_targets();
    let targets: Vec<Vec<usize>> = story
        .scenes
        .iter()
        .map(|s| {
            let mut to: Vec<usize> = s
                .targets()
                .filter_map(|(t, _)| story.scene_position(t))
                .collect();
            if s.targets().any(|(t, _)| t == RETURN) {
                to.extend(&after_detours);
            }
            to
        })
        .collect();
    // A work list, not passes over every scene until nothing changes: a chain whose
    // scenes come in story order took one pass per scene (quadratic). Scenes are taken
    // last first, and a scene whose future grew puts its predecessors back on the list.
    let n = story.scenes.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, to) in targets.iter().enumerate() {
        for &t in to {
            preds[t].push(i);
        }
    }
    let mut size: usize = fut.iter().map(Future::size).sum();
    let mut queued = vec![true; n];
    let mut work: Vec<usize> = (0..n).collect();
    while let Some(i) = work.pop() {
        queued[i] = false;
        // Taken out, not cloned; merging a scene's own future into itself is a no-op.
        let mut acc = std::mem::take(&mut fut[i]);
        let before = acc.size();
        let mut changed = false;
        for &t in &targets[i] {
            changed |= acc.merge(&on_enter[t]);
            if t != i {
                changed |= acc.merge(&fut[t]);
            }
        }
        size = size + acc.size() - before;
        fut[i] = acc;
        if size > cap {
            return None;
        }
        if changed {
            for &p in &preds[i] {
                if !queued[p] {
                    queued[p] = true;
                    work.push(p);
                }
            }
        }
    }
    Some(fut)
}

fn holds(c: Cmp, v: i64, k: i64) -> bool {
    match c {
        Cmp::Eq => v == k,
        Cmp::Ne => v != k,
        Cmp::Lt => v < k,
        Cmp::Le => v <= k,
        Cmp::Gt => v > k,
        Cmp::Ge => v >= k,
    }
}

/// Scene, what later conditions can tell apart, once-only choices taken (layout
/// slots), and the open detours (where each returns to: the same scene leads on
/// differently with another).
type Key = (usize, Vec<i64>, Vec<u32>, Vec<String>);

/// Where a kept value is read: a variable or a scene's visit count, by layout index.
#[derive(Clone, Copy)]
enum Source {
    Var(usize),
    Visits(usize),
}

/// How one value enters a scene's key.
enum Part {
    /// As it is.
    Exact(Source),
    /// Only the truth of each comparison.
    Tests(Source, Vec<(Cmp, i64)>),
    /// Capped at the highest threshold it is tested against.
    Capped(Source, i64),
}

/// For every scene: what of a state its key keeps, worked out once from its [`Future`]
/// so that keying a state is a walk over a short list of indices.
fn plans(story: &Story, fut: &[Future]) -> Vec<Vec<Part>> {
    let layout = story.layout();
    fut.iter()
        .map(|f| {
            let mut parts = Vec::new();
            for (v, us) in &f.uses {
                let source = match v.strip_prefix('@') {
                    Some(scene) => layout.scene_ix(scene).map(Source::Visits),
                    None => layout.var_ix(v).map(Source::Var),
                };
                // A name the layout lacks reads as 0 in every state: nothing to keep.
                let Some(source) = source else { continue };
                let cmps: Vec<(Cmp, i64)> = us
                    .iter()
                    .filter_map(|u| match u {
                        Use::Cmp(c, k) => Some((*c, *k)),
                        Use::Exact => None,
                    })
                    .collect();
                if us.contains(&Use::Exact) || v.starts_with('@') {
                    parts.push(Part::Exact(source));
                } else {
                    match f.writes.get(v) {
                        None => parts.push(Part::Tests(source, cmps)),
                        Some(true) if cmps.iter().all(|(c, _)| matches!(c, Cmp::Ge | Cmp::Gt)) => {
                            let cap = cmps
                                .iter()
                                .map(|&(c, t)| if c == Cmp::Gt { t.saturating_add(1) } else { t })
                                .max()
                                .unwrap_or(0);
                            parts.push(Part::Capped(source, cap));
                        }
                        Some(_) => parts.push(Part::Exact(source)),
                    }
                }
            }
            parts
        })
        .collect()
}

/// The part of a state that the rest of the game can still tell apart.
fn key(story: &Story, plans: &[Vec<Part>], s: &GameState) -> Key {
    let at = story.scene_position(&s.scene).unwrap_or(usize::MAX);
    let taken = s.taken_slots().to_vec();
    let Some(parts) = plans.get(at) else {
        return (at, Vec::new(), taken, s.returns.clone());
    };
    let read = |src: Source| match src {
        Source::Var(i) => s.value(i),
        Source::Visits(i) => i64::from(s.visit_count_at(i)),
    };
    let mut k = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Part::Exact(src) => k.push(read(*src)),
            Part::Tests(src, cmps) => {
                let val = read(*src);
                k.extend(cmps.iter().map(|&(c, t)| i64::from(holds(c, val, t))));
            }
            Part::Capped(src, cap) => k.push(read(*src).min(*cap)),
        }
    }
    (at, k, taken, s.returns.clone())
}

/// How a state was first reached: its parent and the step from there (by position and
/// borrowed id, so that a million states cost no allocations here).
struct Parent<'s> {
    from: usize,
    scene: usize,
    choice: &'s str,
    chance: Option<bool>,
}

fn path_to(story: &Story, parents: &[Option<Parent>], mut id: usize) -> Vec<WitnessStep> {
    let mut out = Vec::new();
    while let Some(p) = &parents[id] {
        out.push(WitnessStep {
            scene: story.scenes[p.scene].id.clone(),
            choice: p.choice.to_owned(),
            chance: p.chance,
        });
        id = p.from;
    }
    out.reverse();
    out
}

/// Searches the whole state space of `story`.
///
/// # Errors
/// When the story cannot even start (its opening routes loop, say).
pub fn verify(story: &Story, options: &Options) -> Result<Report, engine::EngineError> {
    verify_capped(story, options, Caps::default())
}

/// [`verify`] under `caps` instead of the default bounds.
///
/// # Errors
/// When the story cannot even start (its opening routes loop, say).
pub fn verify_capped(
    story: &Story,
    options: &Options,
    caps: Caps,
) -> Result<Report, engine::EngineError> {
    let Some(fut) = futures(story, caps.future_work) else {
        return Ok(Report {
            too_large: true,
            abstraction: Abstraction {
                variables: story.variables.len(),
                ..Abstraction::default()
            },
            ..Report::default()
        });
    };
    let uses_visits: BTreeSet<&str> = fut
        .iter()
        .flat_map(|f| f.uses.keys())
        .filter_map(|v| v.strip_prefix('@'))
        .collect();
    let read: BTreeSet<&str> = fut
        .iter()
        .flat_map(|f| f.uses.keys())
        .map(String::as_str)
        .collect();
    let mut report = Report {
        abstraction: Abstraction {
            variables: story.variables.len(),
            never_read: story
                .variables
                .iter()
                .filter(|v| !read.contains(v.name.as_str()))
                .count(),
            visit_counts: uses_visits.len(),
        },
        ..Report::default()
    };

    let plans = plans(story, &fut);
    let layout = story.layout();
    let mut visits_read = vec![false; story.scenes.len()];
    for s in &uses_visits {
        if let Some(i) = layout.scene_ix(s) {
            visits_read[i] = true;
        }
    }
    // Where each scene's choices start in one numbering of every choice.
    let mut first_choice = Vec::with_capacity(story.scenes.len());
    let mut total = 0usize;
    for s in &story.scenes {
        first_choice.push(total);
        total += s.choices().len();
    }
    let (mut start, events) = engine::start(story, 1)?;
    start.path.clear();
    let mut seen = vec![false; story.scenes.len()];
    note_entered(story, &events, &mut seen);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new()];
    let mut parents: Vec<Option<Parent>> = vec![None];
    let mut is_end = vec![false];
    // Steps from the start to each state (its witness's length, without building it).
    let mut depth: Vec<u32> = vec![0];
    let mut endings: BTreeMap<String, usize> = BTreeMap::new();
    let mut taken = vec![false; total];
    index.insert(key(story, &plans, &start), 0);
    // What a state costs while it waits in the queue, and once it is kept: its key and
    // index entry, parent, depth and edge list (the key's own size is added per state).
    let queued_bytes = std::mem::size_of::<GameState>()
        + 8 * story.variables.len()
        + 64
        + 8 * story.scenes.len().min(64);
    let kept_bytes = 2 * std::mem::size_of::<Key>()
        + std::mem::size_of::<Option<Parent>>()
        + std::mem::size_of::<Vec<usize>>()
        + 32;
    let mut bytes = queued_bytes + kept_bytes;
    let mut copied = 0usize;
    let mut queue = VecDeque::from([(0usize, start)]);
    report.complete = true;

    while let Some((id, state)) = queue.pop_front() {
        bytes -= queued_bytes;
        if report.memory_cap {
            // Nothing more can be kept, and each successor still costs a copy of the
            // whole state: stop (100,000 variables made this minutes of copying).
            break;
        }
        let here = story.scene_position(&state.scene).unwrap_or(0);
        seen[here] = true;
        if let Some(e) = &state.ending {
            endings.entry(e.clone()).or_insert(id);
            is_end[id] = true;
            continue;
        }
        // What the player could take (labels are not rendered: they never change the
        // way on), each chance both ways.
        let scene = &story.scenes[here];
        let mut moves: Vec<(&str, Option<usize>, Draw, Option<bool>)> = Vec::new();
        if let Exit::Routes(_) = scene.exit {
            moves.push((engine::CONTINUE, None, Draw::Random, None));
        }
        for at in engine::available_positions(scene, &state) {
            taken[first_choice[here] + at] = true;
            let c = &scene.choices()[at];
            if c.chance().is_some() {
                moves.push((&c.id, Some(at), Draw::Hit, Some(true)));
                moves.push((&c.id, Some(at), Draw::Miss, Some(false)));
            } else {
                moves.push((&c.id, Some(at), Draw::Random, None));
            }
        }
        if moves.is_empty() {
            if report.stuck.len() < TRAP_PATHS {
                report.stuck.push(Trap {
                    scene: state.scene.clone(),
                    reason: "no choice is available".to_owned(),
                    path: path_to(story, &parents, id),
                });
            } else {
                report.more_stuck += 1;
            }
            continue;
        }
        // The last move takes the state itself: most scenes have a single way on, so
        // most states are never copied.
        let mut state = Some(state);
        let last = moves.len() - 1;
        copied += moves.len() * (8 * story.variables.len() + 64);
        if copied > COPY_BYTES {
            report.complete = false;
            report.memory_cap = true;
            break;
        }
        for (n, &(choice, position, draw, chance)) in moves.iter().enumerate() {
            let mut next = if n == last {
                state.take().expect("kept for the last move")
            } else {
                state.clone().expect("kept until the last move")
            };
            let events = match engine::choose_at(story, &mut next, choice, position, draw) {
                Ok((events, _)) => events,
                Err(e) => {
                    if report.stuck.len() < TRAP_PATHS {
                        report.stuck.push(Trap {
                            scene: scene.id.clone(),
                            reason: format!("`{choice}`: {e}"),
                            path: path_to(story, &parents, id),
                        });
                    } else {
                        report.more_stuck += 1;
                    }
                    continue;
                }
            };
            note_entered(story, &events, &mut seen);
            next.path.clear();
            // Text counts and change records never decide a way on.
            next.shown.clear();
            next.clear_changes();
            next.retain_visits(|i| visits_read[i]);
            let k = key(story, &plans, &next);
            let target = if let Some(&t) = index.get(&k) {
                t
            } else {
                if edges.len() >= options.max_states {
                    report.complete = false;
                    continue;
                }
                let cost = kept_bytes + queued_bytes + 8 * k.1.len() + 4 * k.2.len();
                if bytes + cost > caps.memory_bytes {
                    report.complete = false;
                    report.memory_cap = true;
                    break;
                }
                bytes += cost;
                let t = edges.len();
                index.insert(k, t);
                edges.push(Vec::new());
                is_end.push(false);
                depth.push(depth[id].saturating_add(1));
                parents.push(Some(Parent {
                    from: id,
                    scene: here,
                    choice,
                    chance,
                }));
                queue.push_back((t, next));
                t
            };
            edges[id].push(target);
            bytes += 8;
        }
    }
    report.states = edges.len();

    for (i, s) in story.scenes.iter().enumerate() {
        if !seen[i] {
            report.unreachable_scenes.push(s.id.clone());
            continue;
        }
        for (at, c) in s.choices().iter().enumerate() {
            if !taken[first_choice[i] + at] {
                report.never_available.push(format!("{}/{}", s.id, c.id));
            }
        }
    }
    let mut witness_steps = 0usize;
    for e in &story.endings {
        let at = endings.get(&e.id).copied();
        let len = at.map(|id| depth[id] as usize);
        let w = at.zip(len).and_then(|(id, len)| {
            (witness_steps + len <= caps.witness_steps).then(|| {
                witness_steps += len;
                path_to(story, &parents, id)
            })
        });
        if at.is_none() {
            report.unreachable_endings.push(e.id.clone());
        }
        report.witnesses.push((e.id.clone(), w));
        report.shortest.push(len);
    }

    // No loop without an exit: from every reachable state some ending is reachable.
    // (A stuck state is reported as stuck, not again as a loop.)
    if report.complete {
        let mut rev: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
        for (from, tos) in edges.iter().enumerate() {
            for &to in tos {
                rev[to].push(from);
            }
        }
        let mut can_end = is_end.clone();
        let mut work: Vec<usize> = (0..is_end.len()).filter(|&i| is_end[i]).collect();
        while let Some(i) = work.pop() {
            for &p in &rev[i] {
                if !can_end[p] {
                    can_end[p] = true;
                    work.push(p);
                }
            }
        }
        let trapped: Vec<usize> = (0..edges.len())
            .filter(|&i| !can_end[i] && !edges[i].is_empty())
            .collect();
        report.inescapable = trapped.len();
        for &i in trapped.iter().take(5) {
            let path = path_to(story, &parents, i);
            let scene = path
                .last()
                .map_or_else(|| story.start.clone(), |s| s.scene.clone());
            report.loops.push(Trap {
                scene,
                reason: "no ending can be reached from here".to_owned(),
                path,
            });
        }
    }
    Ok(report)
}

fn note_entered(story: &Story, events: &[Event], seen: &mut [bool]) {
    for e in events {
        if let Event::SceneEntered { scene } = e
            && let Some(i) = story.scene_position(scene)
        {
            seen[i] = true;
        }
    }
}

fn steps(path: &[WitnessStep]) -> String {
    path.iter()
        .map(|s| match s.chance {
            Some(true) => format!("{}(chance taken)", s.choice),
            Some(false) => format!("{}(chance missed)", s.choice),
            None => s.choice.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.abstraction;
        if self.too_large {
            writeln!(
                f,
                "exhaustive search: NOT RUN — the story's abstraction passed its cap on comparisons and writes recorded (verify::FUTURE_WORK): nothing is proved"
            )?;
            return writeln!(f, "NOT verified");
        }
        writeln!(
            f,
            "exhaustive search: {} states{}",
            self.states,
            if self.complete {
                ", complete"
            } else if self.memory_cap {
                " — STOPPED at the memory cap (verify::MEMORY_BYTES, 512 MiB of states, or verify::COPY_BYTES, 4 GiB of states copied): nothing is proved"
            } else {
                " — STOPPED at the state cap: nothing is proved"
            }
        )?;
        writeln!(
            f,
            "abstraction: per scene, only what a later condition can still test ({} of {} variables never read by a condition, {} visit counts kept); text ignored; every chance taken both ways",
            a.never_read, a.variables, a.visit_counts
        )?;
        writeln!(f, "shortest game to each ending:")?;
        for (k, (ending, w)) in self.witnesses.iter().enumerate() {
            match (w, self.shortest.get(k).copied().flatten()) {
                (Some(w), _) => writeln!(f, "  {ending}: {} steps: {}", w.len(), steps(w))?,
                (None, Some(n)) => writeln!(
                    f,
                    "  {ending}: {n} steps (path not shown: the report's witness steps are spent, verify::WITNESS_STEPS)"
                )?,
                (None, None) => writeln!(f, "  {ending}: UNREACHABLE")?,
            }
        }
        for s in &self.unreachable_scenes {
            writeln!(f, "unreachable scene: {s}")?;
        }
        for c in &self.never_available {
            writeln!(f, "choice never available: {c}")?;
        }
        for t in &self.stuck {
            writeln!(
                f,
                "stuck in {}: {} (after: {})",
                t.scene,
                t.reason,
                steps(&t.path)
            )?;
        }
        if self.more_stuck > 0 {
            writeln!(f, "… and {} more stuck states", self.more_stuck)?;
        }
        if self.inescapable > 0 {
            writeln!(
                f,
                "{} states can never reach an ending, e.g.:",
                self.inescapable
            )?;
            for t in &self.loops {
                writeln!(f, "  in {} (after: {})", t.scene, steps(&t.path))?;
            }
        }
        writeln!(
            f,
            "{}",
            if self.is_clean() {
                "verified: every scene, choice and ending reachable; no stuck state; no loop without an exit"
            } else {
                "NOT verified"
            }
        )
    }
}
