//! Where a diagnostic points, as the checker's passes and lints describe it.
//!
//! Its own file so that every pass (`passes/`) and the lints can name places without
//! depending on each other, or on the loader that runs them.

/// Where a diagnostic points: a string literal in a file, found lazily.
///
/// The search starts at an anchor (a scene's `id:`, or an `Extend(`), may narrow to
/// one item of a list (the n-th `Choice(` or `Route(` after the anchor), then looks
/// for the literal. Points at the literal's opening quote, or at a character inside it.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// File index.
    pub file: usize,
    /// Search after this scene's `id:` (or from the top). Shared: a scene's site is
    /// copied for each of its choices.
    pub scene: Option<std::sync::Arc<str>>,
    /// Search after the n-th (0-based) `Extend(` of the file instead.
    pub extend: Option<usize>,
    /// Then after the n-th (0-based) opener of this name, e.g. `("Choice", 2)`.
    pub item: Option<(&'static str, usize)>,
    /// The literal's field name, if it has one.
    pub key: Option<&'static str>,
    /// The literal's decoded content (empty: point at the anchor itself).
    pub content: String,
    /// A character offset inside the literal's content; `None` is the literal itself.
    pub char_offset: Option<usize>,
    /// Point at the value of this field instead of a string literal (`percent: 150`).
    pub field: Option<&'static str>,
}

impl Site {
    /// The `id: "scene"` of a scene.
    #[must_use]
    pub fn scene(file: usize, scene: &str) -> Self {
        Self {
            file,
            scene: Some(scene.into()),
            ..Self::default()
        }
    }
    /// A literal inside a scene.
    #[must_use]
    pub fn inside(file: usize, scene: &str, key: Option<&'static str>, content: &str) -> Self {
        Self {
            file,
            scene: Some(scene.into()),
            key,
            content: content.to_owned(),
            ..Self::default()
        }
    }
    /// A literal anywhere in a file.
    #[must_use]
    pub fn literal(file: usize, key: Option<&'static str>, content: &str) -> Self {
        Self {
            file,
            key,
            content: content.to_owned(),
            ..Self::default()
        }
    }
    /// The n-th (0-based) `Extend(...)` of a file.
    #[must_use]
    pub fn extension(file: usize, n: usize) -> Self {
        Self {
            file,
            extend: Some(n),
            ..Self::default()
        }
    }
    /// Narrows the search to the n-th (0-based) `name(...)` after the anchor.
    #[must_use]
    pub fn item(mut self, name: &'static str, n: usize) -> Self {
        self.item = Some((name, n));
        self
    }
    /// The same anchor, pointing at another literal.
    #[must_use]
    pub fn at(&self, key: Option<&'static str>, content: &str) -> Self {
        Self {
            key,
            content: content.to_owned(),
            char_offset: None,
            field: None,
            ..self.clone()
        }
    }
    /// The same anchor, pointing at the value of a field, whatever its kind.
    #[must_use]
    pub fn value_of(&self, field: &'static str) -> Self {
        Self {
            field: Some(field),
            ..self.at(None, "")
        }
    }
    /// Points at a character inside the literal rather than at the literal.
    #[must_use]
    pub fn char_at(mut self, offset: usize) -> Self {
        self.char_offset = Some(offset);
        self
    }
}
