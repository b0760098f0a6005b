//! Starting a game anywhere: a chosen scene, with chosen variable values.
//!
//! Authors use it (`play --from SCENE --set NAME=VALUE`) to try a new branch at once
//! instead of playing up to it. Every name and value is checked against the story, so a
//! typo is a clear error rather than a flag silently ignored.

use super::state::{GameState, Opening};
use super::step::{Divergence, EngineError, Event, enter_id, initial_state, start};
use crate::story::expr::{Type, closest};
use crate::story::model::Story;

/// Why a game cannot start where, or how, it was asked to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartAtError {
    /// No scene has this id.
    #[error("no scene `{scene}` in this story{}", did_you_mean(suggestion.as_ref()))]
    UnknownScene {
        /// The id asked for.
        scene: String,
        /// A scene id it is probably a typo of.
        suggestion: Option<String>,
    },
    /// No variable has this name.
    #[error("no variable `{name}` in this story{}", did_you_mean(suggestion.as_ref()))]
    UnknownVariable {
        /// The name asked for.
        name: String,
        /// A variable name it is probably a typo of.
        suggestion: Option<String>,
    },
    /// The value is not of the variable's type.
    #[error("`{name}` is {expected}: `{value}` is not {}", how_written(*expected))]
    BadValue {
        /// The variable.
        name: String,
        /// The text given.
        value: String,
        /// What the variable holds.
        expected: Type,
    },
    /// The number lies outside the variable's declared bounds.
    #[error("`{name}` must lie between {min} and {max}: {value} is out of bounds")]
    OutOfBounds {
        /// The variable.
        name: String,
        /// The number given.
        value: i64,
        /// Its lowest allowed value.
        min: i64,
        /// Its highest allowed value.
        max: i64,
    },
    /// Entering the scene failed (its automatic routes loop or lead nowhere).
    #[error(transparent)]
    Engine(EngineError),
}

/// ` (did you mean `x`?)` when there is a likely intended name.
fn did_you_mean(suggestion: Option<&String>) -> String {
    suggestion
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// How a value of `expected` is written on the command line.
fn how_written(expected: Type) -> &'static str {
    match expected {
        Type::Int => "a whole number",
        Type::Bool => "`true` or `false`",
        Type::Enum(_) => "one of its values",
    }
}

/// Parses `value` for the variable `name` of `story`, checking its type and bounds.
///
/// # Errors
/// An unknown name, a value of the wrong type, or a number out of bounds.
pub fn parse_value(story: &Story, name: &str, value: &str) -> Result<i64, StartAtError> {
    let Some(var) = story.variable(name) else {
        return Err(StartAtError::UnknownVariable {
            name: name.to_owned(),
            suggestion: closest(name, story.variables.iter().map(|v| v.name.as_str()))
                .map(str::to_owned),
        });
    };
    let bad = || StartAtError::BadValue {
        name: name.to_owned(),
        value: value.to_owned(),
        expected: var.ty,
    };
    let v = value.trim();
    match var.ty {
        Type::Enum(_) => var
            .values
            .iter()
            .position(|x| x == v)
            .and_then(|i| i64::try_from(i).ok())
            .ok_or_else(bad),
        Type::Bool => match v {
            "true" => Ok(1),
            "false" => Ok(0),
            _ => Err(bad()),
        },
        Type::Int => {
            let n: i64 = v.parse().map_err(|_| bad())?;
            if (var.min..=var.max).contains(&n) {
                Ok(n)
            } else {
                Err(StartAtError::OutOfBounds {
                    name: name.to_owned(),
                    value: n,
                    min: var.min,
                    max: var.max,
                })
            }
        }
    }
}

/// Starts a new game in `scene` instead of the story's start, with each `(name, value)`
/// of `overrides` set first (later ones win).
///
/// The values are set *before* the scene is entered, so its `on_enter` effects and, for
/// a junction, its routes see them, as they would had the player arrived by playing.
/// Visit counts start at zero, apart from the scene itself.
///
/// # Errors
/// An unknown scene or variable, a value of the wrong type or out of bounds (all checked
/// before anything runs), or a scene whose automatic routes fail.
pub fn start_at(
    story: &Story,
    seed: u64,
    scene: &str,
    overrides: &[(String, String)],
) -> Result<(GameState, Vec<Event>), StartAtError> {
    if story.scene(scene).is_none() {
        return Err(StartAtError::UnknownScene {
            scene: scene.to_owned(),
            suggestion: closest(scene, story.scenes.iter().map(|s| s.id.as_str()))
                .map(str::to_owned),
        });
    }
    let mut state = initial_state(story, seed);
    for (name, value) in overrides {
        let v = parse_value(story, name, value)?;
        state.set_var(name, v);
    }
    state.opening = Opening {
        scene: Some(scene.to_owned()),
        overrides: overrides.to_vec(),
    };
    let mut events = Vec::new();
    enter_id(story, &mut state, scene, &mut events, &mut Vec::new())
        .map_err(StartAtError::Engine)?;
    Ok((state, events))
}

/// The first state of a game begun from `seed` as `opening` says: the story's start,
/// or [`start_at`] its scene with its values. Undo, saves and the replay viewer rebuild
/// a game from here, so one begun with `play --from` replays from where it began.
///
/// # Errors
/// When the game cannot begin there (the scene is gone, a value no longer fits, the
/// routes fail), as a divergence before the first step.
pub fn begin(story: &Story, seed: u64, opening: &Opening) -> Result<GameState, Divergence> {
    let scene = opening.scene.as_deref().unwrap_or(&story.start);
    let first = if opening.is_start() {
        start(story, seed).map_err(|e| e.to_string())
    } else {
        start_at(story, seed, scene, &opening.overrides).map_err(|e| e.to_string())
    };
    first.map(|(state, _)| state).map_err(|reason| Divergence {
        step: 0,
        scene: scene.to_owned(),
        choice: String::new(),
        reason,
        last_good: Box::new(GameState::new(seed, std::collections::BTreeMap::new())),
    })
}
