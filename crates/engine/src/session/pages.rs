//! The texts around a game that are not scenes: the content note before it, and at an
//! ending the epilogue, afterword and credits. One rule for every front end: texts are
//! rendered, trimmed, and dropped when they come out empty (so an empty afterword has
//! no heading either).

use crate::engine::{self, GameState};
use crate::story::expr::Env;
use crate::story::{Story, Text};

/// An ending as every front end shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingPages {
    /// The ending's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its epilogue paragraphs.
    pub epilogue: Vec<String>,
    /// The story's afterword (empty: no afterword heading).
    pub afterword: Vec<String>,
    /// The story's credits (empty: no credits heading).
    pub credits: Vec<String>,
}

/// Renders `texts` for `env`, trimmed, the empty ones dropped.
fn rendered(texts: &[Text], env: &dyn Env, roll: u64) -> Vec<String> {
    texts
        .iter()
        .map(|t| t.render(env, roll).trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The ending reached in `state`, or `None` while the game goes on.
#[must_use]
pub fn ending_pages(story: &Story, state: &GameState) -> Option<EndingPages> {
    let ending = engine::render(story, state).ok()?.ending?;
    Some(EndingPages {
        id: ending.id,
        title: ending.title,
        epilogue: ending.epilogue,
        afterword: rendered(&story.afterword, state, state.roll),
        credits: rendered(&story.credits, state, state.roll),
    })
}

/// Content notes are read before any game: variables and visits all read as 0.
struct NoGame;

impl Env for NoGame {
    fn var(&self, _: &str) -> i64 {
        0
    }
    fn visits(&self, _: &str) -> i64 {
        0
    }
}

/// The story's content note, rendered (empty when it has none).
#[must_use]
pub fn content_note(story: &Story) -> Vec<String> {
    rendered(&story.content_note, &NoGame, 0)
}
