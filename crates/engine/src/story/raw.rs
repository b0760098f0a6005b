//! The story files exactly as authors write them, before any checking.
//!
//! These types mirror the RON syntax one to one (see `docs/format.md`) so that serde
//! rejects unknown fields with a position. Nothing here is validated: `load` turns them
//! into the checked model in `model`.

use serde::Deserialize;

/// One `*.ron` file: the story header or a chapter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawFile {
    /// The header: exactly one per story.
    Story(RawHeader),
    /// A chapter: scenes, extensions, and optionally variables and endings.
    Chapter(RawChapter),
}

/// `Story(...)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Story")]
pub struct RawHeader {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    pub start: String,
    #[serde(default)]
    pub content_note: Vec<String>,
    #[serde(default)]
    pub variables: Vec<RawVariable>,
    #[serde(default)]
    pub endings: Vec<RawEnding>,
    #[serde(default)]
    pub effects: Vec<RawNamed>,
    #[serde(default)]
    pub conditions: Vec<RawNamed>,
    #[serde(default)]
    pub afterword: Vec<String>,
    #[serde(default)]
    pub credits: Vec<String>,
}

/// `Int(...)` or `Flag(...)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Variable")]
pub enum RawVariable {
    /// An integer, optionally bounded.
    Int {
        name: String,
        #[serde(default)]
        initial: i64,
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
    },
    /// A boolean.
    Flag {
        name: String,
        #[serde(default)]
        initial: bool,
    },
    /// One of a list of named values.
    Enum {
        name: String,
        values: Vec<String>,
        #[serde(default)]
        initial: Option<String>,
    },
}

/// `Ending(...)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Ending")]
pub struct RawEnding {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub epilogue: Vec<String>,
    #[serde(default)]
    pub order: Option<u32>,
}

/// `Chapter(...)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Chapter")]
pub struct RawChapter {
    pub title: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub scenes: Vec<RawScene>,
    #[serde(default)]
    pub extend: Vec<RawExtend>,
    #[serde(default)]
    pub variables: Vec<RawVariable>,
    #[serde(default)]
    pub endings: Vec<RawEnding>,
    #[serde(default)]
    pub effects: Vec<RawNamed>,
    #[serde(default)]
    pub conditions: Vec<RawNamed>,
}

/// `Named(name: "...", do: [...])` in `effects:`, `Named(name: "...", when: "...")` in
/// `conditions:`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Named")]
pub struct RawNamed {
    pub name: String,
    #[serde(default, rename = "do")]
    pub effects: Option<Vec<String>>,
    #[serde(default)]
    pub when: Option<String>,
}

/// `Scene(...)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scene")]
pub struct RawScene {
    pub id: String,
    #[serde(default)]
    pub chapter: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub on_enter: Vec<String>,
    #[serde(default)]
    pub text: Vec<String>,
    #[serde(default)]
    pub choices: Option<Vec<RawChoice>>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub routes: Option<Vec<RawRoute>>,
    #[serde(default)]
    pub ending: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `Choice(...)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Choice")]
pub struct RawChoice {
    #[serde(default)]
    pub id: Option<String>,
    pub label: String,
    pub goto: String,
    #[serde(default)]
    pub detour: Option<String>,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub disabled: Option<String>,
    #[serde(default)]
    pub effects: Vec<String>,
    #[serde(default)]
    pub once: bool,
    /// Boxed: most choices have none, and a raw choice is held for every choice of
    /// the story until it compiles.
    #[serde(default)]
    pub chance: Option<Box<RawChance>>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `(percent: 30, goto: "x", effects: [...])`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Chance")]
pub struct RawChance {
    pub percent: u8,
    pub goto: String,
    #[serde(default)]
    pub effects: Vec<String>,
}

/// `Route(when: "...", goto: "...")`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Route")]
pub struct RawRoute {
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub detour: Option<String>,
    pub goto: String,
}

/// `Extend(scene: "...", choices: [...])`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Extend")]
pub struct RawExtend {
    pub scene: String,
    pub choices: Vec<RawChoice>,
}

impl RawFile {
    /// Gives back the room the parser's lists grew into and did not use (a list grows
    /// by doubling as it is read, so a three-item list holds room for four): every
    /// file's parse is held until the whole story is indexed, so that room is held too.
    pub fn shrink(&mut self) {
        match self {
            RawFile::Story(h) => {
                h.content_note.shrink_to_fit();
                h.variables.shrink_to_fit();
                h.endings.shrink_to_fit();
                h.effects.shrink_to_fit();
                h.conditions.shrink_to_fit();
                h.afterword.shrink_to_fit();
                h.credits.shrink_to_fit();
            }
            RawFile::Chapter(c) => {
                c.scenes.shrink_to_fit();
                c.scenes.iter_mut().for_each(RawScene::shrink);
                c.extend.shrink_to_fit();
                c.variables.shrink_to_fit();
                c.endings.shrink_to_fit();
                c.effects.shrink_to_fit();
                c.conditions.shrink_to_fit();
            }
        }
    }
}

impl RawScene {
    /// As [`RawFile::shrink`], for one scene held apart from its file.
    pub(crate) fn shrink(&mut self) {
        // Not the paragraphs' list: it is taken apart as the scene compiles, and a
        // scene's few paragraphs leave little room unused.
        self.on_enter.shrink_to_fit();
        self.tags.shrink_to_fit();
        if let Some(choices) = &mut self.choices {
            choices.shrink_to_fit();
            for c in choices {
                c.effects.shrink_to_fit();
                c.tags.shrink_to_fit();
            }
        }
        if let Some(routes) = &mut self.routes {
            routes.shrink_to_fit();
        }
    }
}

/// The RON dialect every story file is read with: `Some(..)` implied, and
/// `Story(id: ..)` accepted for a newtype variant wrapping a struct.
#[must_use]
pub fn ron_options() -> ron::Options {
    use ron::extensions::Extensions;
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}
