//! The game on screen: the scene as rendered, its choices, the prose laid out, and how
//! far the typewriter has got. Kept apart from the rest of the model so layout can read
//! it without depending on the whole interface.

use std::cell::RefCell;
use std::rc::Rc;

use super::wrap::{self, Block};
use crate::engine::{self, ChoiceView, GameState, SceneView};
use crate::save::paragraph_id;
use crate::session;
use crate::story::Story;

/// The game being played (or the replayed step being looked at).
#[derive(Debug, Clone)]
pub struct Game {
    /// The engine's state: the only game state there is.
    pub state: GameState,
    /// The current scene, rendered.
    pub scene: SceneView,
    /// The choices offered now.
    pub choices: Vec<ChoiceView>,
    /// The prose to show: the scene, then at an ending its epilogue, afterword, credits.
    pub blocks: Vec<Block>,
    /// Characters in `blocks`.
    pub total: usize,
    /// Index into `choices` of the highlighted one.
    pub selected: usize,
    /// Characters the typewriter has shown.
    pub revealed: usize,
    /// First prose line shown.
    pub scroll: usize,
    /// Showing the chapter card.
    pub card: bool,
    /// Character ranges of paragraphs read in an earlier game: the typewriter shows
    /// them at once.
    pub read: Vec<(usize, usize)>,
    /// Ticks the scene has waited, all shown, for auto-advance.
    pub idle: usize,
    /// `blocks` wrapped at the last width asked for: the prose never changes while the
    /// scene is shown, so a redraw (every typewriter tick) must not wrap it again.
    wrapped: RefCell<Option<(usize, Rc<[wrap::Line]>)>>,
}

impl Game {
    /// The prose laid out `width` columns wide (computed once per width).
    pub fn lines(&self, width: usize) -> Rc<[wrap::Line]> {
        if let Some((w, lines)) = &*self.wrapped.borrow()
            && *w == width
        {
            return Rc::clone(lines);
        }
        let lines: Rc<[wrap::Line]> = wrap::layout(&self.blocks, width).into();
        *self.wrapped.borrow_mut() = Some((width, Rc::clone(&lines)));
        lines
    }

    pub(crate) fn new(story: &Story, state: GameState) -> Result<Self, engine::EngineError> {
        let scene = engine::render(story, &state)?;
        let choices = engine::choices(story, &state);
        let mut blocks: Vec<Block> = scene.paragraphs.iter().map(Block::prose).collect();
        if let Some(ending) = session::ending_pages(story, &state) {
            let words = &story.words;
            blocks.push(Block::heading(words.labelled(&words.ending, &ending.title)));
            blocks.extend(ending.epilogue.into_iter().map(Block::prose));
            for (title, texts) in [
                (&words.afterword, ending.afterword),
                (&words.credits, ending.credits),
            ] {
                if !texts.is_empty() {
                    blocks.push(Block::heading(title.as_str()));
                    blocks.extend(texts.into_iter().map(Block::aside));
                }
            }
        }
        let total = wrap::char_count(&blocks);
        let selected = choices.iter().position(|c| c.enabled).unwrap_or(0);
        Ok(Self {
            state,
            scene,
            choices,
            blocks,
            total,
            selected,
            revealed: total,
            scroll: 0,
            card: false,
            read: Vec::new(),
            idle: 0,
            wrapped: RefCell::new(None),
        })
    }

    /// Each paragraph's id (see [`paragraph_id`]) and character range.
    #[must_use]
    pub fn read_ranges(&self) -> Vec<(u64, usize, usize)> {
        let mut start = 0;
        self.blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let end = start + wrap::char_count(std::slice::from_ref(b));
                let entry = (paragraph_id(&self.scene.id, i, &b.text), start, end);
                start = end;
                entry
            })
            .collect()
    }

    /// Where the typewriter goes from `revealed`: past any paragraph read before.
    #[must_use]
    pub fn skip_read(&self, mut revealed: usize) -> usize {
        for &(start, end) in &self.read {
            if (start..end).contains(&revealed) {
                revealed = end;
            }
        }
        revealed.min(self.total)
    }

    /// Whether the typewriter is still running.
    #[must_use]
    pub fn revealing(&self) -> bool {
        self.revealed < self.total
    }

    /// The id of the `n`-th (1-based) enabled choice, as numbered on screen.
    pub(crate) fn nth_enabled(&self, n: usize) -> Option<usize> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.enabled)
            .nth(n.checked_sub(1)?)
            .map(|(i, _)| i)
    }

    /// The 1-based number shown beside choice `index`, if it is enabled.
    #[must_use]
    pub fn number_of(&self, index: usize) -> Option<usize> {
        let c = self.choices.get(index)?;
        if !c.enabled {
            return None;
        }
        Some(self.choices[..index].iter().filter(|c| c.enabled).count() + 1)
    }
}
