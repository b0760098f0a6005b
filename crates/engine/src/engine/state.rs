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
    /// Drawn when the current scene was entered; picks its text variants.
    pub roll: u64,
    /// The one source of randomness.
    pub rng: ChaCha8Rng,
    /// Every choice made so far, in order.
    pub path: Vec<Step>,
    /// Set when an ending is reached.
    pub ending: Option<String>,
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
            roll: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            path: Vec::new(),
            ending: None,
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

impl Env for GameState {
    fn var(&self, name: &str) -> i64 {
        GameState::var(self, name)
    }
    fn visits(&self, scene: &str) -> i64 {
        i64::from(self.visits.get(scene).copied().unwrap_or(0))
    }
}
