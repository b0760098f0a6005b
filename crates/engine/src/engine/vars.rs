//! State at hand: every variable with its value and what last changed it, for an
//! author testing a branch (plain `vars`, the TUI's variables panel).

use super::state::GameState;
use crate::story::model::Story;

/// One variable as a tester wants to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableView {
    /// Its name.
    pub name: String,
    /// Its value as written in the story: a number, or `true`/`false`.
    pub value: String,
    /// What last changed it; `None` while it still has its initial value untouched.
    pub changed_by: Option<Change>,
}

/// Where a variable was last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Entering the opening scene(s), before any choice.
    Opening,
    /// The `step`-th choice (1-based): `choice` in `scene`, or the scene it led to.
    Step {
        /// 1-based step number.
        step: usize,
        /// The scene the choice was made in.
        scene: String,
        /// The choice taken.
        choice: String,
    },
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Opening => f.write_str("the opening"),
            Change::Step {
                step,
                scene,
                choice,
            } => write!(f, "step {step}: `{choice}` in `{scene}`"),
        }
    }
}

/// Every declared variable, in declaration order, with value and last change.
#[must_use]
pub fn variables(story: &Story, state: &GameState) -> Vec<VariableView> {
    story
        .variables
        .iter()
        .map(|v| {
            let value = v.show(state.var(&v.name));
            let changed_by = state.changed_at(&v.name).map(|step| {
                match step.checked_sub(1).and_then(|i| state.path.get(i)) {
                    Some(s) => Change::Step {
                        step,
                        scene: s.scene.clone(),
                        choice: s.choice.clone(),
                    },
                    None => Change::Opening,
                }
            });
            VariableView {
                name: v.name.clone(),
                value,
                changed_by,
            }
        })
        .collect()
}
