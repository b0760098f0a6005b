//! A recorded playthrough, every state kept, for the replay viewer.
//!
//! A [`Recording`] folds a save's path through the engine once and keeps every
//! intermediate state, so a viewer can move back and forth freely and take over from
//! any step as a new game. States are kept without their path (it is rebuilt on
//! demand), which keeps a long recording linear in memory rather than quadratic.

use crate::engine::{self, Divergence, EngineError, GameState, Step};
use crate::story::Story;

/// Every state of a recorded playthrough.
#[derive(Debug, Clone)]
pub struct Recording {
    /// `states[i]` is the state before step `i` (so `states[0]` is the start and the
    /// last one is where the recording ends), each with an empty path.
    states: Vec<GameState>,
    steps: Vec<Step>,
    /// Set when the recording stopped early because a step no longer applies.
    pub divergence: Option<Divergence>,
}

impl Recording {
    /// Replays `steps` from `seed`, keeping every state; stops at the first step that
    /// does not apply and records why.
    ///
    /// # Errors
    /// Only when the story cannot start at all.
    pub fn new(story: &Story, seed: u64, steps: &[Step]) -> Result<Self, EngineError> {
        let (first, _) = engine::start(story, seed)?;
        Ok(Self::from_first(story, first, steps))
    }

    /// Replays `steps` from `first` (the state a game began in), keeping every state.
    fn from_first(story: &Story, first: GameState, steps: &[Step]) -> Self {
        let mut state = first;
        let mut states = Vec::with_capacity(steps.len() + 1);
        let mut divergence = None;
        for (i, step) in steps.iter().enumerate() {
            let mut before = state.clone();
            before.path.clear();
            let failure = if state.scene == step.scene {
                engine::choose(story, &mut state, &step.choice)
                    .err()
                    .map(|e| e.to_string())
            } else {
                Some(format!("the story now leads to `{}` instead", state.scene))
            };
            if let Some(reason) = failure {
                let mut last_good = before.clone();
                last_good.path = steps[..i].to_vec();
                divergence = Some(Divergence {
                    step: i,
                    scene: step.scene.clone(),
                    choice: step.choice.clone(),
                    reason,
                    last_good: Box::new(last_good),
                });
                states.push(before);
                break;
            }
            states.push(before);
        }
        if divergence.is_none() {
            state.path.clear();
            states.push(state);
        }
        let taken = states.len() - 1;
        Self {
            states,
            steps: steps[..taken].to_vec(),
            divergence,
        }
    }

    /// The verified part of a game (up to where it stops fitting the story, if it
    /// does): a loaded save's state, say. Replayed from where the game began (a
    /// `play --from` game from its own scene).
    ///
    /// # Errors
    /// Only when the game cannot begin at all.
    pub fn of_game(story: &Story, state: &GameState) -> Result<Self, Divergence> {
        let first = engine::begin(story, state.seed, &state.opening)?;
        Ok(Self::from_first(story, first, &state.path))
    }

    /// How many states there are (steps replayed + 1).
    #[must_use]
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Never true: a recording always holds at least the start.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The state before step `i` (or the final state for `i == len() - 1`), with its
    /// path, ready to play on from: this is how a viewer takes over.
    #[must_use]
    pub fn state_at(&self, i: usize) -> Option<GameState> {
        let mut s = self.states.get(i)?.clone();
        s.path = self.steps[..i].to_vec();
        Some(s)
    }

    /// The step taken from state `i`, if the recording goes on from there.
    #[must_use]
    pub fn step(&self, i: usize) -> Option<&Step> {
        self.steps.get(i)
    }

    /// The state before step `i` without its path, for drawing: cheap to borrow.
    #[must_use]
    pub fn view_state(&self, i: usize) -> Option<&GameState> {
        self.states.get(i)
    }
}
