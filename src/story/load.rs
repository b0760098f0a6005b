//! Story files → checked [`Story`], collecting every problem instead of stopping.
//!
//! The loader takes file contents (not paths: reading the disk is the caller's job, so
//! this stays pure and testable) and works in passes: parse each file, gather the
//! header, variables and endings, index the scenes, compile every scene (expressions,
//! text, exits), apply extensions, then run the lints. A story is returned only when
//! there are no errors; diagnostics are returned always.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::diag::{Diagnostic, Locator};
use super::expr::{self, Effect, ExprError, Scope, Type};
use super::lint;
use super::model::{Chance, Choice, Ending, Exit, Origin, Route, Scene, Story, Variable};
use super::raw::{self, RawChapter, RawChoice, RawFile, RawHeader, RawScene, RawVariable};
use super::text::{self, Text};

/// Bounds that keep a hostile or broken story from exhausting memory or time.
pub mod limits {
    /// Largest story file accepted.
    pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
    /// Most files in one story.
    pub const MAX_FILES: usize = 20_000;
    /// Most scenes in one story.
    pub const MAX_SCENES: usize = 1_000_000;
    /// Longest single string (paragraph, label, expression), in bytes.
    pub const MAX_STRING_BYTES: usize = 64 * 1024;
}

/// One story file's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the story directory, with `/` separators.
    pub path: String,
    /// The raw bytes (checked for UTF-8 here).
    pub bytes: Vec<u8>,
}

/// The result of loading: the story when there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Loaded {
    /// The checked story, if it has no errors.
    pub story: Option<Story>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Files read.
    pub file_count: usize,
    /// Counts for the summary line (of what compiled, even when there were errors).
    pub stats: Stats,
}

/// What a story holds, for the checker's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Scenes.
    pub scenes: usize,
    /// Choices, extensions included.
    pub choices: usize,
    /// Words of player-visible prose.
    pub words: usize,
    /// Declared endings.
    pub endings: usize,
}

impl Loaded {
    /// Number of errors.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    /// Number of warnings.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// Where a diagnostic points: a string literal in a file, found lazily.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// File index.
    pub file: usize,
    /// Search after this scene's `id:` (or from the top).
    pub scene: Option<String>,
    /// The literal's field name, if it has one.
    pub key: Option<&'static str>,
    /// The literal's decoded content (empty: point at the scene itself).
    pub content: String,
    /// Character offset inside the literal.
    pub char_offset: usize,
}

impl Site {
    /// The `id: "scene"` of a scene.
    #[must_use]
    pub fn scene(file: usize, scene: &str) -> Self {
        Self {
            file,
            scene: None,
            key: Some("id"),
            content: scene.to_owned(),
            char_offset: 0,
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
            char_offset: 0,
        }
    }
    /// A literal anywhere in a file.
    #[must_use]
    pub fn literal(file: usize, key: Option<&'static str>, content: &str) -> Self {
        Self {
            file,
            scene: None,
            key,
            content: content.to_owned(),
            char_offset: 0,
        }
    }
}

/// Loads and checks a story from its files.
#[must_use]
pub fn load(files: &[SourceFile]) -> Loaded {
    let mut cx = Ctx::new(files);
    let story = cx.run();
    let mut diagnostics = cx.diags;
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let stats = story.as_ref().map_or_else(Stats::default, |s| Stats {
        scenes: s.scenes.len(),
        choices: s.choice_count(),
        words: s.word_count(),
        endings: s.endings.len(),
    });
    diagnostics.sort_by(|a, b| {
        (a.file.is_empty(), &a.file, a.line, a.col).cmp(&(
            b.file.is_empty(),
            &b.file,
            b.line,
            b.col,
        ))
    });
    Loaded {
        story: if has_errors { None } else { story },
        diagnostics,
        file_count: files.len(),
        stats,
    }
}

struct Ctx<'a> {
    files: &'a [SourceFile],
    texts: Vec<Option<&'a str>>,
    locators: Vec<OnceCell<Locator<'a>>>,
    diags: Vec<Diagnostic>,
}

/// The names an expression may use, built once the whole story has been read.
struct Names<'a> {
    vars: HashMap<&'a str, Type>,
    scenes: &'a HashMap<&'a str, (usize, &'a RawScene)>,
}

impl Scope for Names<'_> {
    fn var_type(&self, name: &str) -> Option<Type> {
        self.vars.get(name).copied()
    }
    fn scene_exists(&self, id: &str) -> bool {
        self.scenes.contains_key(id)
    }
    fn var_names(&self) -> Vec<&str> {
        self.vars.keys().copied().collect()
    }
}

impl<'a> Ctx<'a> {
    fn new(files: &'a [SourceFile]) -> Self {
        Self {
            files,
            texts: vec![None; files.len()],
            locators: (0..files.len()).map(|_| OnceCell::new()).collect(),
            diags: Vec::new(),
        }
    }

    fn path(&self, file: usize) -> &str {
        &self.files[file].path
    }

    fn locator(&self, file: usize) -> Option<&Locator<'a>> {
        let text = self.texts[file]?;
        Some(self.locators[file].get_or_init(|| Locator::new(text)))
    }

    /// Places `d` at `site` and records it.
    fn report(&mut self, d: Diagnostic, site: &Site) {
        let d = self.place(d, site);
        self.diags.push(d);
    }

    fn place(&self, d: Diagnostic, site: &Site) -> Diagnostic {
        let path = self.path(site.file).to_owned();
        let Some(loc) = self.locator(site.file) else {
            return d.at(&path, None, 0, 0);
        };
        let anchor = site
            .scene
            .as_deref()
            .and_then(|s| loc.find(0, Some("id"), s))
            .map_or(0, |t| t.start);
        let tok = if site.content.is_empty() {
            None
        } else {
            loc.find(anchor, site.key, &site.content)
                .or_else(|| loc.find(anchor, None, &site.content))
                .or_else(|| loc.find(0, None, &site.content))
        };
        let offset = tok.map_or(anchor, |t| loc.offset_in(t, site.char_offset));
        let (line, col) = loc.line_col(offset);
        d.at(&path, Some(loc.source()), line, col)
    }

    fn run(&mut self) -> Option<Story> {
        if self.files.len() > limits::MAX_FILES {
            self.diags.push(Diagnostic::error(
                "E0001",
                format!(
                    "the story has {} files; at most {} are accepted",
                    self.files.len(),
                    limits::MAX_FILES
                ),
            ));
            return None;
        }
        if self.files.is_empty() {
            self.diags.push(
                Diagnostic::error("E0002", "no story files (*.ron) found").with_hint(
                    "a story is a directory holding a `Story(...)` header file and chapter files",
                ),
            );
            return None;
        }
        let parsed = self.parse_all();
        self.build(&parsed)
    }

    fn parse_all(&mut self) -> Vec<(usize, RawFile)> {
        let mut out = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            if f.bytes.len() > limits::MAX_FILE_BYTES {
                self.diags.push(
                    Diagnostic::error(
                        "E0003",
                        format!(
                            "file is {} bytes; the limit is {}",
                            f.bytes.len(),
                            limits::MAX_FILE_BYTES
                        ),
                    )
                    .with_hint("split it into several chapter files")
                    .at(&f.path, None, 0, 0),
                );
                continue;
            }
            let text = match std::str::from_utf8(&f.bytes) {
                Ok(t) => t,
                Err(e) => {
                    let good = &f.bytes[..e.valid_up_to()];
                    let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
                    let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                    let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
                    self.diags.push(
                        Diagnostic::error("E0004", "file is not valid UTF-8")
                            .with_hint("save the file as UTF-8 text")
                            .at(&f.path, None, line, col),
                    );
                    continue;
                }
            };
            self.texts[i] = Some(text);
            if strip_comments(text).trim().is_empty() {
                self.diags.push(
                    Diagnostic::error("E0005", "file is empty")
                        .with_hint("a story file holds `Story(...)` or `Chapter(...)`; delete the file if it is not needed")
                        .at(&f.path, Some(text), 1, 1),
                );
                continue;
            }
            match raw::ron_options().from_str::<RawFile>(text) {
                Ok(file) => out.push((i, file)),
                Err(e) => {
                    let d = ron_diagnostic(&e, text);
                    let (line, col) = (e.span.start.line, e.span.start.col);
                    self.diags.push(d.at(&f.path, Some(text), line, col));
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_lines)] // one pass after another; splitting would hide the order
    fn build(&mut self, parsed: &[(usize, RawFile)]) -> Option<Story> {
        // Header.
        let headers: Vec<(usize, &RawHeader)> = parsed
            .iter()
            .filter_map(|(i, f)| match f {
                RawFile::Story(h) => Some((*i, h)),
                RawFile::Chapter(_) => None,
            })
            .collect();
        for (i, h) in headers.iter().skip(1) {
            let d = Diagnostic::error("E0101", "a second `Story(...)` header").with_hint(format!(
                "only one file may be the header; the first is {}",
                self.path(headers[0].0)
            ));
            self.report(d, &Site::literal(*i, Some("id"), &h.id));
        }
        let header = headers.first().copied();
        let all_syntax_ok = parsed.len() == self.files.len();
        if header.is_none() && all_syntax_ok {
            self.diags.push(
                Diagnostic::error("E0102", "the story has no `Story(...)` header file")
                    .with_hint("add a file holding `Story(id: ..., title: ..., start: ..., ...)`; see docs/format.md"),
            );
        }
        let chapters: Vec<(usize, &RawChapter)> = parsed
            .iter()
            .filter_map(|(i, f)| match f {
                RawFile::Chapter(c) => Some((*i, c)),
                RawFile::Story(_) => None,
            })
            .collect();

        // Variables and endings, from the header and any chapter.
        let mut variables: Vec<Variable> = Vec::new();
        let mut var_index: HashMap<String, usize> = HashMap::new();
        let mut endings: Vec<(usize, &raw::RawEnding)> = Vec::new();
        let mut decl_files: Vec<(usize, &[RawVariable], &[raw::RawEnding])> = Vec::new();
        if let Some((i, h)) = header {
            decl_files.push((i, &h.variables, &h.endings));
        }
        for (i, c) in &chapters {
            decl_files.push((*i, &c.variables, &c.endings));
        }
        for (file, vars, ends) in decl_files {
            for v in vars {
                let var = match v {
                    RawVariable::Int {
                        name,
                        initial,
                        min,
                        max,
                    } => Variable {
                        name: name.clone(),
                        ty: Type::Int,
                        initial: *initial,
                        min: min.unwrap_or(i64::MIN),
                        max: max.unwrap_or(i64::MAX),
                        origin: Origin { file },
                    },
                    RawVariable::Flag { name, initial } => Variable {
                        name: name.clone(),
                        ty: Type::Bool,
                        initial: i64::from(*initial),
                        min: 0,
                        max: 1,
                        origin: Origin { file },
                    },
                };
                let site = Site::literal(file, Some("name"), &var.name);
                if !is_identifier(&var.name) {
                    let d = Diagnostic::error("E0103", format!("`{}` is not a valid variable name", var.name))
                        .with_hint("use letters, digits and `_`, starting with a letter; not `and`, `or`, `not`, `if`, `true`, `false`, `visits`");
                    self.report(d, &site);
                    continue;
                }
                if var.min > var.max {
                    let d = Diagnostic::error(
                        "E0104",
                        format!("`{}` has min {} above max {}", var.name, var.min, var.max),
                    );
                    self.report(d, &site);
                } else if var.initial < var.min || var.initial > var.max {
                    let d = Diagnostic::error(
                        "E0105",
                        format!(
                            "`{}` starts at {}, outside {}..={}",
                            var.name, var.initial, var.min, var.max
                        ),
                    )
                    .with_hint("set `initial` within the bounds");
                    self.report(d, &site);
                }
                if var_index.contains_key(&var.name) {
                    let d = Diagnostic::error(
                        "E0106",
                        format!("variable `{}` is declared twice", var.name),
                    )
                    .with_hint("each variable is declared once, in the header or one chapter");
                    self.report(d, &site);
                    continue;
                }
                var_index.insert(var.name.clone(), variables.len());
                variables.push(var);
            }
            for e in ends {
                if endings.iter().any(|(_, x)| x.id == e.id) {
                    let d =
                        Diagnostic::error("E0107", format!("ending `{}` is declared twice", e.id));
                    self.report(d, &Site::literal(file, Some("id"), &e.id));
                    continue;
                }
                endings.push((file, e));
            }
        }

        // Scene index.
        let mut scene_map: HashMap<&str, (usize, &RawScene)> = HashMap::new();
        let mut order: Vec<(usize, &RawChapter, &RawScene)> = Vec::new();
        for (i, c) in &chapters {
            for s in &c.scenes {
                if let Some((first, _)) = scene_map.get(s.id.as_str()) {
                    let first_path = self.path(*first).to_owned();
                    let first_pos =
                        self.place(Diagnostic::error("", ""), &Site::scene(*first, &s.id));
                    let d =
                        Diagnostic::error("E0108", format!("scene `{}` is defined twice", s.id))
                            .with_hint(format!(
                                "the first is at {first_path}:{}:{}; rename one of them",
                                first_pos.line, first_pos.col
                            ));
                    // Point at the second definition: the second `id:` literal in that file, or this file's first.
                    let site = if *first == *i {
                        let loc_first = self
                            .locator(*i)
                            .and_then(|l| l.find(0, Some("id"), &s.id))
                            .map(|t| t.end);
                        Site {
                            file: *i,
                            scene: None,
                            key: Some("id"),
                            content: s.id.clone(),
                            char_offset: 0,
                        }
                        .with_after(loc_first)
                    } else {
                        Site::scene(*i, &s.id).with_after(None)
                    };
                    self.report_after(d, &site);
                    continue;
                }
                if scene_map.len() >= limits::MAX_SCENES {
                    self.diags.push(Diagnostic::error(
                        "E0109",
                        format!("more than {} scenes", limits::MAX_SCENES),
                    ));
                    return None;
                }
                scene_map.insert(&s.id, (*i, s));
                order.push((*i, c, s));
            }
        }
        let names = Names {
            vars: variables.iter().map(|v| (v.name.as_str(), v.ty)).collect(),
            scenes: &scene_map,
        };
        let ending_ids: HashSet<&str> = endings.iter().map(|(_, e)| e.id.as_str()).collect();

        // Compile scenes.
        let mut scenes: Vec<Scene> = Vec::with_capacity(order.len());
        for (file, chapter, s) in &order {
            if let Some(scene) = self.compile_scene(*file, chapter, s, &names, &ending_ids) {
                scenes.push(scene);
            }
        }
        let mut scene_index: HashMap<String, usize> = scenes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();

        // Extensions.
        for (file, c) in &chapters {
            for ext in &c.extend {
                let Some(&target) = scene_index.get(&ext.scene) else {
                    let mut d = Diagnostic::error(
                        "E0110",
                        format!("`extend` names scene `{}`, which does not exist", ext.scene),
                    );
                    if let Some(best) = expr::closest(&ext.scene, scene_map.keys().copied()) {
                        d = d.with_hint(format!("did you mean `{best}`?"));
                    }
                    self.report(d, &Site::literal(*file, Some("scene"), &ext.scene));
                    continue;
                };
                if !matches!(scenes[target].exit, Exit::Choices(_)) {
                    let d = Diagnostic::error(
                        "E0111",
                        format!(
                            "scene `{}` does not end in choices, so it cannot be extended",
                            ext.scene
                        ),
                    )
                    .with_hint("extend a scene that has `choices: [...]`");
                    self.report(d, &Site::literal(*file, Some("scene"), &ext.scene));
                    continue;
                }
                let mut slot = 1000;
                let target_id = scenes[target].id.clone();
                let mut added = Vec::new();
                for rc in &ext.choices {
                    if let Some(ch) = self.compile_choice(*file, &ext.scene, rc, &names, &mut slot)
                    {
                        added.push(ch);
                    }
                }
                if let Exit::Choices(list) = &mut scenes[target].exit {
                    for ch in added {
                        if list.iter().any(|c| c.id == ch.id) {
                            let d = Diagnostic::error(
                                "E0112",
                                format!(
                                    "choice id `{}` is already used in scene `{target_id}`",
                                    ch.id
                                ),
                            )
                            .with_hint("give this choice an explicit, different `id:`");
                            self.report(d, &Site::literal(*file, Some("goto"), &ch.goto));
                            continue;
                        }
                        list.push(ch);
                    }
                }
            }
        }

        let (Some((hfile, h)), true) = (header, true) else {
            return None;
        };
        if !scene_index.contains_key(&h.start) && scene_map.get(h.start.as_str()).is_none() {
            let mut d = Diagnostic::error(
                "E0113",
                format!("the start scene `{}` does not exist", h.start),
            );
            if let Some(best) = expr::closest(&h.start, scene_map.keys().copied()) {
                d = d.with_hint(format!("did you mean `{best}`?"));
            } else {
                d = d.with_hint("`start:` must name a scene defined in a chapter file");
            }
            self.report(d, &Site::literal(hfile, Some("start"), &h.start));
        }
        let mut plain_texts = |file: usize, key: &'static str, list: &[String]| -> Vec<Text> {
            let mut slot = 0;
            list.iter()
                .filter_map(|p| self.compile_text(file, None, key, p, &names, &mut slot))
                .collect()
        };
        let content_note = plain_texts(hfile, "content_note", &h.content_note);
        let afterword = plain_texts(hfile, "afterword", &h.afterword);
        let credits = plain_texts(hfile, "credits", &h.credits);
        let endings: Vec<Ending> = endings
            .iter()
            .map(|(file, e)| Ending {
                id: e.id.clone(),
                title: e.title.clone(),
                epilogue: plain_texts(*file, "epilogue", &e.epilogue),
                origin: Origin { file: *file },
            })
            .collect();

        scene_index.shrink_to_fit();
        let story = Story {
            id: h.id.clone(),
            title: h.title.clone(),
            subtitle: h.subtitle.clone().unwrap_or_default(),
            start: h.start.clone(),
            content_note,
            afterword,
            credits,
            variables,
            endings,
            scenes,
            files: self.files.iter().map(|f| f.path.clone()).collect(),
            content_hash: content_hash(self.files),
            scene_index,
            var_index,
        };
        if self.diags.iter().any(Diagnostic::is_error) {
            // Graph lints assume every id resolves; skip them, but keep the counts.
            return Some(story);
        }
        for (d, site) in lint::lint(&story) {
            self.report(d, &site);
        }
        Some(story)
    }

    fn report_after(&mut self, d: Diagnostic, site: &SiteAfter) {
        let path = self.path(site.site.file).to_owned();
        let Some(loc) = self.locator(site.site.file) else {
            self.diags.push(d.at(&path, None, 0, 0));
            return;
        };
        let tok = loc.find(site.after, site.site.key, &site.site.content);
        let offset = tok.map_or(0, |t| t.start);
        let (line, col) = loc.line_col(offset);
        let d = d.at(&path, Some(loc.source()), line, col);
        self.diags.push(d);
    }

    fn expr_error(
        &mut self,
        e: ExprError,
        code: &'static str,
        file: usize,
        scene: Option<&str>,
        key: Option<&'static str>,
        src: &str,
    ) {
        let mut d = Diagnostic::error(code, e.message);
        if let Some(h) = e.hint {
            d = d.with_hint(h);
        }
        let site = Site {
            file,
            scene: scene.map(str::to_owned),
            key,
            content: src.to_owned(),
            char_offset: e.offset,
        };
        self.report(d, &site);
    }

    fn too_long(&mut self, file: usize, scene: Option<&str>, src: &str) -> bool {
        if src.len() <= limits::MAX_STRING_BYTES {
            return false;
        }
        let d = Diagnostic::error(
            "E0114",
            format!(
                "a string of {} bytes; the limit is {}",
                src.len(),
                limits::MAX_STRING_BYTES
            ),
        )
        .with_hint("split the paragraph");
        let site = Site {
            file,
            scene: scene.map(str::to_owned),
            key: None,
            content: src.to_owned(),
            char_offset: 0,
        };
        self.report(d, &site);
        true
    }

    fn compile_text(
        &mut self,
        file: usize,
        scene: Option<&str>,
        _key: &'static str,
        src: &str,
        names: &Names<'_>,
        slot: &mut u32,
    ) -> Option<Text> {
        if self.too_long(file, scene, src) {
            return None;
        }
        match text::parse(src, names, slot) {
            Ok(t) => Some(t),
            Err(e) => {
                self.expr_error(e, "E0201", file, scene, None, src);
                None
            }
        }
    }

    fn compile_effects(
        &mut self,
        file: usize,
        scene: &str,
        list: &[String],
        names: &Names<'_>,
    ) -> Vec<Effect> {
        let mut out = Vec::with_capacity(list.len());
        for src in list {
            if self.too_long(file, Some(scene), src) {
                continue;
            }
            match expr::parse_effect(src, names) {
                Ok(e) => out.push(e),
                Err(e) => self.expr_error(e, "E0202", file, Some(scene), None, src),
            }
        }
        out
    }

    fn compile_condition(
        &mut self,
        file: usize,
        scene: &str,
        src: &str,
        names: &Names<'_>,
    ) -> Option<expr::Expr> {
        if self.too_long(file, Some(scene), src) {
            return None;
        }
        match expr::parse_condition(src, names) {
            Ok(e) => Some(e),
            Err(e) => {
                self.expr_error(e, "E0203", file, Some(scene), Some("when"), src);
                None
            }
        }
    }

    fn check_target(
        &mut self,
        file: usize,
        scene: &str,
        key: &'static str,
        target: &str,
        names: &Names<'_>,
    ) {
        if names.scenes.contains_key(target) {
            return;
        }
        let mut d = Diagnostic::error(
            "E0301",
            format!("`{key}` leads to scene `{target}`, which does not exist"),
        );
        d = match expr::closest(target, names.scenes.keys().copied()) {
            Some(best) => d.with_hint(format!("did you mean `{best}`?")),
            None => d.with_hint("define a scene with this id, or fix the target"),
        };
        self.report(d, &Site::inside(file, scene, Some(key), target));
    }

    fn compile_choice(
        &mut self,
        file: usize,
        scene: &str,
        rc: &RawChoice,
        names: &Names<'_>,
        slot: &mut u32,
    ) -> Option<Choice> {
        self.check_target(file, scene, "goto", &rc.goto, names);
        let label = self.compile_text(file, Some(scene), "label", &rc.label, names, slot)?;
        let when = rc
            .when
            .as_deref()
            .and_then(|w| self.compile_condition(file, scene, w, names));
        let effects = self.compile_effects(file, scene, &rc.effects, names);
        let chance = rc.chance.as_ref().map(|c| {
            if !(1..=99).contains(&c.percent) {
                let d = Diagnostic::error(
                    "E0302",
                    format!("a chance of {}% is not a chance", c.percent),
                )
                .with_hint("use a percent from 1 to 99; for certainty, use `goto`");
                self.report(d, &Site::inside(file, scene, Some("goto"), &c.goto));
            }
            self.check_target(file, scene, "goto", &c.goto, names);
            Chance {
                percent: c.percent,
                goto: c.goto.clone(),
                effects: self.compile_effects(file, scene, &c.effects, names),
            }
        });
        let id = rc.id.clone().unwrap_or_else(|| rc.goto.clone());
        if id == CONTINUE {
            let d = Diagnostic::error("E0303", format!("`{CONTINUE}` is reserved as a choice id"))
                .with_hint("pick another `id:`");
            self.report(d, &Site::inside(file, scene, Some("id"), &id));
        }
        Some(Choice {
            id,
            label,
            goto: rc.goto.clone(),
            when_source: when.as_ref().and(rc.when.clone()),
            when,
            disabled: rc.disabled.clone(),
            effects,
            once: rc.once,
            chance,
            origin: Origin { file },
        })
    }

    #[allow(clippy::too_many_lines)]
    fn compile_scene(
        &mut self,
        file: usize,
        chapter: &RawChapter,
        s: &RawScene,
        names: &Names<'_>,
        endings: &HashSet<&str>,
    ) -> Option<Scene> {
        let id = s.id.as_str();
        if !is_scene_id(id) {
            let d = Diagnostic::error("E0304", format!("`{id}` is not a valid scene id"))
                .with_hint("use letters, digits, `_` and `-`");
            self.report(d, &Site::scene(file, id));
        }
        let mut slot = 0;
        let mut text = Vec::with_capacity(s.text.len());
        for p in &s.text {
            if let Some(t) = self.compile_text(file, Some(id), "text", p, names, &mut slot) {
                text.push(t);
            }
        }
        let on_enter = self.compile_effects(file, id, &s.on_enter, names);
        let date = s.date.clone().or_else(|| chapter.date.clone());
        let place = s.place.clone().or_else(|| chapter.place.clone());
        if date.is_none() || place.is_none() {
            let missing = if date.is_none() { "date" } else { "place" };
            let d = Diagnostic::error("E0305", format!("scene `{id}` has no {missing} label"))
                .with_hint(format!(
                    "add `{missing}: \"...\"` to the scene or to its `Chapter(...)`"
                ));
            self.report(d, &Site::scene(file, id));
        }
        let exits = usize::from(s.choices.is_some())
            + usize::from(s.next.is_some())
            + usize::from(s.routes.is_some())
            + usize::from(s.ending.is_some());
        if exits > 1 {
            let d = Diagnostic::error(
                "E0306",
                format!("scene `{id}` has more than one way of ending"),
            )
            .with_hint("use exactly one of `choices`, `next`, `routes` or `ending`");
            self.report(d, &Site::scene(file, id));
        }
        let exit = if let Some(choices) = &s.choices {
            let mut list: Vec<Choice> = Vec::with_capacity(choices.len());
            for rc in choices {
                let Some(ch) = self.compile_choice(file, id, rc, names, &mut slot) else {
                    continue;
                };
                if list.iter().any(|c| c.id == ch.id) {
                    let msg = format!("choice id `{}` is used twice in scene `{id}`", ch.id);
                    let hint = if rc.id.is_none() {
                        "two choices lead to the same scene: give one an explicit `id:`"
                    } else {
                        "choice ids must be unique within their scene"
                    };
                    let key = if rc.id.is_some() { "id" } else { "goto" };
                    // Point at the second occurrence.
                    let loc_first = self.locator(file).and_then(|l| {
                        let anchor = l.find(0, Some("id"), id)?.start;
                        l.find(anchor, Some(key), &ch.id).map(|t| t.end)
                    });
                    let site = SiteAfter {
                        site: Site {
                            file,
                            scene: None,
                            key: Some(key),
                            content: ch.id.clone(),
                            char_offset: 0,
                        },
                        after: loc_first.unwrap_or(0),
                    };
                    self.report_after(Diagnostic::error("E0307", msg).with_hint(hint), &site);
                    continue;
                }
                list.push(ch);
            }
            if list.is_empty() && !choices.is_empty() {
                // Errors were reported for each choice already.
            } else if list.is_empty() {
                let d = Diagnostic::error(
                    "E0308",
                    format!("scene `{id}` has an empty `choices` list: the player would be stuck"),
                )
                .with_hint("add a choice, or use `next`, `routes` or `ending`");
                self.report(d, &Site::scene(file, id));
            }
            Exit::Choices(list)
        } else if let Some(next) = &s.next {
            self.check_target(file, id, "next", next, names);
            Exit::Routes(vec![Route {
                when: None,
                when_source: None,
                goto: next.clone(),
            }])
        } else if let Some(routes) = &s.routes {
            let mut out = Vec::with_capacity(routes.len());
            for r in routes {
                self.check_target(file, id, "goto", &r.goto, names);
                let when = r
                    .when
                    .as_deref()
                    .and_then(|w| self.compile_condition(file, id, w, names));
                out.push(Route {
                    when_source: when.as_ref().and(r.when.clone()),
                    when,
                    goto: r.goto.clone(),
                });
            }
            match routes.iter().position(|r| r.when.is_none()) {
                None => {
                    let d = Diagnostic::error("E0309", format!("scene `{id}` has no fallback route: when no condition holds the player is stuck"))
                        .with_hint("end `routes` with a `Route(goto: ...)` that has no `when`");
                    self.report(d, &Site::scene(file, id));
                }
                Some(p) if p + 1 < routes.len() => {
                    let d = Diagnostic::warning(
                        "W0310",
                        format!(
                            "in scene `{id}`, routes after the unconditional one are never taken"
                        ),
                    )
                    .with_hint("move the route without `when` to the end");
                    self.report(
                        d,
                        &Site::inside(file, id, Some("goto"), &routes[p + 1].goto),
                    );
                }
                Some(_) => {}
            }
            Exit::Routes(out)
        } else if let Some(end) = &s.ending {
            if !endings.contains(end.as_str()) {
                let mut d = Diagnostic::error("E0311", format!("ending `{end}` is not declared"));
                d = match expr::closest(end, endings.iter().copied()) {
                    Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                    None => d.with_hint("declare it with `Ending(id: ..., title: ..., epilogue: [...])` in `endings: [...]`"),
                };
                self.report(d, &Site::inside(file, id, Some("ending"), end));
            }
            Exit::Ending(end.clone())
        } else {
            let d = Diagnostic::error("E0312", format!("scene `{id}` has no way out"))
                .with_hint("end it with `choices: [...]`, `next: \"scene\"`, `routes: [...]` or `ending: \"id\"`");
            self.report(d, &Site::scene(file, id));
            Exit::Routes(Vec::new())
        };
        Some(Scene {
            id: s.id.clone(),
            chapter: s.chapter.clone().unwrap_or_else(|| chapter.title.clone()),
            date: date.unwrap_or_default(),
            place: place.unwrap_or_default(),
            on_enter,
            text,
            exit,
            origin: Origin { file },
        })
    }
}

/// The choice id of the single "Continue" offered by scenes that end in `next`/`routes`.
pub const CONTINUE: &str = "continue";

struct SiteAfter {
    site: Site,
    after: usize,
}

impl Site {
    fn with_after(self, after: Option<usize>) -> SiteAfter {
        SiteAfter {
            site: self,
            after: after.unwrap_or(0),
        }
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !["and", "or", "not", "if", "true", "false", "visits"].contains(&s)
}

fn is_scene_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.find('\n').map_or("", |i| &r[i..]);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.find("*/").map_or("", |i| &r[i + 2..]);
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            if !c.is_whitespace() && !c.is_ascii_punctuation() {
                // Real content: no need to look further.
                out.push_str(rest);
                break;
            }
        }
    }
    out
}

fn ron_diagnostic(e: &ron::error::SpannedError, text: &str) -> Diagnostic {
    use ron::Error as R;
    let at_end = {
        let lines = text.lines().count().max(1);
        e.span.start.line >= lines
            && matches!(
                e.code,
                R::Eof
                    | R::ExpectedComma
                    | R::ExpectedStructLikeEnd
                    | R::ExpectedArrayEnd
                    | R::ExpectedMapEnd
                    | R::ExpectedStringEnd
            )
            || matches!(e.code, R::Eof)
    };
    match &e.code {
        R::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let in_what = outer
                .as_deref()
                .map_or(String::new(), |o| format!(" in `{o}`"));
            let d = Diagnostic::error("E0010", format!("unknown field `{found}`{in_what}"));
            match expr::closest(found, expected.iter().copied()) {
                Some(best) => d.with_hint(format!(
                    "did you mean `{best}`? (fields: {})",
                    expected.join(", ")
                )),
                None => d.with_hint(format!("the fields here are: {}", expected.join(", "))),
            }
        }
        R::MissingStructField { field, outer } => {
            let in_what = outer
                .as_deref()
                .map_or(String::new(), |o| format!(" in `{o}`"));
            Diagnostic::error("E0011", format!("missing field `{field}`{in_what}"))
                .with_hint(format!("add `{field}: ...`; see docs/format.md"))
        }
        R::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let in_what = outer
                .as_deref()
                .map_or(String::new(), |o| format!(" in `{o}`"));
            let d = Diagnostic::error("E0012", format!("unknown item `{found}`{in_what}"));
            match expr::closest(found, expected.iter().copied()) {
                Some(best) => d.with_hint(format!(
                    "did you mean `{best}`? (expected one of: {})",
                    expected.join(", ")
                )),
                None => d.with_hint(format!("expected one of: {}", expected.join(", "))),
            }
        }
        _ if at_end => Diagnostic::error("E0013", format!("the file ends too early: {}", e.code))
            .with_hint("the file looks truncated: check for a missing `)`, `]` or closing quote"),
        other => Diagnostic::error("E0014", format!("RON syntax error: {other}"))
            .with_hint("see docs/format.md for the file format"),
    }
}

/// FNV-1a over every file's path and bytes: stable across Rust versions and platforms,
/// unlike `DefaultHasher`, so saves can compare it later.
fn content_hash(files: &[SourceFile]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in files {
        eat(f.path.as_bytes());
        eat(&[0]);
        eat(&f.bytes);
        eat(&[0]);
    }
    h
}
