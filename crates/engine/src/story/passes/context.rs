//! What every pass shares: the files, the diagnostics found so far, and [`Site`]s.
//!
//! Passes report a problem against a [`Site`] (a scene, an item of a list, a literal);
//! the position is worked out only then, by the file's [`Locator`], so a clean story
//! never scans its text for positions.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::super::diag::{Diagnostic, Label};
use super::super::expr::{self, Effect, ExprError, Type};
use super::super::load::SourceFile;
use super::super::load::limits;
use super::super::scan::Locator;

/// Where a diagnostic points: a string literal in a file, found lazily.
///
/// The search starts at an anchor (a scene's `id:`, or an `Extend(`), may narrow to
/// one item of a list (the n-th `Choice(` or `Route(` after the anchor), then looks
/// for the literal. Points at the literal's opening quote, or at a character inside it.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// File index.
    pub file: usize,
    /// Search after this scene's `id:` (or from the top).
    pub scene: Option<String>,
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
            scene: Some(scene.to_owned()),
            ..Self::default()
        }
    }
    /// A literal inside a scene.
    #[must_use]
    pub fn inside(file: usize, scene: &str, key: Option<&'static str>, content: &str) -> Self {
        Self {
            file,
            scene: Some(scene.to_owned()),
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

/// Names declared in files that failed to parse, read off their text by the scanner.
///
/// A reference to one of these is not reported as unresolved: it would resolve once
/// the file's syntax error is fixed. A reference found nowhere is still an error.
#[derive(Debug, Default)]
pub struct Salvage {
    /// Scene ids (`id:` inside a `Scene(`).
    pub scenes: HashSet<String>,
    /// Variables (`name:` inside `Int(` or `Flag(`), with their type.
    pub vars: HashMap<String, Type>,
    /// Ending ids (`id:` inside an `Ending(`).
    pub endings: HashSet<String>,
    /// A `Story(` header was seen.
    pub header: bool,
}

impl Salvage {
    /// Adds the names declared in the text of a file that did not parse.
    pub fn read(&mut self, text: &str) {
        let loc = Locator::new(text);
        for (tok, opener) in loc.strings_in_structs() {
            match (tok.key.as_deref(), opener) {
                (Some("id"), "Scene") => {
                    self.scenes.insert(tok.content.clone());
                }
                (Some("id"), "Ending") => {
                    self.endings.insert(tok.content.clone());
                }
                (Some("name"), "Int") => {
                    self.vars.insert(tok.content.clone(), Type::Int);
                }
                (Some("name"), "Flag") => {
                    self.vars.insert(tok.content.clone(), Type::Bool);
                }
                _ => {}
            }
        }
        self.header |= loc.nth_opener(0, "Story", 0).is_some();
    }
}

/// The state the passes share.
#[allow(clippy::struct_excessive_bools)] // independent facts the passes note for later ones
pub struct Ctx<'a> {
    pub files: &'a [SourceFile],
    /// Each file's text once it is known to be UTF-8 (the read pass fills this).
    pub texts: Vec<Option<&'a str>>,
    locators: Vec<OnceCell<Locator<'a>>>,
    pub diags: Vec<Diagnostic>,
    /// Files that could not be read or parsed: what they hold is not in the story, so
    /// reachability is computed over the rest and marked partial.
    pub unloaded: usize,
    /// Some file could not even be scanned for the names it declares (it is too
    /// large): no unresolved name can be called an error.
    pub opaque: bool,
    /// Names declared in those files.
    pub salvage: Salvage,
    /// There is no header: the names it would declare (variables, endings) are
    /// unknowable, so "does not exist" errors for them would be echoes of that.
    pub headless: bool,
    /// How many such echoes, or references into unparsed files, were not checked.
    pub suppressed: usize,
    /// Some content was not compiled (an expression or text that failed, an extension
    /// of a missing scene, a file that did not load): what it reads and writes is
    /// unknown, so "never read" and look-alike choices cannot be judged.
    pub uses_unknown: bool,
    pub lints: bool,
    pub limits: limits::Limits,
    /// Stories repeat their conditions and effects; each distinct text is parsed once.
    pub cond_memo: HashMap<String, Result<expr::Expr, ExprError>>,
    pub effect_memo: HashMap<String, Result<Effect, ExprError>>,
}

impl<'a> Ctx<'a> {
    pub fn new(files: &'a [SourceFile]) -> Self {
        Self {
            files,
            texts: vec![None; files.len()],
            locators: (0..files.len()).map(|_| OnceCell::new()).collect(),
            diags: Vec::new(),
            unloaded: 0,
            opaque: false,
            salvage: Salvage::default(),
            headless: false,
            suppressed: 0,
            uses_unknown: false,
            lints: true,
            limits: limits::Limits::default(),
            cond_memo: HashMap::new(),
            effect_memo: HashMap::new(),
        }
    }

    pub fn path(&self, file: usize) -> &str {
        &self.files[file].path
    }

    pub fn locator(&self, file: usize) -> Option<&Locator<'a>> {
        let text = self.texts[file]?;
        Some(self.locators[file].get_or_init(|| Locator::new(text)))
    }

    /// Places `d` at `site` and records it.
    pub fn report(&mut self, d: Diagnostic, site: &Site) {
        let d = self.place(d, site);
        self.diags.push(d);
    }

    /// Places `d` at `site`.
    pub fn place(&self, d: Diagnostic, site: &Site) -> Diagnostic {
        let path = self.path(site.file).to_owned();
        let Some(loc) = self.locator(site.file) else {
            return d.at(&path, None, 0, 0);
        };
        let mut anchor = match (site.extend, site.scene.as_deref()) {
            (Some(n), _) => loc.nth_opener(0, "Extend", n),
            (None, Some(s)) => loc.scene_id(s).map(|t| t.start),
            (None, None) => None,
        }
        .unwrap_or(0);
        if let Some((name, n)) = site.item
            && let Some(at) = loc.nth_opener(anchor, name, n)
        {
            anchor = at;
        }
        if let Some(field) = site.field
            && let Some(at) = loc.field_value(anchor, field)
        {
            let (line, col) = loc.line_col(at);
            return d
                .at(&path, Some(loc.source()), line, col)
                .with_span(at..loc.token_end(at));
        }
        let tok = if site.content.is_empty() {
            None
        } else {
            loc.find(anchor, site.key, &site.content)
                .or_else(|| loc.find(anchor, None, &site.content))
                .or_else(|| loc.find(0, None, &site.content))
        };
        let offset = match (tok, site.char_offset) {
            (None, _) => anchor,
            (Some(t), None) => t.start,
            (Some(t), Some(c)) => loc.offset_in(t, c),
        };
        let (line, col) = loc.line_col(offset);
        d.at(&path, Some(loc.source()), line, col)
            .with_span(offset..loc.token_end(offset))
    }

    /// A secondary place, found as a diagnostic's site would be.
    pub fn label(&self, site: &Site, message: &str) -> Option<Label> {
        let at = self.place(Diagnostic::error("", ""), site);
        Some(Label {
            span: at.span?,
            file: at.file,
            line: at.line,
            col: at.col,
            message: message.to_owned(),
        })
    }

    /// Points at the first `key: "content"` literal of `file` at or after byte `after`.
    pub fn report_after(&mut self, d: Diagnostic, site: &Site, after: usize) {
        let path = self.path(site.file).to_owned();
        let Some(loc) = self.locator(site.file) else {
            self.diags.push(d.at(&path, None, 0, 0));
            return;
        };
        let tok = loc.find(after, site.key, &site.content);
        let offset = tok.map_or(0, |t| t.start);
        let (line, col) = loc.line_col(offset);
        let d = d
            .at(&path, Some(loc.source()), line, col)
            .with_span(offset..loc.token_end(offset));
        self.diags.push(d);
    }
}
