//! The play state: everything that changes during a game, kept by the story's dense
//! indices and read by id.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::story::expr::Env;
use crate::story::layout::{Layout, UNRESOLVED};

/// One recorded step of a playthrough: in `scene`, the player took `choice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The scene the choice was made in.
    pub scene: String,
    /// The choice id taken.
    pub choice: String,
}

/// Everything that changes during a game.
///
/// Variables, visit counts, once-only choices and change records are kept by the dense
/// indices of the story's [`Layout`] (shared, not copied, by every state of a game), so
/// copying a state costs a few `memcpy`s; they are read by name through the methods
/// below. Saves and tools see names only.
#[derive(Clone, PartialEq)]
pub struct GameState {
    /// The seed the game started from.
    pub seed: u64,
    /// The scene the player is in.
    pub scene: String,
    /// Where `scene` stood in the story last played on: a cache beside the id (which is
    /// what saves and tools read), trusted only while that story's scene there still
    /// has the id (see [`GameState::scene_at`]).
    at: SceneAt,
    /// Variable values by index (flags are 0/1).
    vars: Vec<i64>,
    /// Times each entered scene was entered, as (scene index, count), sorted.
    visits: Vec<(u32, u32)>,
    /// Once-only choices already taken, as sorted slots of the layout.
    taken_once: Vec<u32>,
    /// Times each varying text block (`{seq:}` and kin) was shown, by
    /// `scene#slot` (`ending_id#slot` for an epilogue's). Counted on entering a scene.
    pub shown: BTreeMap<String, u32>,
    /// For each variable an effect has changed: (its index, the step that last changed
    /// it: 1-based into `path`, 0 for the game's opening), sorted. For showing state
    /// while testing.
    changed_at: Vec<(u32, usize)>,
    /// Drawn when the current scene was entered; picks its text variants.
    pub roll: u64,
    /// The one source of randomness.
    pub rng: ChaCha8Rng,
    /// Every choice made so far, in order.
    pub path: Vec<Step>,
    /// Set when an ending is reached.
    pub ending: Option<String>,
    /// The detours the player is inside, innermost last: for each, where play goes on
    /// when it returns (a scene id, or `<return>` to leave the enclosing one too).
    /// Bounded by [`MAX_DETOUR_DEPTH`](crate::limits::MAX_DETOUR_DEPTH).
    pub returns: Vec<String>,
    /// What the indices above mean.
    layout: Arc<Layout>,
    /// Where the game began, when not at the story's start (`play --from`): undo,
    /// saves and the replay viewer rebuild the game from here, not from the start.
    pub opening: Opening,
}

/// A position cached beside an id. It never makes two states differ: equal states are
/// the same game whatever was cached (a state loaded from a save has no position yet).
#[derive(Debug, Clone, Copy)]
struct SceneAt(u32);

impl PartialEq for SceneAt {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Where a game began: the story's start, or a chosen scene with chosen variable
/// values (`play --from SCENE --set NAME=VALUE`, see [`start_at`](super::start_at)).
/// Values are kept as written so an edited story checks them again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Opening {
    /// The scene it began in (`None`: the story's start).
    pub scene: Option<String>,
    /// Variables set before that scene was entered (`--set NAME=VALUE`), in order.
    pub overrides: Vec<(String, String)>,
}

impl Opening {
    /// Whether this is the ordinary beginning: the story's start, nothing set.
    #[must_use]
    pub fn is_start(&self) -> bool {
        self.scene.is_none() && self.overrides.is_empty()
    }
}

impl GameState {
    /// A game before any scene is entered: no scene, no visits, no choices, the
    /// generator seeded with `seed`, and `vars` as given (numbered by name, without a
    /// story; the engine adopts the story's numbering on the first step).
    #[must_use]
    pub fn new(seed: u64, vars: BTreeMap<String, i64>) -> Self {
        let layout = Layout::of_vars(vars);
        Self::fresh(seed, Arc::new(layout))
    }

    /// A game before any scene is entered on a story numbered by `layout`: every
    /// variable at its initial value. The one place a state is built from nothing.
    #[must_use]
    pub fn fresh(seed: u64, layout: Arc<Layout>) -> Self {
        Self {
            seed,
            scene: String::new(),
            at: SceneAt(UNRESOLVED),
            vars: layout.initial().to_vec(),
            visits: Vec::new(),
            taken_once: Vec::new(),
            shown: BTreeMap::new(),
            changed_at: Vec::new(),
            roll: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            path: Vec::new(),
            ending: None,
            returns: Vec::new(),
            layout,
            opening: Opening::default(),
        }
    }

    /// The position among `story`'s scenes of the scene the player is in: the one
    /// recorded when the engine entered it, checked against the id (a comparison, no
    /// hash), else looked up by id (a state loaded from a save, a story reloaded, or a
    /// `scene` set by hand).
    #[must_use]
    pub fn scene_at(&self, story: &crate::story::model::Story) -> Option<usize> {
        let at = self.at.0 as usize;
        if story.scenes.get(at).is_some_and(|s| s.id == self.scene) {
            Some(at)
        } else {
            story.scene_position(&self.scene)
        }
    }

    /// Moves the player to scene `at` of `story`, id and position together.
    pub(crate) fn set_scene(&mut self, story: &crate::story::model::Story, at: usize) {
        self.scene.clone_from(&story.scenes[at].id);
        self.at = SceneAt(crate::story::layout::ix(at));
    }

    /// The cached position, to put back with the id it belongs to (undoing a step).
    pub(crate) fn cached_at(&self) -> u32 {
        self.at.0
    }

    /// Puts back a position [`GameState::cached_at`] gave.
    pub(crate) fn restore_at(&mut self, at: u32) {
        self.at = SceneAt(at);
    }

    /// The numbering this state's values follow.
    #[must_use]
    pub fn layout(&self) -> &Arc<Layout> {
        &self.layout
    }

    /// Whether this state is numbered like `layout` (the same story load).
    #[must_use]
    pub fn follows(&self, layout: &Arc<Layout>) -> bool {
        Arc::ptr_eq(&self.layout, layout)
    }

    /// The value of a variable (0 if unknown).
    #[must_use]
    pub fn var(&self, name: &str) -> i64 {
        self.layout.var_ix(name).map_or(0, |i| self.vars[i])
    }

    /// The value of variable `i` of the layout.
    #[must_use]
    pub fn value(&self, i: usize) -> i64 {
        self.vars.get(i).copied().unwrap_or(0)
    }

    /// Every variable's value by index.
    #[must_use]
    pub fn values(&self) -> &[i64] {
        &self.vars
    }

    /// Sets variable `i` of the layout (bounds are the caller's business), for tools
    /// that rebuild a state from a summary of one.
    pub fn set_value(&mut self, i: usize, value: i64) {
        self.set_at(i, value);
    }

    /// Sets variable `i` (bounds are the caller's business).
    pub(crate) fn set_at(&mut self, i: usize, value: i64) {
        if let Some(v) = self.vars.get_mut(i) {
            *v = value;
        }
    }

    /// Sets a variable by name; false when the layout has no such variable.
    pub fn set_var(&mut self, name: &str, value: i64) -> bool {
        match self.layout.var_ix(name) {
            Some(i) => {
                self.vars[i] = value;
                true
            }
            None => false,
        }
    }

    /// Every variable with its value, by name.
    #[must_use]
    pub fn var_map(&self) -> BTreeMap<String, i64> {
        (0..self.vars.len())
            .map(|i| (self.layout.var_name(i).to_owned(), self.vars[i]))
            .collect()
    }

    /// Times the scene `id` was entered.
    #[must_use]
    pub fn visit_count(&self, id: &str) -> u32 {
        self.layout
            .scene_ix(id)
            .map_or(0, |i| self.visit_count_at(i))
    }

    /// Times scene `i` of the layout was entered.
    #[must_use]
    pub fn visit_count_at(&self, i: usize) -> u32 {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        self.visits
            .binary_search_by_key(&i, |&(s, _)| s)
            .map_or(0, |at| self.visits[at].1)
    }

    /// Every scene entered at least once, with its count, by layout index.
    pub fn visited(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.visits.iter().map(|&(s, n)| (s as usize, n))
    }

    /// Every scene entered at least once, with its count, by id.
    #[must_use]
    pub fn visit_map(&self) -> BTreeMap<String, u32> {
        self.visits
            .iter()
            .map(|&(s, n)| (self.layout.scene_id(s as usize).to_owned(), n))
            .collect()
    }

    /// Counts one more entry into scene `i`.
    pub(crate) fn count_visit(&mut self, i: usize) {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        match self.visits.binary_search_by_key(&i, |&(s, _)| s) {
            Ok(at) => self.visits[at].1 = self.visits[at].1.saturating_add(1),
            Err(at) => self.visits.insert(at, (i, 1)),
        }
    }

    /// Takes back one entry into scene `i`.
    pub(crate) fn uncount_visit(&mut self, i: usize) {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if let Ok(at) = self.visits.binary_search_by_key(&i, |&(s, _)| s) {
            self.visits[at].1 -= 1;
            if self.visits[at].1 == 0 {
                self.visits.remove(at);
            }
        }
    }

    /// Keeps the visit counts of the scenes `keep` says yes to (the searches drop
    /// counts no condition reads).
    pub fn retain_visits(&mut self, mut keep: impl FnMut(usize) -> bool) {
        self.visits.retain(|&(s, _)| keep(s as usize));
    }

    /// Whether the once-only choice in `slot` of the layout was taken.
    #[must_use]
    pub fn has_taken(&self, slot: u32) -> bool {
        self.taken_once.binary_search(&slot).is_ok()
    }

    /// Sets how many times scene `i` of the layout was entered (for tools that rebuild
    /// a state from a summary of one).
    pub fn set_visit_count(&mut self, i: usize, n: u32) {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        match (self.visits.binary_search_by_key(&i, |&(s, _)| s), n) {
            (Ok(at), 0) => {
                self.visits.remove(at);
            }
            (Ok(at), n) => self.visits[at].1 = n,
            (Err(_), 0) => {}
            (Err(at), n) => self.visits.insert(at, (i, n)),
        }
    }

    /// Records the once-only choice in `slot` as taken; false if it already was.
    pub fn take(&mut self, slot: u32) -> bool {
        match self.taken_once.binary_search(&slot) {
            Ok(_) => false,
            Err(at) => {
                self.taken_once.insert(at, slot);
                true
            }
        }
    }

    /// Puts back the once-only choices taken, as [`GameState::taken_slots`] gave them.
    pub(crate) fn restore_taken(&mut self, slots: Vec<u32>) {
        self.taken_once = slots;
    }

    /// The once-only choices taken, as layout slots (sorted).
    #[must_use]
    pub fn taken_slots(&self) -> &[u32] {
        &self.taken_once
    }

    /// The once-only choices taken, as `scene/choice` keys.
    #[must_use]
    pub fn taken_once(&self) -> BTreeSet<String> {
        self.taken_once
            .iter()
            .map(|&k| self.layout.once_key(k).to_owned())
            .collect()
    }

    /// Whether the once-only choice `scene/choice` was taken.
    #[must_use]
    pub fn has_taken_once(&self, key: &str) -> bool {
        self.layout
            .once_slot_of(key)
            .is_some_and(|k| self.has_taken(k))
    }

    /// The step that last changed a variable (1-based into `path`, 0 for the opening),
    /// or `None` while no effect has changed it.
    #[must_use]
    pub fn changed_at(&self, name: &str) -> Option<usize> {
        let i = u32::try_from(self.layout.var_ix(name)?).ok()?;
        self.changed_at
            .binary_search_by_key(&i, |&(v, _)| v)
            .ok()
            .map(|at| self.changed_at[at].1)
    }

    /// Records that variable `i` was changed at `step`.
    pub(crate) fn note_change(&mut self, i: usize, step: usize) {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        match self.changed_at.binary_search_by_key(&i, |&(v, _)| v) {
            Ok(at) => self.changed_at[at].1 = step,
            Err(at) => self.changed_at.insert(at, (i, step)),
        }
    }

    /// Forgets every change record (the searches never read them).
    pub fn clear_changes(&mut self) {
        self.changed_at.clear();
    }

    /// The change records, to put back after a failed step.
    pub(crate) fn changes(&self) -> &[(u32, usize)] {
        &self.changed_at
    }

    /// Puts back change records taken with [`GameState::changes`].
    pub(crate) fn restore_changes(&mut self, changes: Vec<(u32, usize)>) {
        self.changed_at = changes;
    }

    /// Renumbers this state to `layout` (another load of the story, perhaps edited):
    /// values carried over by name, anything the new layout lacks dropped, new
    /// variables at their initial values. Nothing to do when it already follows it.
    pub fn adopt(&mut self, layout: &Arc<Layout>) {
        if self.follows(layout) {
            return;
        }
        let old = std::mem::replace(&mut self.layout, Arc::clone(layout));
        let mut vars = layout.initial().to_vec();
        for (i, v) in vars.iter_mut().enumerate() {
            if let Some(j) = old.var_ix(layout.var_name(i)) {
                *v = self.vars[j];
            }
        }
        self.vars = vars;
        let mut visits: Vec<(u32, u32)> = self
            .visits
            .iter()
            .filter_map(|&(s, n)| {
                let i = layout.scene_ix(old.scene_id(s as usize))?;
                Some((u32::try_from(i).ok()?, n))
            })
            .collect();
        visits.sort_unstable();
        self.visits = visits;
        let mut taken: Vec<u32> = self
            .taken_once
            .iter()
            .filter_map(|&k| layout.once_slot_of(old.once_key(k)))
            .collect();
        taken.sort_unstable();
        self.taken_once = taken;
        let mut changes: Vec<(u32, usize)> = self
            .changed_at
            .iter()
            .filter_map(|&(v, step)| {
                let i = layout.var_ix(old.var_name(v as usize))?;
                Some((u32::try_from(i).ok()?, step))
            })
            .collect();
        changes.sort_unstable();
        self.changed_at = changes;
    }

    /// Whether the game is over.
    #[must_use]
    pub fn is_over(&self) -> bool {
        self.ending.is_some()
    }
}

impl std::fmt::Debug for GameState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let changed: BTreeMap<&str, usize> = self
            .changed_at
            .iter()
            .map(|&(v, s)| (self.layout.var_name(v as usize), s))
            .collect();
        f.debug_struct("GameState")
            .field("seed", &self.seed)
            .field("scene", &self.scene)
            .field("vars", &self.var_map())
            .field("visits", &self.visit_map())
            .field("taken_once", &self.taken_once())
            .field("shown", &self.shown)
            .field("changed_at", &changed)
            .field("roll", &self.roll)
            .field("path", &self.path)
            .field("ending", &self.ending)
            .field("returns", &self.returns)
            .finish_non_exhaustive()
    }
}

/// Where a varying block's count is kept: `context#slot`, the context being the scene
/// (paragraphs and choice labels) or the ending (its epilogue).
#[must_use]
pub fn shown_key(context: &str, slot: u32) -> String {
    format!("{context}#{slot}")
}

/// The state, read from inside one scene's (or ending's) texts: varying blocks find
/// their counts under that context.
pub(crate) struct Within<'a> {
    pub state: &'a GameState,
    pub context: &'a str,
    /// While counting: report each count one higher, as it will be once counted.
    pub ahead: u32,
}

impl Env for Within<'_> {
    fn var(&self, name: &str) -> i64 {
        self.state.var(name)
    }
    fn visits(&self, scene: &str) -> i64 {
        Env::visits(self.state, scene)
    }
    // The engine renders with a state numbered as the story it renders (`bound`), so a
    // resolved index is the variable's or scene's own: no name compared.
    fn var_at(&self, ix: u32, name: &str) -> i64 {
        Env::var_at(&Indexed(self.state), ix, name)
    }
    fn visits_at(&self, ix: u32, scene: &str) -> i64 {
        Env::visits_at(&Indexed(self.state), ix, scene)
    }
    fn shown(&self, slot: u32) -> u32 {
        let key = shown_key(self.context, slot);
        self.state.shown.get(&key).copied().unwrap_or(0) + self.ahead
    }
    fn shuffle_seed(&self) -> u64 {
        // Stable for the game, different per context: FNV-1a over the context mixed
        // with the seed.
        let h = self
            .context
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        crate::story::text::mix(self.state.seed, h)
    }
}

/// A state known to follow the layout of the story whose expressions read it (the
/// engine adopts the story's layout before each step): reads straight by index.
pub(crate) struct Indexed<'a>(pub &'a GameState);

impl Env for Indexed<'_> {
    fn var(&self, name: &str) -> i64 {
        self.0.var(name)
    }
    fn visits(&self, scene: &str) -> i64 {
        i64::from(self.0.visit_count(scene))
    }
    fn var_at(&self, ix: u32, name: &str) -> i64 {
        match self.0.vars.get(ix as usize) {
            Some(&v) => v,
            None => self.0.var(name),
        }
    }
    fn visits_at(&self, ix: u32, scene: &str) -> i64 {
        if ix == UNRESOLVED {
            return i64::from(self.0.visit_count(scene));
        }
        i64::from(self.0.visit_count_at(ix as usize))
    }
}

/// Reads by index when the state's layout numbers that name as the expression's does
/// (always, for a state on the story the expression came from), by name otherwise: a
/// state built elsewhere still evaluates right.
impl Env for GameState {
    fn var(&self, name: &str) -> i64 {
        GameState::var(self, name)
    }
    fn visits(&self, scene: &str) -> i64 {
        i64::from(self.visit_count(scene))
    }
    fn var_at(&self, ix: u32, name: &str) -> i64 {
        let i = ix as usize;
        if ix != UNRESOLVED && i < self.vars.len() && self.layout.var_name(i) == name {
            self.vars[i]
        } else {
            GameState::var(self, name)
        }
    }
    fn visits_at(&self, ix: u32, scene: &str) -> i64 {
        let i = ix as usize;
        if ix != UNRESOLVED && self.layout.scene_count() > i && self.layout.scene_id(i) == scene {
            i64::from(self.visit_count_at(i))
        } else {
            i64::from(self.visit_count(scene))
        }
    }
}
