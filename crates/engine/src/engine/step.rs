//! The rules: starting a game, listing choices, applying one, replaying a path.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use rand::Rng;

use super::state::{GameState, Indexed, Step, Within, shown_key};
use crate::limits::MAX_DETOUR_DEPTH;
use crate::story::expr::{AssignOp, Effect};
use crate::story::model::{CONTINUE, Choice, Exit, RETURN, Route, Scene, Story};

/// Most automatic hops (junction to junction) before we call it a loop.
const MAX_JUNCTION_HOPS: usize = 10_000;

/// No position known (the story's graph marks unresolved targets so too).
const NOWHERE: u32 = u32::MAX;

/// A scene to enter: its id, and its position as the story's graph resolved it at load
/// ([`NOWHERE`] when not known). The position is used when the scene there has the id
/// (a comparison, no hash); otherwise the id is looked up.
#[derive(Debug, Clone, Copy)]
struct Target<'t> {
    id: &'t str,
    at: u32,
}

/// Something that happened while applying a choice, for front ends to show or log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The player arrived in a scene (junctions included).
    SceneEntered {
        /// Its id.
        scene: String,
    },
    /// An effect changed a variable.
    VariableChanged {
        /// The variable.
        name: String,
        /// Before.
        from: i64,
        /// After (already clamped).
        to: i64,
    },
    /// A chance was drawn.
    ChanceDrawn {
        /// The choice carrying the chance.
        choice: String,
        /// Its odds.
        percent: u8,
        /// Whether the detour was taken.
        hit: bool,
    },
    /// An expression divided by zero (see [`Expr::eval`](crate::story::expr::Expr::eval)):
    /// its value saturated and play went on, but the story has a bug worth showing its
    /// author. Effects, routes and the chosen choice's condition are traced.
    DivisionByZero {
        /// The scene the player was in.
        scene: String,
        /// The expression, as the engine understood it.
        expression: String,
    },
    /// The game ended.
    EndingReached {
        /// The ending id.
        ending: String,
    },
}

/// Why a choice could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The state names a scene the story does not have.
    #[error("scene `{0}` does not exist in this story")]
    MissingScene(String),
    /// No choice with that id in this scene.
    #[error("scene `{scene}` has no choice `{choice}`")]
    UnknownChoice {
        /// The scene.
        scene: String,
        /// The id asked for.
        choice: String,
    },
    /// The choice exists but is not available now.
    #[error("choice `{choice}` is not available in scene `{scene}` now")]
    Unavailable {
        /// The scene.
        scene: String,
        /// The choice.
        choice: String,
    },
    /// The game has already ended.
    #[error("the game is over")]
    GameOver,
    /// Automatic routes kept leading to more automatic routes.
    #[error("automatic routes loop forever from `{0}`")]
    RouteLoop(String),
    /// A scene ending in choices offers none right now.
    #[error("no choice is available in scene `{0}`")]
    Stuck(String),
    /// A `<return>` was reached outside any detour (`check` refuses stories where
    /// that can happen: E0601).
    #[error("scene `{0}` returns from a detour, but no detour was taken")]
    NowhereToReturn(String),
    /// A detour was taken with [`MAX_DETOUR_DEPTH`] already open (`check` refuses
    /// stories where that can happen: E0602, E0603).
    #[error("scene `{0}` takes a detour with {MAX_DETOUR_DEPTH} already open")]
    DetourTooDeep(String),
}

/// A choice as the player sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceView {
    /// The id to pass to [`choose`].
    pub id: String,
    /// The rendered label.
    pub label: String,
    /// False for choices shown dimmed.
    pub enabled: bool,
    /// Why it is dimmed.
    pub reason: Option<String>,
    /// The choice's `tags:` (free text, for front ends and tools).
    pub tags: Vec<String>,
}

/// The current scene as the player sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SceneView {
    /// Scene id.
    pub id: String,
    /// Chapter title.
    pub chapter: String,
    /// Date label.
    pub date: String,
    /// Place label.
    pub place: String,
    /// Rendered paragraphs (empty ones dropped).
    pub paragraphs: Vec<String>,
    /// The `{# tag}`s each shown paragraph reached, one list per paragraph.
    pub paragraph_tags: Vec<Vec<String>>,
    /// The scene's `tags:`.
    pub tags: Vec<String>,
    /// At an ending: its id, title and rendered epilogue.
    pub ending: Option<EndingView>,
}

/// A reached ending, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingView {
    /// Ending id.
    pub id: String,
    /// Ending title.
    pub title: String,
    /// Rendered epilogue.
    pub epilogue: Vec<String>,
}

/// Starts a new game.
///
/// # Errors
/// When the story's start scene is missing, or its opening routes loop.
pub fn start(story: &Story, seed: u64) -> Result<(GameState, Vec<Event>), EngineError> {
    let mut state = initial_state(story, seed);
    let mut events = Vec::new();
    let at = story.start_at().map_or(NOWHERE, crate::story::layout::ix);
    enter(
        story,
        &mut state,
        Target {
            id: &story.start,
            at,
        },
        &mut events,
        &mut Vec::new(),
    )?;
    Ok((state, events))
}

/// A state before any scene is entered: every variable at its initial value.
pub(super) fn initial_state(story: &Story, seed: u64) -> GameState {
    GameState::fresh(seed, Arc::clone(story.layout()))
}

/// `state` numbered as `story` numbers things: itself, unless it was built on another
/// load of the story (then a renumbered copy).
fn bound<'a>(story: &Story, state: &'a GameState) -> Cow<'a, GameState> {
    if state.follows(story.layout()) {
        Cow::Borrowed(state)
    } else {
        let mut copy = state.clone();
        copy.adopt(story.layout());
        Cow::Owned(copy)
    }
}

/// The scene the player is in, with its position: found by the position the state
/// keeps beside its id ([`GameState::scene_at`]), not by hashing the id.
fn current<'s>(story: &'s Story, state: &GameState) -> Result<(usize, &'s Scene), EngineError> {
    state
        .scene_at(story)
        .map(|at| (at, &story.scenes[at]))
        .ok_or_else(|| EngineError::MissingScene(state.scene.clone()))
}

/// The choices offered now: available ones, and unavailable ones that have a
/// `disabled` reason (marked not enabled). Empty at an ending.
#[must_use]
pub fn choices(story: &Story, state: &GameState) -> Vec<ChoiceView> {
    if state.is_over() {
        return Vec::new();
    }
    let state = &*bound(story, state);
    let Ok((at, scene)) = current(story, state) else {
        return Vec::new();
    };
    let within = Within {
        state,
        context: &scene.id,
        ahead: 0,
    };
    match &scene.exit {
        Exit::Choices(_) => shown_choices(scene, Some(at), state)
            .map(|(c, ok)| ChoiceView {
                id: c.id.to_string(),
                label: c.label.render(&within, state.roll),
                enabled: ok,
                reason: if ok {
                    None
                } else {
                    c.disabled().map(str::to_owned)
                },
                tags: c.tags().to_vec(),
            })
            .collect(),
        Exit::Routes(_) => vec![ChoiceView {
            id: CONTINUE.to_owned(),
            label: story.words.continue_label.clone(),
            enabled: true,
            reason: None,
            tags: Vec::new(),
        }],
        Exit::Ending(_) => Vec::new(),
    }
}

/// The choices a player sees in `scene` now, each with whether it is enabled: the
/// available ones, and the unavailable ones that have a `disabled` reason. `at`: the
/// scene's position in the state's numbering (`None`: looked up if a once-only choice
/// needs it).
fn shown_choices<'s>(
    scene: &'s Scene,
    at: Option<usize>,
    state: &GameState,
) -> impl Iterator<Item = (&'s Choice, bool)> {
    let at = position(scene, at, state);
    scene
        .choices()
        .iter()
        .enumerate()
        .filter(move |&(k, c)| !(c.once && taken(state, at, k)))
        .filter_map(|(_, c)| {
            let ok = condition_holds(c, state);
            (ok || c.disabled().is_some()).then_some((c, ok))
        })
}

/// How many choices a player sees in `scene` now (enabled, or dimmed with a reason):
/// what [`choices`] would list, without rendering a label. For the authoring tools,
/// which only need to know whether a menu offers anything to decide.
#[must_use]
pub fn shown_count(scene: &Scene, state: &GameState) -> usize {
    shown_choices(scene, None, state).count()
}

/// `scene`'s position in `state`'s numbering, for its once-only choices' slots: `at`
/// when given, else looked up by id, and only when the scene has a once-only choice
/// (most have none).
fn position(scene: &Scene, at: Option<usize>, state: &GameState) -> Option<usize> {
    at.or_else(|| {
        scene
            .choices()
            .iter()
            .any(|c| c.once)
            .then(|| state.layout().scene_ix(&scene.id))
            .flatten()
    })
}

/// Counts one showing of every varying block (`{seq:}` and kin) the player is about to
/// see in the scene just entered: its paragraphs and choice labels, or at an ending its
/// epilogue. Counting here, once per entry, keeps rendering pure and redraws stable.
fn count_shown_blocks(story: &Story, state: &mut GameState, s: &Scene, at: usize) {
    let mut reached: Vec<String> = Vec::new();
    {
        let within = Within {
            state,
            context: &s.id,
            ahead: 1,
        };
        let mut note = |slot| reached.push(shown_key(&s.id, slot));
        for t in s.text.iter().filter(|t| t.varies()) {
            t.for_each_shown_block(&within, state.roll, &mut note);
        }
        for (c, _) in shown_choices(s, Some(at), state).filter(|(c, _)| c.label.varies()) {
            c.label.for_each_shown_block(&within, state.roll, &mut note);
        }
        if let Some(e) = state.ending.as_deref().and_then(|id| story.ending(id)) {
            let within = Within {
                state,
                context: &e.id,
                ahead: 1,
            };
            let mut note = |slot| reached.push(shown_key(&e.id, slot));
            for t in e.epilogue.iter().filter(|t| t.varies()) {
                t.for_each_shown_block(&within, state.roll, &mut note);
            }
        }
    }
    for key in reached {
        *state.shown.entry(key).or_insert(0) += 1;
    }
}

/// Whether the once-only choice at `position` in the scene at `scene` (the state's
/// numbering) was taken.
fn taken(state: &GameState, scene: Option<usize>, position: usize) -> bool {
    scene
        .and_then(|s| state.layout().once_slot(s, position))
        .is_some_and(|k| state.has_taken(k))
}

fn condition_holds(choice: &Choice, state: &GameState) -> bool {
    choice.when().is_none_or(|w| w.holds(state))
}

/// Whether `choice` of scene `scene` can be taken now: its condition holds and, if it
/// is once-only, it has not been taken. What [`choices`] and [`choose`] decide, for the
/// authoring tools.
#[must_use]
pub fn is_available(scene: &str, choice: &Choice, state: &GameState) -> bool {
    condition_holds(choice, state)
        && !(choice.once && state.has_taken_once(&format!("{scene}/{}", choice.id)))
}

/// The ids of what can be taken now in `scene` (`continue` for routes, nothing at an
/// ending): what [`choices`] offers as enabled, without rendering a label. For the
/// authoring tools' searches, which step millions of states.
#[must_use]
pub fn available<'s>(scene: &'s Scene, state: &GameState) -> Vec<&'s str> {
    let here = position(scene, None, state);
    match &scene.exit {
        Exit::Choices(list) => list
            .iter()
            .enumerate()
            .filter(|&(at, c)| condition_holds(c, state) && !(c.once && taken(state, here, at)))
            .map(|(_, c)| c.id.as_str())
            .collect(),
        Exit::Routes(_) => vec![CONTINUE],
        Exit::Ending(_) => Vec::new(),
    }
}

/// Where in `scene`'s list of choices the ones that can be taken now stand (empty for
/// routes and endings): [`available`] by position, for searches that index by it.
#[must_use]
pub fn available_positions(scene: &Scene, state: &GameState) -> Vec<usize> {
    let here = position(scene, None, state);
    scene
        .choices()
        .iter()
        .enumerate()
        .filter(|&(at, c)| condition_holds(c, state) && !(c.once && taken(state, here, at)))
        .map(|(at, _)| at)
        .collect()
}

/// How the chance of a choice (if it has one) is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// By the game's seeded generator: what play does.
    Random,
    /// The detour is taken, whatever the generator says.
    Hit,
    /// The detour is not taken, whatever the generator says.
    Miss,
}

/// An effect that asked for a value outside its variable's bounds, and got the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clamped {
    /// The variable.
    pub name: String,
    /// The value the effect computed.
    pub wanted: i64,
    /// The value kept (a bound).
    pub kept: i64,
}

/// Applies the choice `choice_id` in the current scene.
///
/// # Errors
/// When the choice does not exist or is not available, or the game is over. The state
/// is unchanged on error.
pub fn choose(
    story: &Story,
    state: &mut GameState,
    choice_id: &str,
) -> Result<Vec<Event>, EngineError> {
    choose_with(story, state, choice_id, Draw::Random).map(|(events, _)| events)
}

/// Like [`choose`], for authoring tools: decides a chance as `draw` says, and also
/// returns every effect that ran into its variable's bounds.
///
/// The generator is still advanced exactly as in [`choose`], so the rest of the game's
/// random texture is unchanged; explore uses this to follow both sides of a chance.
///
/// # Errors
/// As [`choose`].
pub fn choose_with(
    story: &Story,
    state: &mut GameState,
    choice_id: &str,
    draw: Draw,
) -> Result<(Vec<Event>, Vec<Clamped>), EngineError> {
    choose_at(story, state, choice_id, None, draw)
}

/// [`choose_with`] for a caller that knows where the choice sits in its scene's list
/// (`position`, checked against `choice_id`): a search trying every choice of a scene
/// with thousands of them would otherwise look each one up by a scan.
///
/// # Errors
/// As [`choose`].
pub fn choose_at(
    story: &Story,
    state: &mut GameState,
    choice_id: &str,
    position: Option<usize>,
    draw: Draw,
) -> Result<(Vec<Event>, Vec<Clamped>), EngineError> {
    // Most errors are found before anything changes, but automatic routes that loop
    // are only found part-way through entering the next scene. Rather than copying the
    // state on every step (visits and flags grow with the game), undo what the events
    // say happened: they record every variable's old value and every scene entered.
    state.adopt(story.layout());
    let (scene_before, at_before) = (state.scene.clone(), state.cached_at());
    let (roll, rng, ending) = (state.roll, state.rng.clone(), state.ending.clone());
    let (steps, once) = (state.path.len(), state.taken_slots().to_vec());
    // Varying-block counts are few (only blocks actually shown are counted).
    let (shown, changed_at) = (state.shown.clone(), state.changes().to_vec());
    // At most `MAX_DETOUR_DEPTH` short ids.
    let returns = state.returns.clone();
    let mut events = Vec::new();
    let mut clamps = Vec::new();
    match apply_choice(
        story,
        state,
        (choice_id, position),
        draw,
        &mut events,
        &mut clamps,
    ) {
        Ok(()) => Ok((events, clamps)),
        Err(e) => {
            for ev in events.iter().rev() {
                match ev {
                    Event::VariableChanged { name, from, .. } => {
                        state.set_var(name, *from);
                    }
                    Event::SceneEntered { scene } => {
                        if let Some(i) = story.scene_position(scene) {
                            state.uncount_visit(i);
                        }
                    }
                    Event::ChanceDrawn { .. }
                    | Event::EndingReached { .. }
                    | Event::DivisionByZero { .. } => {}
                }
            }
            state.restore_taken(once);
            state.path.truncate(steps);
            state.shown = shown;
            state.restore_changes(changed_at);
            state.returns = returns;
            state.scene = scene_before;
            state.restore_at(at_before);
            (state.roll, state.rng, state.ending) = (roll, rng, ending);
            Err(e)
        }
    }
}

fn apply_choice(
    story: &Story,
    state: &mut GameState,
    (choice_id, position): (&str, Option<usize>),
    draw: Draw,
    events: &mut Vec<Event>,
    clamps: &mut Vec<Clamped>,
) -> Result<(), EngineError> {
    if state.is_over() {
        return Err(EngineError::GameOver);
    }
    let (here_at, here) = current(story, state)?;
    // Where step `k` of this scene leads, as the story's graph resolved it at load.
    let step = |k: usize| {
        story
            .step_targets(here_at, k)
            .unwrap_or((NOWHERE, NOWHERE, NOWHERE))
    };
    let target = match &here.exit {
        Exit::Routes(routes) => {
            if choice_id != CONTINUE {
                return Err(EngineError::UnknownChoice {
                    scene: here.id.clone(),
                    choice: choice_id.to_owned(),
                });
            }
            let (k, route) = pick_route(routes, state, events)
                .ok_or_else(|| EngineError::Stuck(here.id.clone()))?;
            let (goto, detour, _) = step(k);
            way(route.goto.as_str(), goto, route.detour.as_deref(), detour)
        }
        Exit::Ending(_) => return Err(EngineError::GameOver),
        Exit::Choices(list) => {
            let at = position
                .filter(|&p| list.get(p).is_some_and(|c| c.id == choice_id))
                .or_else(|| list.iter().position(|c| c.id == choice_id))
                .ok_or_else(|| EngineError::UnknownChoice {
                    scene: here.id.clone(),
                    choice: choice_id.to_owned(),
                })?;
            let c = &list[at];
            let (goto, detour, chance) = step(at);
            // Only once-only choices have a slot.
            let key = if c.once {
                story.layout().once_slot(here_at, at)
            } else {
                None
            };
            let available = c.when().is_none_or(|w| traced(w, state, events) != 0)
                && key.is_none_or(|k| !state.has_taken(k));
            if !available {
                return Err(EngineError::Unavailable {
                    scene: here.id.clone(),
                    choice: c.id.to_string(),
                });
            }
            if let Some(key) = key {
                state.take(key);
            }
            apply_effects(
                story,
                state,
                &c.effects,
                events,
                clamps,
                state.path.len() + 1,
            );
            match c.chance() {
                Some(ch) => {
                    let rolled = state.rng.next_u32() % 100 < u32::from(ch.percent);
                    let hit = match draw {
                        Draw::Random => rolled,
                        Draw::Hit => true,
                        Draw::Miss => false,
                    };
                    events.push(Event::ChanceDrawn {
                        choice: c.id.to_string(),
                        percent: ch.percent,
                        hit,
                    });
                    if hit {
                        apply_effects(
                            story,
                            state,
                            &ch.effects,
                            events,
                            clamps,
                            state.path.len() + 1,
                        );
                        way(ch.goto.as_str(), chance, c.detour(), detour)
                    } else {
                        way(c.goto.as_str(), goto, c.detour(), detour)
                    }
                }
                None => way(c.goto.as_str(), goto, c.detour(), detour),
            }
        }
    };
    let target = take_detour(state, &here.id, target)?;
    state.path.push(Step {
        scene: here.id.clone(),
        choice: choice_id.to_owned(),
    });
    enter(story, state, target, events, clamps)
}

/// The first route whose condition holds, with its place among the routes.
fn pick_route<'r>(
    routes: &'r [Route],
    state: &GameState,
    events: &mut Vec<Event>,
) -> Option<(usize, &'r Route)> {
    routes
        .iter()
        .enumerate()
        .find(|(_, r)| r.when().is_none_or(|w| traced(w, state, events) != 0))
}

/// A step's `goto` and `detour` (ids written, with the positions resolved at load).
fn way<'t>(
    goto: &'t str,
    goto_at: u32,
    detour: Option<&'t str>,
    detour_at: u32,
) -> (Target<'t>, Option<Target<'t>>) {
    (
        Target {
            id: goto,
            at: goto_at,
        },
        detour.map(|id| Target { id, at: detour_at }),
    )
}

/// Where a step from scene `from` leads: `goto`, or with a `detour`, the detour's scene,
/// `goto` being kept on the return stack for when the detour returns.
fn take_detour<'t>(
    state: &mut GameState,
    from: &str,
    (goto, detour): (Target<'t>, Option<Target<'t>>),
) -> Result<Target<'t>, EngineError> {
    let Some(detour) = detour else {
        return Ok(goto);
    };
    if state.returns.len() >= MAX_DETOUR_DEPTH {
        return Err(EngineError::DetourTooDeep(from.to_owned()));
    }
    state.returns.push(goto.id.to_owned());
    Ok(detour)
}

/// Evaluates `e`, recording an [`Event::DivisionByZero`] if it divided by zero.
fn traced(e: &crate::story::expr::Expr, state: &GameState, events: &mut Vec<Event>) -> i64 {
    let mut divided_by_zero = false;
    let value = e.eval_traced(&Indexed(state), &mut divided_by_zero);
    if divided_by_zero {
        events.push(Event::DivisionByZero {
            scene: state.scene.clone(),
            expression: e.to_string(),
        });
    }
    value
}

/// Enters the scene with id `target` (from outside the engine: no position known).
pub(super) fn enter_id(
    story: &Story,
    state: &mut GameState,
    target: &str,
    events: &mut Vec<Event>,
    clamps: &mut Vec<Clamped>,
) -> Result<(), EngineError> {
    let target = Target {
        id: target,
        at: NOWHERE,
    };
    enter(story, state, target, events, clamps)
}

fn enter<'s>(
    story: &'s Story,
    state: &mut GameState,
    target: Target<'s>,
    events: &mut Vec<Event>,
    clamps: &mut Vec<Clamped>,
) -> Result<(), EngineError> {
    // Ids from the story are borrowed; only a detour's return is an owned id.
    let mut id: Cow<'s, str> = Cow::Borrowed(target.id);
    let mut hint = target.at;
    for _ in 0..MAX_JUNCTION_HOPS {
        if id == RETURN {
            // Leaving a detour: play goes on where the step that took it said.
            id = Cow::Owned(
                state
                    .returns
                    .pop()
                    .ok_or_else(|| EngineError::NowhereToReturn(state.scene.clone()))?,
            );
            hint = NOWHERE;
            continue;
        }
        // The position resolved at load, when the scene there has the id; else the id
        // looked up (a return, a scene named from outside the engine).
        let at = match story.scenes.get(hint as usize) {
            Some(s) if s.id == *id => hint as usize,
            _ => story
                .scene_position(&id)
                .ok_or_else(|| EngineError::MissingScene(id.clone().into_owned()))?,
        };
        let s = &story.scenes[at];
        state.set_scene(story, at);
        state.count_visit(at);
        state.roll = state.rng.next_u64();
        events.push(Event::SceneEntered {
            scene: s.id.clone(),
        });
        apply_effects(story, state, &s.on_enter, events, clamps, state.path.len());
        match &s.exit {
            Exit::Ending(e) => {
                state.ending = Some(e.clone());
                events.push(Event::EndingReached { ending: e.clone() });
                count_shown_blocks(story, state, s, at);
                return Ok(());
            }
            Exit::Routes(routes) if s.is_junction() => {
                let (k, route) = pick_route(routes, state, events)
                    .ok_or_else(|| EngineError::Stuck(s.id.clone()))?;
                let (goto, detour, _) = story
                    .step_targets(at, k)
                    .unwrap_or((NOWHERE, NOWHERE, NOWHERE));
                let next = take_detour(
                    state,
                    &s.id,
                    way(&route.goto, goto, route.detour.as_deref(), detour),
                )?;
                id = Cow::Borrowed(next.id);
                hint = next.at;
            }
            _ => {
                count_shown_blocks(story, state, s, at);
                return Ok(());
            }
        }
    }
    Err(EngineError::RouteLoop(id.into_owned()))
}

fn apply_effects(
    story: &Story,
    state: &mut GameState,
    effects: &[Effect],
    events: &mut Vec<Event>,
    clamps: &mut Vec<Clamped>,
    step: usize,
) {
    for e in effects {
        if e.guard
            .as_ref()
            .is_some_and(|g| traced(g, state, events) == 0)
        {
            continue;
        }
        let Some((at, var)) = e
            .target
            .index()
            .map(|i| i as usize)
            .or_else(|| story.layout().var_ix(&e.target))
            .and_then(|i| Some((i, story.variables.get(i)?)))
        else {
            continue;
        };
        let from = state.value(at);
        let amount = traced(&e.value, state, events);
        let raw = match e.op {
            AssignOp::Set => amount,
            AssignOp::Add => from.saturating_add(amount),
            AssignOp::Sub => from.saturating_sub(amount),
        };
        let to = var.clamp(raw);
        if to != from {
            state.set_at(at, to);
            state.note_change(at, step);
            events.push(Event::VariableChanged {
                name: var.name.clone(),
                from,
                to,
            });
        }
        if to != raw {
            clamps.push(Clamped {
                name: var.name.clone(),
                wanted: raw,
                kept: to,
            });
        }
    }
}

/// The current scene, rendered for display.
///
/// # Errors
/// When the state names a scene the story does not have.
pub fn render(story: &Story, state: &GameState) -> Result<SceneView, EngineError> {
    let state = &*bound(story, state);
    let (_, s) = current(story, state)?;
    let within = Within {
        state,
        context: &s.id,
        ahead: 0,
    };
    let (paragraphs, paragraph_tags) = s
        .text
        .iter()
        .map(|t| {
            let (text, tags) = t.render_tagged(&within, state.roll);
            (text.trim().to_owned(), tags)
        })
        .filter(|(p, _)| !p.is_empty())
        .unzip();
    let ending = state
        .ending
        .as_ref()
        .and_then(|id| story.ending(id))
        .map(|e| EndingView {
            id: e.id.clone(),
            title: e.title.clone(),
            epilogue: e
                .epilogue
                .iter()
                .map(|t| {
                    let within = Within {
                        state,
                        context: &e.id,
                        ahead: 0,
                    };
                    t.render(&within, state.roll).trim().to_owned()
                })
                .filter(|p| !p.is_empty())
                .collect(),
        });
    Ok(SceneView {
        paragraph_tags,
        tags: s.tags.clone(),
        id: s.id.clone(),
        chapter: s.chapter.to_string(),
        date: s.date.to_string(),
        place: s.place.to_string(),
        paragraphs,
        ending,
    })
}

/// Where a recorded path stopped matching the story.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    /// 0-based index of the first step that could not be replayed.
    pub step: usize,
    /// The scene the step was recorded in.
    pub scene: String,
    /// The choice it recorded.
    pub choice: String,
    /// What went wrong.
    pub reason: String,
    /// The state after the last good step.
    pub last_good: Box<GameState>,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No choice means the game could not even begin (or ended up elsewhere at once).
        if self.choice.is_empty() {
            return write!(f, "at the start (scene `{}`): {}", self.scene, self.reason);
        }
        write!(
            f,
            "step {} (scene `{}`, choice `{}`): {}",
            self.step + 1,
            self.scene,
            self.choice,
            self.reason
        )
    }
}

/// Replays a recorded path from a seed.
///
/// # Errors
/// The first step that no longer applies, with the state just before it.
pub fn replay(story: &Story, seed: u64, steps: &[Step]) -> Result<GameState, Divergence> {
    replay_checked(story, seed, steps, |_, _| Ok(()))
}

/// Replays a recorded path like [`replay`], calling `check(i, state)` after step `i`
/// is applied; an `Err(reason)` from it stops the replay there.
///
/// Saves use it to compare each step's outcome with what was recorded, so a story edit
/// that only changes numbers is still pinned to the step where it first shows.
///
/// # Errors
/// The first step that no longer applies or fails the check, with the state just
/// before it.
pub fn replay_checked(
    story: &Story,
    seed: u64,
    steps: &[Step],
    check: impl FnMut(usize, &GameState) -> Result<(), String>,
) -> Result<GameState, Divergence> {
    let (first, _) = start(story, seed).map_err(|e| Divergence {
        step: 0,
        scene: story.start.clone(),
        choice: String::new(),
        reason: e.to_string(),
        last_good: Box::new(empty_state(seed)),
    })?;
    replay_from_checked(story, &first, steps, check)
}

/// Replays a recorded path from a given first state (a game begun with
/// [`start`] or [`start_at`](super::start_at)).
///
/// # Errors
/// The first step that no longer applies, with the state just before it.
pub fn replay_from(
    story: &Story,
    first: &GameState,
    steps: &[Step],
) -> Result<GameState, Divergence> {
    replay_from_checked(story, first, steps, |_, _| Ok(()))
}

/// Replays a recorded path from a given first state like [`replay_from`], calling
/// `check(i, state)` after step `i` as [`replay_checked`] does.
///
/// # Errors
/// The first step that no longer applies or fails the check, with the state just
/// before it.
pub fn replay_from_checked(
    story: &Story,
    first: &GameState,
    steps: &[Step],
    mut check: impl FnMut(usize, &GameState) -> Result<(), String>,
) -> Result<GameState, Divergence> {
    let mut state = first.clone();
    for (i, step) in steps.iter().enumerate() {
        let diverge = |state: GameState, reason: String| Divergence {
            step: i,
            scene: step.scene.clone(),
            choice: step.choice.clone(),
            reason,
            last_good: Box::new(state),
        };
        if state.scene != step.scene {
            let reason = format!("the story now leads to `{}` instead", state.scene);
            return Err(diverge(state, reason));
        }
        let failure = match choose(story, &mut state, &step.choice) {
            Ok(_) => check(i, &state).err(),
            Err(e) => Some(e.to_string()),
        };
        if let Some(reason) = failure {
            // Rare: rebuild the state before this step rather than cloning every step.
            let before = replay_from(story, first, &steps[..i]).unwrap_or(state);
            return Err(diverge(before, reason));
        }
    }
    Ok(state)
}

fn empty_state(seed: u64) -> GameState {
    GameState::new(seed, BTreeMap::new())
}
