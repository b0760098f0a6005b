//! What every pass shares: the files, the diagnostics found so far, and [`Site`]s.
//!
//! Passes report a problem against a [`Site`] (a scene, an item of a list, a literal);
//! the position is worked out only then, by the file's [`Locator`], so a clean story
//! never scans its text for positions.

use std::collections::{HashMap, HashSet};

use super::super::diag::{Diagnostic, Label};
use super::super::expr::{self, Effect, ExprError, Type};
use super::super::files::{ContentHash, SourceFile, limits};
use super::super::scan::Locator;
pub use super::super::site::Site;
use super::sources::Sources;

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
    /// Each file's text once it is known to be UTF-8 (the read pass makes it so), and
    /// its locator.
    pub sources: Sources<'a>,
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
    /// Whether chapters may compile as they are parsed ([`super::stream`]); off only
    /// to compare with the classic order.
    pub stream: bool,
    /// Whether the load keeps what an incremental reload needs (else the parse and the
    /// scene index are freed as soon as the story is assembled).
    pub keep: bool,
    /// The content hash with its state before each file, when the load keeps what a
    /// reload needs (a reload hashes again only from the first file it changed).
    pub content_hash: Option<ContentHash>,
    pub limits: limits::Limits,
    /// Stories repeat their conditions and effects; each distinct text is parsed once.
    /// A condition is kept with its source, both shared by every place that wrote it.
    pub cond_memo: HashMap<String, Result<SharedCondition, ExprError>>,
    pub effect_memo: HashMap<String, Result<Effect, ExprError>>,
}

/// A compiled condition and its source text, shared by the choices and routes that
/// wrote it.
pub type SharedCondition = (std::sync::Arc<str>, std::sync::Arc<expr::Expr>);

impl<'a> Ctx<'a> {
    pub fn new(files: &'a [SourceFile]) -> Self {
        Self::over(Sources::borrowed(files))
    }

    /// Over files the loader owns (see [`Sources::owned`]).
    pub fn over(sources: Sources<'a>) -> Self {
        Self {
            files: sources.files,
            sources,
            diags: Vec::new(),
            unloaded: 0,
            opaque: false,
            salvage: Salvage::default(),
            headless: false,
            suppressed: 0,
            uses_unknown: false,
            lints: true,
            stream: true,
            keep: false,
            content_hash: None,
            limits: limits::Limits::default(),
            cond_memo: HashMap::new(),
            effect_memo: HashMap::new(),
        }
    }

    pub fn path(&self, file: usize) -> &str {
        &self.files[file].path
    }

    pub fn locator(&self, file: usize) -> Option<&Locator<'a>> {
        self.sources.locator(file)
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
            return d.at_offset(&path, loc, at).with_span(at..loc.token_end(at));
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
        d.at_offset(&path, loc, offset)
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

    /// Ids are recorded in saves and the profile, whose readers refuse some; the same
    /// rule ([`limits::id_problem`]) refuses them here, so any story that checks can be
    /// saved and loaded again. False (and an error reported) when `id` breaks it.
    pub fn savable_id(&mut self, what: &str, id: &str, site: &Site) -> bool {
        let Some(problem) = limits::id_problem(id) else {
            return true;
        };
        // Escaped: the id may hold the very line break that makes it unsavable, and a
        // diagnostic's first line must stay one line.
        let shown = id.escape_debug();
        let d = Diagnostic::error("E0115", format!("`{shown}` cannot be {what}: {problem}"))
            .with_hint("saves record ids: keep them short, printable and on one line");
        self.report(d, site);
        false
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
        let d = d
            .at_offset(&path, loc, offset)
            .with_span(offset..loc.token_end(offset));
        self.diags.push(d);
    }
}
