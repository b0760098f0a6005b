//! The play state: everything that changes during a game, referring to content by id.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::story::expr::Env;

/// One recorded step of a playthrough: in `scene`, the player took `choice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The scene the choice was made in.
    pub scene: String,
    /// The choice id taken.
    pub choice: String,
}

/// Everything that changes during a game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameState {
    /// The seed the game started from.
    pub seed: u64,
    /// The scene the player is in.
    pub scene: String,
    /// Variable values by name (flags are 0/1).
    pub vars: BTreeMap<String, i64>,
    /// Times each scene was entered.
    pub visits: BTreeMap<String, u32>,
    /// `scene/choice` keys of once-only choices already taken.
    pub taken_once: BTreeSet<String>,
    /// Times each varying text block (`{seq:}` and kin) was shown, by
    /// `scene#slot` (`ending_id#slot` for an epilogue's). Counted on entering a scene.
    #[serde(default)]
    pub shown: BTreeMap<String, u32>,
    /// For each variable an effect has changed: the step that last changed it (1-based,
    /// into `path`; 0 for the game's opening). For showing state while testing.
    #[serde(default)]
    pub changed_at: BTreeMap<String, usize>,
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
    #[serde(default)]
    pub returns: Vec<String>,
}

impl GameState {
    /// A game before any scene is entered: no scene, no visits, no choices, the
    /// generator seeded with `seed`, and `vars` as given. The one place a state is
    /// built from nothing; the engine, saves and the tools all start here.
    #[must_use]
    pub fn new(seed: u64, vars: BTreeMap<String, i64>) -> Self {
        Self {
            seed,
            scene: String::new(),
            vars,
            visits: BTreeMap::new(),
            taken_once: BTreeSet::new(),
            shown: BTreeMap::new(),
            changed_at: BTreeMap::new(),
            roll: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            path: Vec::new(),
            ending: None,
            returns: Vec::new(),
        }
    }

    /// The value of a variable (0 if unknown).
    #[must_use]
    pub fn var(&self, name: &str) -> i64 {
        self.vars.get(name).copied().unwrap_or(0)
    }

    /// Whether the game is over.
    #[must_use]
    pub fn is_over(&self) -> bool {
        self.ending.is_some()
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
        self.state.visits(scene)
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

impl Env for GameState {
    fn var(&self, name: &str) -> i64 {
        GameState::var(self, name)
    }
    fn visits(&self, scene: &str) -> i64 {
        i64::from(self.visits.get(scene).copied().unwrap_or(0))
    }
}
