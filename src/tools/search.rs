//! State-space search over a story, for [`explore`](super::explore).
//!
//! Two searches share one state encoding ([`Codec`]):
//!
//! - [`exhaustive`]: breadth-first over every distinct state, up to a cap. Complete when
//!   the cap is not hit, and then what it never meets cannot happen.
//! - [`guided`]: a beam search aimed at one ending, for stories too large for the first.
//!   It drops states that can no longer lead to the ending's scenes even ignoring
//!   conditions, and prefers states closest to satisfying the conditions that guard the
//!   way there. It proves reachability when it succeeds and nothing when it fails.
//!
//! A state is reduced to what can change what happens next: the scene, the variables
//! some condition depends on (directly, or through effects on variables it reads), the
//! visit counts such expressions read, the once-only choices taken and the open detours
//! (where each returns to). Text-only
//! variables are left out, which is what keeps real stories searchable. Chances are
//! explored both ways with [`Draw::Hit`] and [`Draw::Miss`]; the caller finds a seed that
//! makes the draws come out as the path needs.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::engine::CONTINUE;
use crate::engine::{self, Clamped, Draw, Event, GameState, Step};
use crate::story::expr::{AssignOp, BinOp, Effect, Expr, UnOp};
use crate::story::model::{Exit, RETURN, Story};

/// What the searches report back besides their result.
pub trait Observer {
    /// The choices at `positions` (in the scene's list) were on offer in the scene at
    /// `scene` (its index in the story): by number, so that a scene with 100,000
    /// choices met in every state costs no hashing of ids.
    fn offered(&mut self, scene: usize, positions: &[usize]);
    /// A step from `scene` by `choice` produced `events`, and effects ran into bounds
    /// as `clamps` says.
    fn events(&mut self, events: &[Event], clamps: &[Clamped], scene: &str, choice: &str);
    /// In `scene` the game cannot go on (`reason`); `path` builds a way there, which
    /// costs the path's length, so it is only called when the observer keeps it.
    fn stuck(&mut self, scene: &str, path: &dyn Fn() -> Vec<Step>, reason: String);
}

/// Reports to `observer` what `state` offers now (nothing at an ending or for routes).
pub fn offer_now(story: &Story, state: &GameState, observer: &mut dyn Observer) {
    if state.is_over() {
        return;
    }
    if let Some(ix) = story.scene_position(&state.scene) {
        let scene = &story.scenes[ix];
        if let Exit::Choices(_) = scene.exit {
            observer.offered(ix, &engine::available_positions(scene, state));
        }
    }
}

/// The ids of what can be taken now (`continue` for scenes with routes).
pub fn enabled<'s>(story: &'s Story, state: &GameState) -> Vec<&'s str> {
    if state.is_over() {
        return Vec::new();
    }
    story
        .scene(&state.scene)
        .map_or_else(Vec::new, |scene| engine::available(scene, state))
}

fn vars_in(e: &Expr, out: &mut HashSet<String>) {
    e.for_each_var(&mut |v| {
        out.insert(v.to_owned());
    });
}

fn visits_in(e: &Expr, out: &mut HashSet<String>) {
    match e {
        Expr::Visits(s) => {
            out.insert(s.to_string());
        }
        Expr::Unary(_, a) => visits_in(a, out),
        Expr::Binary(_, a, b) => {
            visits_in(a, out);
            visits_in(b, out);
        }
        Expr::Int(_) | Expr::Bool(_) | Expr::Var(_) => {}
    }
}

/// Turns states into compact keys and back.
pub struct Codec<'s> {
    story: &'s Story,
    /// Indices (into `story.variables`) of variables that can change what happens.
    vars: Vec<usize>,
    /// Names of the variables in `vars`, for filtering events.
    var_names: HashSet<String>,
    /// Scenes whose visit count some relevant expression reads.
    counted: Vec<&'s str>,
    /// `scene/choice` keys of every once-only choice.
    once: Vec<String>,
    once_index: HashMap<String, usize>,
}

impl<'s> Codec<'s> {
    /// Works out which parts of a state matter for `story`.
    #[must_use]
    pub fn new(story: &'s Story) -> Self {
        let mut conditions: Vec<&Expr> = Vec::new();
        let mut effects: Vec<&Effect> = Vec::new();
        let mut once = Vec::new();
        for s in &story.scenes {
            effects.extend(&s.on_enter);
            match &s.exit {
                Exit::Choices(list) => {
                    for c in list {
                        conditions.extend(c.when());
                        effects.extend(&c.effects);
                        if let Some(ch) = c.chance() {
                            effects.extend(&ch.effects);
                        }
                        if c.once {
                            once.push(format!("{}/{}", s.id, c.id));
                        }
                    }
                }
                Exit::Routes(routes) => {
                    conditions.extend(routes.iter().filter_map(|r| r.when()));
                }
                Exit::Ending(_) => {}
            }
        }
        // Variables read by conditions, then, until nothing changes, those read by
        // effects (guards and values) on variables already known to matter.
        let mut read = HashSet::new();
        let mut counted = HashSet::new();
        for c in &conditions {
            vars_in(c, &mut read);
            visits_in(c, &mut counted);
        }
        loop {
            let before = read.len();
            for e in &effects {
                if read.contains(e.target.as_ref()) {
                    if let Some(g) = &e.guard {
                        vars_in(g, &mut read);
                        visits_in(g, &mut counted);
                    }
                    vars_in(&e.value, &mut read);
                    visits_in(&e.value, &mut counted);
                }
            }
            if read.len() == before {
                break;
            }
        }
        let vars: Vec<usize> = (0..story.variables.len())
            .filter(|&i| read.contains(&story.variables[i].name))
            .collect();
        Self {
            story,
            var_names: vars
                .iter()
                .map(|&i| story.variables[i].name.clone())
                .collect(),
            vars,
            counted: story
                .scenes
                .iter()
                .filter(|s| counted.contains(&s.id))
                .map(|s| s.id.as_str())
                .collect(),
            once_index: once
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), i))
                .collect(),
            once,
        }
    }

    /// Whether a variable is part of the key (the search's view of others is not real).
    #[must_use]
    pub fn tracks(&self, var: &str) -> bool {
        self.var_names.contains(var)
    }

    /// The scene index of a key.
    fn scene_of(key: &[u8]) -> usize {
        let mut at = 0;
        read_varint(key, &mut at) as usize
    }

    /// The key of a state: scene, relevant variables, counted visits, once-only bits,
    /// then the open detours (their count, then each return: 0 for `<return>`, else
    /// the scene's position + 1).
    #[must_use]
    pub fn key(&self, state: &GameState) -> Box<[u8]> {
        let mut out = Vec::with_capacity(8 + self.vars.len() + self.counted.len());
        let scene = self.story.scene_position(&state.scene).unwrap_or(0);
        write_varint(&mut out, scene as u64);
        let by_index = state.follows(self.story.layout());
        for &i in &self.vars {
            let v = if by_index {
                state.value(i)
            } else {
                state.var(&self.story.variables[i].name)
            };
            // Zigzag, so small negative numbers stay short.
            write_varint(&mut out, ((v << 1) ^ (v >> 63)) as u64);
        }
        for s in &self.counted {
            write_varint(&mut out, u64::from(state.visit_count(s)));
        }
        let mut bits = vec![0u8; self.once.len().div_ceil(8)];
        for &slot in state.taken_slots() {
            if let Some(&i) = self.once_index.get(state.layout().once_key(slot)) {
                bits[i / 8] |= 1 << (i % 8);
            }
        }
        out.extend(bits);
        write_varint(&mut out, state.returns.len() as u64);
        for r in &state.returns {
            let at = self.story.scene_position(r).map_or(0, |i| i as u64 + 1);
            write_varint(&mut out, at);
        }
        out.into_boxed_slice()
    }

    /// A state that behaves like every state with this key (untracked variables are at
    /// their initial values).
    #[must_use]
    pub fn state(&self, key: &[u8], seed: u64) -> GameState {
        let mut at = 0;
        let scene = &self.story.scenes[read_varint(key, &mut at) as usize];
        let layout = self.story.layout();
        let mut state = GameState::fresh(seed, std::sync::Arc::clone(layout));
        for &i in &self.vars {
            let z = read_varint(key, &mut at);
            let v = ((z >> 1) as i64) ^ -((z & 1) as i64);
            // The layout numbers variables as the story declares them.
            state.set_value(i, v);
        }
        for s in &self.counted {
            let n = read_varint(key, &mut at) as u32;
            if let Some(i) = layout.scene_ix(s) {
                state.set_visit_count(i, n);
            }
        }
        for i in (0..self.once.len())
            .filter(|&i| key.get(at + i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
        {
            if let Some(slot) = layout.once_slot_of(&self.once[i]) {
                state.take(slot);
            }
        }
        at += self.once.len().div_ceil(8);
        let open = read_varint(key, &mut at);
        state.returns = (0..open)
            .map(|_| match read_varint(key, &mut at) {
                0 => RETURN.to_owned(),
                i => self.story.scenes[i as usize - 1].id.clone(),
            })
            .collect();
        state.scene.clone_from(&scene.id);
        state.ending = match &scene.exit {
            Exit::Ending(e) => Some(e.clone()),
            _ => None,
        };
        state
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    v
}

/// A search tree: each state met, with the step that first reached it.
struct Tree {
    keys: Vec<Box<[u8]>>,
    /// Parent node, scene index and choice index (`u32::MAX`: continue).
    parents: Vec<Option<(u32, u32, u32)>>,
    /// Steps from the root: a path's length, known without building it.
    depths: Vec<u32>,
    index: HashMap<Box<[u8]>, u32>,
}

impl Tree {
    fn new() -> Self {
        Self {
            keys: Vec::new(),
            parents: Vec::new(),
            depths: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// Adds a state; `None` when it was already there.
    fn add(&mut self, key: Box<[u8]>, parent: Option<(u32, u32, u32)>) -> Option<u32> {
        if self.index.contains_key(&key) {
            return None;
        }
        let n = self.keys.len() as u32;
        self.index.insert(key.clone(), n);
        self.keys.push(key);
        self.depths
            .push(parent.map_or(0, |(p, _, _)| self.depths[p as usize].saturating_add(1)));
        self.parents.push(parent);
        Some(n)
    }

    fn path(&self, story: &Story, mut n: u32) -> Vec<Step> {
        let mut steps = Vec::new();
        while let Some((p, scene, choice)) = self.parents[n as usize] {
            let s = &story.scenes[scene as usize];
            let choice = match s.choices().get(choice as usize) {
                Some(c) => c.id.to_string(),
                None => CONTINUE.to_owned(),
            };
            steps.push(Step {
                scene: s.id.clone(),
                choice,
            });
            n = p;
        }
        steps.reverse();
        steps
    }
}

/// One successor of a state.
struct Next {
    state: GameState,
    /// Scenes entered on the way (junctions included).
    entered: Vec<String>,
    /// Scene index and choice index (`u32::MAX`: continue) of the step.
    step: (u32, u32),
}

/// One way on from a state: a choice (by id and position) and how its chance falls.
struct Move<'s> {
    id: &'s str,
    position: Option<usize>,
    draw: Draw,
}

/// Every way on from `state` (each chance both ways), as moves to apply one at a time:
/// a scene with `c` choices in a story with `v` variables would cost `c × v` if every
/// successor were built before the first is looked at. Reports what is offered, and a
/// state with nothing to take.
fn moves<'s>(
    story: &'s Story,
    state: &GameState,
    observer: &mut dyn Observer,
    path: &dyn Fn() -> Vec<Step>,
) -> Vec<Move<'s>> {
    let mut out = Vec::new();
    if state.is_over() {
        return out;
    }
    let Some(ix) = story.scene_position(&state.scene) else {
        return out;
    };
    let scene = &story.scenes[ix];
    match &scene.exit {
        Exit::Routes(_) => out.push(Move {
            id: CONTINUE,
            position: None,
            draw: Draw::Random,
        }),
        Exit::Choices(list) => {
            // Positions, not ids: no choice is looked up by a scan or a hash.
            let positions = engine::available_positions(scene, state);
            observer.offered(ix, &positions);
            for p in positions {
                let draws: &[Draw] = if list[p].chance().is_some() {
                    &[Draw::Miss, Draw::Hit]
                } else {
                    &[Draw::Random]
                };
                for &draw in draws {
                    out.push(Move {
                        id: &list[p].id,
                        position: Some(p),
                        draw,
                    });
                }
            }
        }
        Exit::Ending(_) => {}
    }
    if out.is_empty() {
        observer.stuck(&state.scene, path, "no choice is available".to_owned());
    }
    out
}

/// The successor of `state` by `m`, or `None` when the engine refuses it (reported as
/// stuck).
fn apply(
    story: &Story,
    codec: &Codec<'_>,
    state: &GameState,
    m: &Move<'_>,
    observer: &mut dyn Observer,
    path: &dyn Fn() -> Vec<Step>,
) -> Option<Next> {
    let mut next = state.clone();
    let entered: Vec<String> = match engine::choose_at(story, &mut next, m.id, m.position, m.draw) {
        Ok((events, mut clamps)) => {
            // Variables outside the key are not real in the search: say nothing
            // about their bounds.
            clamps.retain(|c| codec.tracks(&c.name));
            observer.events(&events, &clamps, &state.scene, m.id);
            events
                .into_iter()
                .filter_map(|e| match e {
                    Event::SceneEntered { scene } => Some(scene),
                    _ => None,
                })
                .collect()
        }
        Err(e) => {
            observer.stuck(&state.scene, path, e.to_string());
            return None;
        }
    };
    next.path.clear();
    let scene_ix = story.scene_position(&state.scene).unwrap_or(0) as u32;
    Some(Next {
        state: next,
        entered,
        step: (scene_ix, m.position.map_or(u32::MAX, |p| p as u32)),
    })
}

/// Successor states one exhaustive search may make per state of its cap: the cap
/// counts distinct states, but a state with 100,000 choices costs 100,000 successors,
/// so the work is capped too.
pub const WORK_PER_STATE: usize = 64;

/// Bytes of state keys one search may hold: a state of a story with 10,000 variables
/// is 10,000 numbers, so a cap on states alone is not a cap on memory.
pub const KEY_BYTES: usize = 256 * 1024 * 1024;

/// Bytes of state keys one search may compute in all, kept or not, and of game states
/// copied to make successors: each successor costs its key's length (a story's tracked
/// variables) and a copy of every variable, so this caps the work of a search in a
/// story with many variables as [`KEY_BYTES`] caps its memory.
pub const KEY_WORK: usize = 1 << 30;

/// Choices of shortest paths to endings the exhaustive search records in all: the
/// path to the thousandth ending of a chain is a thousand steps, so recording one per
/// ending would be quadratic. Endings past it are left to the guided search.
pub const WITNESS_STEPS: usize = 1_000_000;

/// Successor states one guided search may make in all (it keeps `width` states per
/// round, each of which may offer thousands of choices).
pub const GUIDED_WORK: usize = 2_000_000;

/// Work all the guided searches of one exploration may do together: successors made
/// plus the gate conditions weighed to rank them (a state ahead of 100,000 gates costs
/// 100,000). Up to a hundred guided searches run, each bounded by [`GUIDED_WORK`]
/// successors, but on a 110,000-scene story weighing the gates alone took minutes.
pub const GUIDED_TOTAL_WORK: usize = 4_000_000;

/// Traps (stuck scenes, loops with no exit) of one kind given a way in: each path
/// costs its length, and a chain of scenes each with a trap beside it would make
/// recording them all quadratic. Reports show fewer than this; the rest are counted.
pub const TRAP_PATHS: usize = 20;

/// What the exhaustive search found.
pub struct Exhaustive {
    /// Distinct states met.
    pub states: usize,
    /// Whether the cap was never hit.
    pub complete: bool,
    /// Each ending met, with a shortest path to it (chances forced).
    pub endings: Vec<(String, Vec<Step>)>,
    /// Scenes of states from which no ending can be reached: how many such states, and
    /// a shortest path to one (for the first [`TRAP_PATHS`] scenes; empty after).
    pub no_exit: Vec<(String, u64, Vec<Step>)>,
}

/// Breadth-first search over distinct states, from the story's start, up to `cap`
/// states; `progress(met)` is called now and then.
///
/// # Errors
/// When the story cannot start.
pub fn exhaustive(
    story: &Story,
    seed: u64,
    cap: usize,
    observer: &mut dyn Observer,
    progress: &mut dyn FnMut(usize),
) -> Result<Exhaustive, engine::EngineError> {
    let codec = Codec::new(story);
    // What copying a state to make a successor costs, counted with the keys.
    let state_bytes = 8 * story.variables.len();
    let (first, events) = engine::start(story, seed)?;
    observer.events(&events, &[], &story.start, "");
    let mut tree = Tree::new();
    tree.add(codec.key(&first), None);
    let mut expanded = vec![false];
    let mut edges: Vec<(u32, u32)> = Vec::new();
    let mut queue = VecDeque::from([0u32]);
    let mut endings: Vec<(String, Vec<Step>)> = Vec::new();
    let mut complete = true;
    let mut dead: HashSet<u32> = HashSet::new();
    let mut ending_ids: HashSet<String> = HashSet::new();
    // The caps besides `cap` (see WORK_PER_STATE, KEY_BYTES, WITNESS_STEPS).
    let mut work = 0usize;
    let mut key_bytes = 0usize;
    let mut key_work = 0usize;
    let mut witness_steps = 0usize;
    let max_work = cap.saturating_mul(WORK_PER_STATE);

    while let Some(n) = queue.pop_front() {
        if n % 1024 == 0 {
            progress(tree.len());
        }
        if work > max_work || key_bytes > KEY_BYTES || key_work > KEY_WORK {
            // Out of budget: what is left unexplored makes the search incomplete.
            complete = false;
            expanded[n as usize] = false;
            continue;
        }
        let state = codec.state(&tree.keys[n as usize], seed);
        if let Some(e) = &state.ending {
            if !ending_ids.contains(e) {
                // Measured before it is built: past the budget, building every path
                // only to drop it was the quadratic part.
                let len = tree.depths[n as usize] as usize;
                if witness_steps + len <= WITNESS_STEPS {
                    witness_steps += len;
                    ending_ids.insert(e.clone());
                    endings.push((e.clone(), tree.path(story, n)));
                } else {
                    complete = false;
                }
            }
            expanded[n as usize] = true;
            continue;
        }
        let moves = moves(story, &state, observer, &|| tree.path(story, n));
        let mut produced = 0usize;
        let mut all = true;
        for mv in &moves {
            if work > max_work || key_work > KEY_WORK {
                // Out of budget part-way through a state's choices.
                complete = false;
                all = false;
                break;
            }
            let Some(next) = apply(story, &codec, &state, mv, observer, &|| tree.path(story, n))
            else {
                continue;
            };
            produced += 1;
            work += 1;
            let key = codec.key(&next.state);
            key_work += key.len() + state_bytes;
            let m = if let Some(&m) = tree.index.get(&key) {
                m
            } else if tree.len() >= cap || key_bytes > KEY_BYTES {
                complete = false;
                all = false;
                continue;
            } else {
                key_bytes += key.len();
                let m = tree
                    .add(key, Some((n, next.step.0, next.step.1)))
                    .expect("checked absent");
                expanded.push(false);
                queue.push_back(m);
                m
            };
            edges.push((n, m));
        }
        if produced == 0 && all {
            dead.insert(n);
        }
        expanded[n as usize] = all;
    }
    progress(tree.len());

    // A state may still end if it is an ending, if it was not fully explored (we cannot
    // tell), or if one of its successors may.
    let mut can_end: Vec<bool> = (0..tree.len())
        .map(|n| {
            !expanded[n]
                || matches!(
                    story.scenes[Codec::scene_of(&tree.keys[n])].exit,
                    Exit::Ending(_)
                )
        })
        .collect();
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); tree.len()];
    for &(a, b) in &edges {
        preds[b as usize].push(a);
    }
    let mut work: Vec<u32> = (0..tree.len() as u32)
        .filter(|&n| can_end[n as usize])
        .collect();
    while let Some(n) = work.pop() {
        for &p in &preds[n as usize] {
            if !can_end[p as usize] {
                can_end[p as usize] = true;
                work.push(p);
            }
        }
    }
    // Grouped by scene (found by index, not by a scan of the groups: there may be as
    // many as scenes): the first state met (BFS order) has a shortest path, and only
    // the first `TRAP_PATHS` groups get one (each costs its length).
    let mut no_exit: Vec<(String, u64, Vec<Step>)> = Vec::new();
    let mut group: HashMap<usize, usize> = HashMap::new();
    for n in (0..tree.len() as u32).filter(|n| !can_end[*n as usize] && !dead.contains(n)) {
        let at = Codec::scene_of(&tree.keys[n as usize]);
        if let Some(&g) = group.get(&at) {
            no_exit[g].1 += 1;
        } else {
            group.insert(at, no_exit.len());
            let path = if no_exit.len() < TRAP_PATHS {
                tree.path(story, n)
            } else {
                Vec::new()
            };
            no_exit.push((story.scenes[at].id.clone(), 1, path));
        }
    }
    Ok(Exhaustive {
        states: tree.len(),
        complete,
        endings,
        no_exit,
    })
}

/// Scenes from which one of `targets` (scene indices) can be reached, ignoring
/// conditions.
pub fn leads_to(story: &Story, targets: &[usize]) -> Vec<bool> {
    leads_to_through(story, targets, |_| true)
}

/// Like [`leads_to`], but only along paths whose scenes (before the target) all pass
/// `through`; a scene that fails it is still marked when it leads straight in.
pub fn leads_to_through(
    story: &Story,
    targets: &[usize],
    through: impl Fn(usize) -> bool,
) -> Vec<bool> {
    leads_to_through_in(&predecessors(story), targets, through)
}

/// [`leads_to_through`] over predecessors already worked out by [`predecessors`]: a
/// caller asking for many targets builds them once (building them per target made
/// `explore`'s hundred "blocked by" walks and guided searches quadratic).
pub fn leads_to_through_in(
    preds: &[Vec<usize>],
    targets: &[usize],
    through: impl Fn(usize) -> bool,
) -> Vec<bool> {
    let n = preds.len();
    let mut ok = vec![false; n];
    let mut work: Vec<usize> = targets.to_vec();
    for &i in &work {
        ok[i] = true;
    }
    while let Some(i) = work.pop() {
        for &p in &preds[i] {
            if !ok[p] {
                ok[p] = true;
                if through(p) {
                    work.push(p);
                }
            }
        }
    }
    ok
}

/// For each scene, the scenes with a step into it, ignoring conditions. A `<return>`
/// counts as a step to every scene a detour may return to.
#[must_use]
pub fn predecessors(story: &Story) -> Vec<Vec<usize>> {
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); story.scenes.len()];
    let after_return = story.return_targets();
    for (i, s) in story.scenes.iter().enumerate() {
        for (t, _) in s.targets() {
            if let Some(j) = story.scene_position(t) {
                preds[j].push(i);
            } else if t == RETURN {
                for &j in &after_return {
                    preds[j].push(i);
                }
            }
        }
    }
    preds
}

/// A condition on the way to the targets: at a scene where the story can turn away
/// from them, this must hold (or, `negated`, must not) to keep going its way.
struct Gate<'s> {
    scene: usize,
    expr: &'s Expr,
    negated: bool,
}

/// The gates of the targets: conditions of exits that keep to it, at scenes that have an
/// exit leading away from it.
fn gates<'s>(story: &'s Story, leads: &[bool]) -> Vec<Gate<'s>> {
    let after_return = story.return_targets();
    let toward = |t: &str| match story.scene_position(t) {
        Some(j) => leads[j],
        None => t == RETURN && after_return.iter().any(|&j| leads[j]),
    };
    let mut out = Vec::new();
    for (i, s) in story.scenes.iter().enumerate() {
        if !leads[i] || s.targets().all(|(t, _)| toward(t)) {
            continue;
        }
        match &s.exit {
            Exit::Choices(list) => {
                for c in list {
                    if let Some(w) = c.when()
                        && toward(&c.goto)
                    {
                        out.push(Gate {
                            scene: i,
                            expr: w,
                            negated: false,
                        });
                    }
                }
            }
            Exit::Routes(routes) => {
                // Routes are tried in order: the first one toward the ending must hold,
                // and every earlier one leading away must not.
                for r in routes {
                    if toward(&r.goto) {
                        if let Some(w) = r.when() {
                            out.push(Gate {
                                scene: i,
                                expr: w,
                                negated: false,
                            });
                        }
                        break;
                    }
                    if let Some(w) = r.when() {
                        out.push(Gate {
                            scene: i,
                            expr: w,
                            negated: true,
                        });
                    }
                }
            }
            Exit::Ending(_) => {}
        }
    }
    out
}

/// Distinct definitions of one flag the guided search weighs (see [`Distance`]).
const DEFINITIONS: usize = 16;

/// Measures how far a state is from making a condition hold.
struct Distance<'s> {
    story: &'s Story,
    /// For each flag set from a condition (`found = trust < 50`), those conditions: a
    /// flag not yet set is as far from true as its condition is.
    defs: HashMap<&'s str, Vec<&'s Expr>>,
}

impl<'s> Distance<'s> {
    fn new(story: &'s Story) -> Self {
        // Each distinct definition once, and at most DEFINITIONS per flag: every scene
        // of a story may set `tired = steps > 40`, and weighing a flag weighs each of
        // its definitions (110,000 copies made one weighing cost 110,000).
        let mut defs: HashMap<&str, Vec<&Expr>> = HashMap::new();
        let mut distinct: HashSet<(&str, String)> = HashSet::new();
        let mut note = |effects: &'s [Effect]| {
            for e in effects {
                if e.op == AssignOp::Set && !matches!(e.value, Expr::Bool(_) | Expr::Int(_)) {
                    let list = defs.entry(e.target.as_ref()).or_default();
                    if list.len() < DEFINITIONS
                        && distinct.insert((e.target.as_ref(), e.value.to_string()))
                    {
                        list.push(&e.value);
                    }
                }
            }
        };
        for s in &story.scenes {
            note(&s.on_enter);
            for c in s.choices() {
                note(&c.effects);
                if let Some(ch) = c.chance() {
                    note(&ch.effects);
                }
            }
        }
        Self { story, defs }
    }

    /// 0 when `e` holds (or, `negated`, fails); differences of numbers count in
    /// fractions of the variables' ranges.
    fn of(&self, e: &Expr, state: &GameState, negated: bool, depth: usize) -> f64 {
        let story = self.story;
        match e {
            Expr::Unary(UnOp::Not, a) => self.of(a, state, !negated, depth),
            Expr::Binary(BinOp::And, a, b) if !negated => {
                self.of(a, state, false, depth) + self.of(b, state, false, depth)
            }
            Expr::Binary(BinOp::Or, a, b) if negated => {
                self.of(a, state, true, depth) + self.of(b, state, true, depth)
            }
            Expr::Binary(BinOp::And | BinOp::Or, a, b) => self
                .of(a, state, negated, depth)
                .min(self.of(b, state, negated, depth)),
            Expr::Binary(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), lhs_e, rhs_e) => {
                let (x, y) = (lhs_e.eval(state), rhs_e.eval(state));
                // Every comparison as "lhs >= rhs (+ 1 when strict)".
                let (lhs, rhs, strict) = match (op, negated) {
                    (BinOp::Ge, false) | (BinOp::Lt, true) => (x, y, false),
                    (BinOp::Gt, false) | (BinOp::Le, true) => (x, y, true),
                    (BinOp::Le, false) | (BinOp::Gt, true) => (y, x, false),
                    _ => (y, x, true),
                };
                let need = rhs.saturating_add(i64::from(strict)).saturating_sub(lhs);
                need.max(0) as f64 / scale(story, lhs_e, rhs_e)
            }
            Expr::Binary(op @ (BinOp::Eq | BinOp::Ne), lhs_e, rhs_e) => {
                let (x, y) = (lhs_e.eval(state), rhs_e.eval(state));
                let want_equal = (*op == BinOp::Eq) != negated;
                if want_equal {
                    x.abs_diff(y) as f64 / scale(story, lhs_e, rhs_e)
                } else {
                    f64::from(u8::from(x == y))
                }
            }
            _ if e.holds(state) != negated => 0.0,
            Expr::Var(name) if depth < 4 => self.defs.get(name.as_ref()).map_or(1.0, |defs| {
                defs.iter()
                    .map(|d| self.of(d, state, negated, depth + 1))
                    .fold(1.0, f64::min)
            }),
            _ => 1.0,
        }
    }
}

/// The spread of the variables an expression compares, so that 10 points of a 0–100
/// variable weigh like 1 point of a 0–10 one.
fn scale(story: &Story, a: &Expr, b: &Expr) -> f64 {
    let mut spread = 0i64;
    let mut add = |name: &str| {
        if let Some(v) = story.variable(name) {
            spread = spread.saturating_add(v.max.saturating_sub(v.min));
        }
    };
    a.for_each_var(&mut add);
    b.for_each_var(&mut add);
    // Unbounded variables have absurd spreads; past 1000 a step of 1 still counts.
    (spread.clamp(1, 1000)) as f64
}

/// For each scene, which gates lie ahead of it (reachable ignoring conditions).
fn gates_ahead(story: &Story, preds: &[Vec<usize>], gates: &[Gate<'_>]) -> Vec<Vec<u64>> {
    let words = gates.len().div_ceil(64).max(1);
    let n = story.scenes.len();
    let mut ahead = vec![vec![0u64; words]; n];
    for (g, gate) in gates.iter().enumerate() {
        ahead[gate.scene][g / 64] |= 1 << (g % 64);
    }
    let mut work: Vec<usize> = (0..n).collect();
    let mut queued = vec![true; n];
    while let Some(i) = work.pop() {
        queued[i] = false;
        let mine = ahead[i].clone();
        for &p in &preds[i] {
            let mut changed = false;
            for (w, bits) in mine.iter().enumerate() {
                let merged = ahead[p][w] | bits;
                if merged != ahead[p][w] {
                    ahead[p][w] = merged;
                    changed = true;
                }
            }
            if changed && !queued[p] {
                queued[p] = true;
                work.push(p);
            }
        }
    }
    ahead
}

/// The scenes that close `ending`, as targets for [`guided`].
#[must_use]
pub fn ending_scenes(story: &Story, ending: &str) -> Vec<usize> {
    ending_scenes_all(story).remove(ending).unwrap_or_default()
}

/// [`ending_scenes`] for every ending at once, in one pass over the scenes (asking
/// for each of thousands of endings in turn would be quadratic).
#[must_use]
pub fn ending_scenes_all(story: &Story) -> HashMap<&str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in story.scenes.iter().enumerate() {
        if let Exit::Ending(e) = &s.exit {
            out.entry(e.as_str()).or_default().push(i);
        }
    }
    out
}

/// What the guided searches of one exploration share: the story's [`predecessors`],
/// built once, and what is left of [`GUIDED_TOTAL_WORK`].
pub struct Guide {
    /// Ways into each scene.
    pub preds: Vec<Vec<usize>>,
    /// Work left for this and later searches.
    pub budget: usize,
}

impl Guide {
    /// A fresh budget over `story`.
    #[must_use]
    pub fn new(story: &Story) -> Self {
        Self {
            preds: predecessors(story),
            budget: GUIDED_TOTAL_WORK,
        }
    }
}

/// What [`guided`] looks for.
#[derive(Debug, Clone, Copy)]
pub enum Goal<'a> {
    /// Entering any of these scenes (indices into the story's scenes).
    Scenes(&'a [usize]),
    /// Being in scene `scene` (an index) with its choice `choice` available.
    Choice {
        /// The scene.
        scene: usize,
        /// The choice's id.
        choice: &'a str,
    },
}

/// Looks for a way to `goal` by beam search: each round expands the kept states and
/// keeps the `width` new ones nearest to passing the gates still ahead of them.
/// Returns a path (chances forced) when it finds one. `guide` holds what the guided
/// searches of one exploration share; when its budget is spent the search gives up.
///
/// # Errors
/// When the story cannot start.
pub fn guided(
    story: &Story,
    seed: u64,
    goal: Goal<'_>,
    width: usize,
    max_steps: usize,
    observer: &mut dyn Observer,
    guide: &mut Guide,
) -> Result<Option<Vec<Step>>, engine::EngineError> {
    if guide.budget == 0 {
        return Ok(None);
    }
    let (preds, budget) = (&guide.preds, &mut guide.budget);
    let single;
    let (targets, need) = match goal {
        Goal::Scenes(t) => (t, None),
        Goal::Choice { scene, choice } => {
            single = [scene];
            let c = story.scenes[scene]
                .choices()
                .iter()
                .find(|c| c.id == choice);
            (&single[..], c)
        }
    };
    let leads = leads_to_through_in(preds, targets, |_| true);
    let mut gates = gates(story, &leads);
    if let Some(w) = need.and_then(|c| c.when()) {
        gates.push(Gate {
            scene: targets[0],
            expr: w,
            negated: false,
        });
    }
    let ahead = gates_ahead(story, preds, &gates);
    let distance = Distance::new(story);
    // The gates ahead, by their set bits (not a test of every gate), and what weighing
    // them cost, for the budget.
    let score = |state: &GameState| -> (f64, usize) {
        let i = story.scene_position(&state.scene).unwrap_or(0);
        let mut sum = 0.0;
        let mut cost = ahead[i].len();
        for (w, &bits) in ahead[i].iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let g = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let gate = &gates[g];
                sum += distance.of(gate.expr, state, gate.negated, 0);
                cost += 1;
            }
        }
        (sum, cost)
    };
    let reached = |state: &GameState, entered: &[String]| match need {
        None => entered.iter().any(|s| {
            story
                .scene_position(s)
                .is_some_and(|i| targets.contains(&i))
        }),
        Some(c) => {
            story.scene_position(&state.scene).as_ref() == Some(&targets[0])
                && engine::is_available(&state.scene, c, state)
        }
    };
    let codec = Codec::new(story);
    let state_bytes = 8 * story.variables.len();
    let (first, events) = engine::start(story, seed)?;
    observer.events(&events, &[], &story.start, "");
    let mut tree = Tree::new();
    let root = tree.add(codec.key(&first), None).expect("empty tree");
    let first_entered: Vec<String> = events
        .into_iter()
        .filter_map(|e| match e {
            Event::SceneEntered { scene } => Some(scene),
            _ => None,
        })
        .collect();
    if reached(&first, &first_entered) {
        offer_now(story, &first, observer);
        return Ok(Some(Vec::new()));
    }
    // The kept states travel with the layer (at most `width` of them), so they are not
    // rebuilt from their keys.
    let mut layer = vec![(root, first)];
    let mut work = 0usize;
    let mut key_bytes = 0usize;
    let mut key_work = 0usize;
    for _ in 0..max_steps {
        let mut next_layer: Vec<(f64, u32, GameState)> = Vec::new();
        for (n, state) in &layer {
            let n = *n;
            if work > GUIDED_WORK || *budget == 0 {
                return Ok(None);
            }
            let moves = moves(story, state, observer, &|| tree.path(story, n));
            for mv in &moves {
                if work > GUIDED_WORK || key_work > KEY_WORK || *budget == 0 {
                    return Ok(None);
                }
                let Some(next) = apply(story, &codec, state, mv, observer, &|| tree.path(story, n))
                else {
                    continue;
                };
                work += 1;
                // A successor costs about as much as weighing 16 gates.
                *budget = budget.saturating_sub(16);
                let i = story.scene_position(&next.state.scene).unwrap_or(0);
                let hit = reached(&next.state, &next.entered);
                if !hit && !leads[i] {
                    continue;
                }
                let step = Some((n, next.step.0, next.step.1));
                let key = codec.key(&next.state);
                key_bytes += key.len();
                key_work += key.len() + state_bytes;
                if key_bytes > KEY_BYTES {
                    return Ok(None);
                }
                let Some(m) = tree.add(key, step) else {
                    continue;
                };
                if hit {
                    // The state is not expanded: report what it offers here.
                    offer_now(story, &next.state, observer);
                    return Ok(Some(tree.path(story, m)));
                }
                let (value, cost) = score(&next.state);
                *budget = budget.saturating_sub(cost);
                next_layer.push((value, m, next.state));
                // Only the best `width` are kept: trim as the layer grows, so that it
                // holds at most twice that many states (a stable sort keeps the order
                // of equal scores, so trimming early keeps the same ones).
                if next_layer.len() >= width.saturating_mul(2).max(2) {
                    next_layer.sort_by(|a, b| a.0.total_cmp(&b.0));
                    next_layer.truncate(width);
                }
            }
        }
        if next_layer.is_empty() {
            return Ok(None);
        }
        // Stable: equal scores keep the order they were met in, so runs repeat.
        next_layer.sort_by(|a, b| a.0.total_cmp(&b.0));
        next_layer.truncate(width);
        layer = next_layer.into_iter().map(|(_, m, s)| (m, s)).collect();
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            write_varint(&mut out, v);
            let mut at = 0;
            assert_eq!(read_varint(&out, &mut at), v);
            assert_eq!(at, out.len());
        }
    }
}
