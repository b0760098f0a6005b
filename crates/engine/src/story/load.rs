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
use super::model::{CONTINUE, Chance, Choice, Ending, Exit, Origin, Route, Scene, Story, Variable};
use super::raw::{self, RawChapter, RawChoice, RawFile, RawHeader, RawScene, RawVariable};
use super::safe;
use super::site::Site;
use super::text::{self, Text};

/// Bounds that keep a hostile or broken story from exhausting memory or time.
pub use crate::limits;

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
    /// Counts for the summary line (of what compiled, even when there were errors;
    /// words are counted only by the linting [`load`]).
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

/// Loads and checks a story from its files.
#[must_use]
pub fn load(files: &[SourceFile]) -> Loaded {
    load_with(files, true)
}

/// Loads without the whole-story lints (reachability, unused variables): what the game
/// itself needs at start-up. Every error is still found; only warnings are skipped.
#[must_use]
pub fn load_unlinted(files: &[SourceFile]) -> Loaded {
    load_with(files, false)
}

/// Loads and checks under other bounds than the default ones (tests prove each bound
/// with small inputs this way).
#[must_use]
pub fn load_limited(files: &[SourceFile], limits: limits::Limits) -> Loaded {
    let mut cx = Ctx::new(files);
    cx.limits = limits;
    finish(cx)
}

fn load_with(files: &[SourceFile], lints: bool) -> Loaded {
    let mut cx = Ctx::new(files);
    cx.lints = lints;
    finish(cx)
}

fn finish(mut cx: Ctx<'_>) -> Loaded {
    let files = cx.files;
    let mut story = cx.run();
    let lints = cx.lints;
    let mut diagnostics = cx.diags;
    // Sanitise once, here: nothing downstream neutralises story text again.
    if let Some(s) = &mut story {
        safe::story(s);
    }
    safe::diagnostics(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    // Counting every word of a large story is real work: only the checker's summary
    // needs it, and the checker is the caller that asks for the lints.
    let words = |s: &Story| if lints { s.word_count() } else { 0 };
    let stats = story.as_ref().map_or_else(Stats::default, |s| Stats {
        scenes: s.scenes.len(),
        choices: s.choice_count(),
        words: words(s),
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
    /// A file failed to load (or there is no header): names it would have declared
    /// are missing, so "does not exist" errors would mostly be echoes of that failure.
    incomplete: bool,
    /// How many such echoes were held back.
    suppressed: usize,
    lints: bool,
    limits: limits::Limits,
    /// Stories repeat their conditions and effects; each distinct text is parsed once.
    cond_memo: HashMap<String, Result<expr::Expr, ExprError>>,
    effect_memo: HashMap<String, Result<Effect, ExprError>>,
}

/// The names an expression may use, built once the whole story has been read.
struct Names<'a> {
    vars: HashMap<&'a str, Type>,
    /// Scene id → (file, position among all scenes) of its first definition.
    scenes: &'a HashMap<String, (usize, usize)>,
    /// `{if ...}` conditions in text repeat as much as `when:` ones: parse each once.
    text_conditions: std::cell::RefCell<HashMap<String, Result<expr::Expr, ExprError>>>,
    /// "Did you mean" hints left: each compares a name with every other, so only the
    /// first [`HINTS`] errors get one and a story with 100,000 broken names stays linear.
    hints_left: std::cell::Cell<usize>,
}

/// How many errors get a "did you mean" hint.
const HINTS: usize = 100;

impl Names<'_> {
    /// The closest of `candidates` to `word`, while hints last.
    fn suggest<'n>(
        &self,
        word: &str,
        candidates: impl IntoIterator<Item = &'n str>,
    ) -> Option<&'n str> {
        let left = self.hints_left.get();
        if left == 0 {
            return None;
        }
        self.hints_left.set(left - 1);
        expr::closest(word, candidates)
    }
}

impl Scope for Names<'_> {
    fn remembered(&self, src: &str) -> Option<Result<expr::Expr, ExprError>> {
        self.text_conditions.borrow().get(src).cloned()
    }
    fn remember(&self, src: &str, parsed: &Result<expr::Expr, ExprError>) {
        self.text_conditions
            .borrow_mut()
            .insert(src.to_owned(), parsed.clone());
    }
    fn var_type(&self, name: &str) -> Option<Type> {
        self.vars.get(name).copied()
    }
    fn scene_exists(&self, id: &str) -> bool {
        self.scenes.contains_key(id)
    }
    fn var_names(&self) -> Vec<&str> {
        // Asked only for a hint: an empty list once hints are used up.
        let left = self.hints_left.get();
        if left == 0 {
            return Vec::new();
        }
        self.hints_left.set(left - 1);
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
            incomplete: false,
            suppressed: 0,
            lints: true,
            limits: limits::Limits::default(),
            cond_memo: HashMap::new(),
            effect_memo: HashMap::new(),
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
    }

    fn run(&mut self) -> Option<Story> {
        if self.files.len() > self.limits.files {
            // Point at the first file past the limit: that is where the author looks.
            let first_extra = &self.files[self.limits.files].path;
            self.diags.push(
                Diagnostic::error(
                    "E0001",
                    format!(
                        "the story has more than {} files; no more are accepted",
                        self.limits.files
                    ),
                )
                .with_hint("merge small chapter files into larger ones")
                .at(first_extra, None, 1, 1),
            );
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
        if self.diags.iter().any(|d| d.code == "E0006") {
            // Files were left unread: anything said about the rest would be noise.
            return None;
        }
        // Scenes are by far the bulk of a story. Taking them out of the parsed files lets
        // the compiler consume them one by one, moving their text rather than copying
        // it, so the parsed and the compiled story are never both whole in memory.
        let mut parsed = parsed;
        let bodies: Vec<Vec<RawScene>> = parsed
            .iter_mut()
            .map(|(_, f)| match f {
                RawFile::Chapter(c) => std::mem::take(&mut c.scenes),
                RawFile::Story(_) => Vec::new(),
            })
            .collect();
        let story = self.build(&parsed, bodies);
        if self.suppressed > 0 {
            self.diags.push(
                Diagnostic::warning(
                    "W0015",
                    format!(
                        "{} reference(s) to scenes, variables or endings were not checked",
                        self.suppressed
                    ),
                )
                .with_hint("they may be declared in a file that failed to load, or in the missing header: fix the errors above, then check again"),
            );
        }
        story
    }

    fn parse_all(&mut self) -> Vec<(usize, RawFile)> {
        let mut out = Vec::new();
        let mut total = 0usize;
        for (i, f) in self.files.iter().enumerate() {
            total = total.saturating_add(f.bytes.len());
            if total > self.limits.total_bytes {
                self.diags.push(
                    Diagnostic::error(
                        "E0006",
                        format!(
                            "the story's files add up to more than {} bytes, the limit for a whole story",
                            self.limits.total_bytes
                        ),
                    )
                    .with_hint("this is the first file past the limit; no further files were read")
                    .at(&f.path, None, 1, 1),
                );
                break;
            }
            if f.bytes.len() > self.limits.file_bytes {
                self.diags.push(
                    // Only the limit is named: the reader stops one byte past it,
                    // so the true size is not known.
                    Diagnostic::error(
                        "E0003",
                        format!(
                            "file is larger than {} bytes, the limit for one story file",
                            self.limits.file_bytes
                        ),
                    )
                    .with_hint("split it into several chapter files")
                    .at(&f.path, None, 1, 1),
                );
                continue;
            }
            let text = match std::str::from_utf8(&f.bytes) {
                Ok(t) => t,
                Err(e) => {
                    let good = &f.bytes[..e.valid_up_to()];
                    let line = good.split(|&b| b == b'\n').count();
                    let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                    let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
                    // Quote the line, the bad bytes shown as U+FFFD.
                    let lossy = String::from_utf8_lossy(&f.bytes[line_start..]);
                    let quoted = lossy.lines().next().unwrap_or("");
                    let d = Diagnostic::error("E0004", "file is not valid UTF-8")
                        .with_hint("save the file as UTF-8 text")
                        .at(&f.path, None, line, col)
                        .quoting(quoted, col);
                    self.diags.push(d);
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
                    let at = ron_error_offset(&e, text);
                    self.diags
                        .push(d.at_offset(&f.path, &Locator::new(text), at));
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_lines)] // one pass after another; splitting would hide the order
    fn build(&mut self, parsed: &[(usize, RawFile)], bodies: Vec<Vec<RawScene>>) -> Option<Story> {
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
        self.incomplete = !all_syntax_ok || header.is_none();
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
        // Each chapter with the scenes taken out of it, in file order.
        let mut chapter_bodies: Vec<(usize, &RawChapter, Vec<RawScene>)> = parsed
            .iter()
            .zip(bodies)
            .filter_map(|((i, f), body)| match f {
                RawFile::Chapter(c) => Some((*i, c, body)),
                RawFile::Story(_) => None,
            })
            .collect();

        // Variables and endings, from the header and any chapter.
        let mut variables: Vec<Variable> = Vec::new();
        let mut var_index: HashMap<String, usize> = HashMap::new();
        let mut endings: Vec<(usize, &raw::RawEnding)> = Vec::new();
        let mut ending_ids: HashSet<&str> = HashSet::new();
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
                if !self.savable_id("variable name", &var.name, &site) {
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
                self.savable_id("ending id", &e.id, &Site::literal(file, Some("id"), &e.id));
                if !ending_ids.insert(e.id.as_str()) {
                    let d =
                        Diagnostic::error("E0107", format!("ending `{}` is declared twice", e.id));
                    self.report(d, &Site::literal(file, Some("id"), &e.id));
                    continue;
                }
                endings.push((file, e));
            }
        }
        if let Some(&(file, e)) = endings.get(limits::MAX_ENDINGS) {
            // The profile records every ending found and must stay readable.
            let d = Diagnostic::error(
                "E0116",
                format!(
                    "more than {} endings; the limit is {}",
                    limits::MAX_ENDINGS,
                    limits::MAX_ENDINGS
                ),
            )
            .with_hint("this is the first ending past the limit");
            self.report(d, &Site::literal(file, Some("id"), &e.id));
        }

        // Scene index.
        let mut scene_map: HashMap<String, (usize, usize)> = HashMap::new();
        let mut seq = 0usize;
        for (i, _, body) in &chapter_bodies {
            for s in body {
                seq += 1;
                if let Some(&(first, _)) = scene_map.get(s.id.as_str()) {
                    let first_path = self.path(first).to_owned();
                    let first_pos =
                        self.place(Diagnostic::error("", ""), &Site::scene(first, &s.id));
                    let d =
                        Diagnostic::error("E0108", format!("scene `{}` is defined twice", s.id))
                            .with_hint(format!(
                                "the first is at {first_path}:{}:{}; rename one of them",
                                first_pos.line, first_pos.col
                            ));
                    // Point at the second definition: in the same file, the next `id:`
                    // literal after the first; in another file, that file's scene.
                    if first == *i {
                        let after = self
                            .locator(*i)
                            .and_then(|l| l.scene_id(&s.id))
                            .map_or(0, |t| t.end);
                        self.report_after(d, &Site::literal(*i, Some("id"), &s.id), after);
                    } else {
                        self.report(d, &Site::scene(*i, &s.id));
                    }
                    continue;
                }
                if scene_map.len() >= self.limits.scenes {
                    let d = Diagnostic::error(
                        "E0109",
                        format!("more than {} scenes", self.limits.scenes),
                    )
                    .with_hint("this is the first scene past the limit");
                    self.report(d, &Site::scene(*i, &s.id));
                    return None;
                }
                scene_map.insert(s.id.clone(), (*i, seq));
            }
        }
        let names = Names {
            vars: variables.iter().map(|v| (v.name.as_str(), v.ty)).collect(),
            scenes: &scene_map,
            text_conditions: std::cell::RefCell::default(),
            hints_left: std::cell::Cell::new(HINTS),
        };
        let ending_ids: HashSet<&str> = endings.iter().map(|(_, e)| e.id.as_str()).collect();

        // Compile scenes.
        let mut scenes: Vec<Scene> = Vec::with_capacity(scene_map.len());
        let mut seq = 0usize;
        for (file, chapter, body) in &mut chapter_bodies {
            for s in std::mem::take(body) {
                seq += 1;
                // Second definitions of an id were reported above and are skipped here.
                if scene_map.get(s.id.as_str()) == Some(&(*file, seq)) {
                    let scene = self.compile_scene(*file, chapter, s, &names, &ending_ids);
                    scenes.push(scene);
                }
            }
        }
        let mut scene_index: HashMap<String, usize> = scenes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();

        // Extensions. Each extended scene's choice ids, gathered the first time it is
        // extended: thousands of `Extend`s must not each scan every choice.
        let mut extended_ids: HashMap<usize, HashSet<String>> = HashMap::new();
        for (file, c) in &chapters {
            for (n, ext) in c.extend.iter().enumerate() {
                let this = Site::extension(*file, n);
                let Some(&target) = scene_index.get(&ext.scene) else {
                    if self.incomplete {
                        self.suppressed += 1;
                        continue;
                    }
                    let mut d = Diagnostic::error(
                        "E0110",
                        format!("`extend` names scene `{}`, which does not exist", ext.scene),
                    );
                    d = match names.suggest(&ext.scene, scene_map.keys().map(String::as_str)) {
                        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                        None => d.with_hint("`extend` adds choices to a scene defined in another file: name that scene's `id`"),
                    };
                    self.report(d, &this.at(Some("scene"), &ext.scene));
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
                    self.report(d, &this.at(Some("scene"), &ext.scene));
                    continue;
                }
                let mut slot = 1000;
                let target_id = scenes[target].id.clone();
                let mut added = Vec::new();
                for (k, rc) in ext.choices.iter().enumerate() {
                    let site = this.clone().item("Choice", k);
                    if let Some(ch) = self.compile_choice(&site, rc, &names, &mut slot) {
                        let key = if rc.id.is_some() { "id" } else { "goto" };
                        added.push((site.at(Some(key), &ch.id), ch));
                    }
                }
                if let Exit::Choices(list) = &mut scenes[target].exit {
                    let ids = extended_ids
                        .entry(target)
                        .or_insert_with(|| list.iter().map(|c| c.id.clone()).collect());
                    for (site, ch) in added {
                        if !ids.insert(ch.id.clone()) {
                            let d = Diagnostic::error(
                                "E0112",
                                format!(
                                    "choice id `{}` is already used in scene `{target_id}`",
                                    ch.id
                                ),
                            )
                            .with_hint("give this choice an explicit, different `id:`");
                            self.report(d, &site);
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
        if self.incomplete && !scene_map.contains_key(h.start.as_str()) {
            self.suppressed += 1;
        } else if !scene_map.contains_key(h.start.as_str()) {
            let mut d = Diagnostic::error(
                "E0113",
                format!("the start scene `{}` does not exist", h.start),
            );
            if let Some(best) = names.suggest(&h.start, scene_map.keys().map(String::as_str)) {
                d = d.with_hint(format!("did you mean `{best}`?"));
            } else {
                d = d.with_hint("`start:` must name a scene defined in a chapter file");
            }
            self.report(d, &Site::literal(hfile, Some("start"), &h.start));
        }
        let mut plain_texts = |file: usize, key: &'static str, list: &[String]| -> Vec<Text> {
            let mut slot = 0;
            list.iter()
                .filter_map(|p| {
                    self.compile_text(&Site::literal(file, None, ""), key, p, &names, &mut slot)
                })
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
        let findings = if self.lints {
            lint::lint(&story)
        } else {
            Vec::new()
        };
        for (d, site) in findings {
            self.report(d, &site);
        }
        Some(story)
    }

    /// Points at the first `key: "content"` literal of `file` at or after byte `after`.
    fn report_after(&mut self, d: Diagnostic, site: &Site, after: usize) {
        let path = self.path(site.file).to_owned();
        let Some(loc) = self.locator(site.file) else {
            self.diags.push(d.at(&path, None, 0, 0));
            return;
        };
        let tok = loc.find(after, site.key, &site.content);
        let offset = tok.map_or(0, |t| t.start);
        self.diags.push(d.at_offset(&path, loc, offset));
    }

    /// Ids are recorded in saves and the profile, whose readers refuse some; the same
    /// rule ([`limits::id_problem`]) refuses them here, so any story that checks can be
    /// saved and loaded again. False (and an error reported) when `id` breaks it.
    fn savable_id(&mut self, what: &str, id: &str, site: &Site) -> bool {
        let Some(problem) = limits::id_problem(id) else {
            return true;
        };
        let d = Diagnostic::error("E0115", format!("`{id}` cannot be a {what}: {problem}"))
            .with_hint("saves record ids: keep them short, printable and on one line");
        self.report(d, site);
        false
    }

    /// Reports an error in an expression or text, pointing at its character.
    fn expr_error(&mut self, e: ExprError, code: &'static str, site: &Site) {
        if e.unresolved && self.incomplete {
            // Probably declared in a file that failed to load: not a problem of its own.
            self.suppressed += 1;
            return;
        }
        let mut d = Diagnostic::error(code, e.message);
        if let Some(h) = e.hint {
            d = d.with_hint(h);
        }
        self.report(d, &site.clone().char_at(e.offset));
    }

    fn too_long(&mut self, base: &Site, src: &str) -> bool {
        if src.len() <= self.limits.string_bytes {
            return false;
        }
        let d = Diagnostic::error(
            "E0114",
            format!(
                "a string of {} bytes; the limit is {}",
                src.len(),
                self.limits.string_bytes
            ),
        )
        .with_hint("split the paragraph");
        self.report(d, &base.at(None, src));
        true
    }

    fn compile_text(
        &mut self,
        base: &Site,
        key: &'static str,
        src: &str,
        names: &Names<'_>,
        slot: &mut u32,
    ) -> Option<Text> {
        if self.too_long(base, src) {
            return None;
        }
        match text::parse(src, names, slot) {
            Ok(t) => Some(t),
            Err(e) => {
                self.expr_error(e, "E0201", &base.at(Some(key), src));
                None
            }
        }
    }

    /// Like `compile_text`, taking the paragraph so that plain text is moved, not copied.
    fn compile_paragraph(
        &mut self,
        base: &Site,
        src: String,
        names: &Names<'_>,
        slot: &mut u32,
    ) -> Option<Text> {
        if self.too_long(base, &src) {
            return None;
        }
        match text::parse_owned(src, names, slot) {
            Ok(t) => Some(t),
            Err((e, src)) => {
                self.expr_error(e, "E0201", &base.at(Some("text"), &src));
                None
            }
        }
    }

    fn compile_effects(&mut self, base: &Site, list: &[String], names: &Names<'_>) -> Vec<Effect> {
        let mut out = Vec::with_capacity(list.len());
        for src in list {
            if self.too_long(base, src) {
                continue;
            }
            let parsed = match self.effect_memo.get(src.as_str()) {
                Some(hit) => hit.clone(),
                None => {
                    let r = expr::parse_effect(src, names);
                    self.effect_memo.insert(src.clone(), r.clone());
                    r
                }
            };
            match parsed {
                Ok(e) => out.push(e),
                Err(e) => self.expr_error(e, "E0202", &base.at(None, src)),
            }
        }
        out
    }

    fn compile_condition(
        &mut self,
        base: &Site,
        src: &str,
        names: &Names<'_>,
    ) -> Option<expr::Expr> {
        if self.too_long(base, src) {
            return None;
        }
        let parsed = match self.cond_memo.get(src) {
            Some(hit) => hit.clone(),
            None => {
                let r = expr::parse_condition(src, names);
                self.cond_memo.insert(src.to_owned(), r.clone());
                r
            }
        };
        match parsed {
            Ok(e) => Some(e),
            Err(e) => {
                self.expr_error(e, "E0203", &base.at(Some("when"), src));
                None
            }
        }
    }

    fn check_target(&mut self, base: &Site, key: &'static str, target: &str, names: &Names<'_>) {
        if names.scenes.contains_key(target) {
            return;
        }
        if self.incomplete {
            self.suppressed += 1;
            return;
        }
        let mut d = Diagnostic::error(
            "E0301",
            format!("`{key}` leads to scene `{target}`, which does not exist"),
        );
        d = match names.suggest(target, names.scenes.keys().map(String::as_str)) {
            Some(best) => d.with_hint(format!("did you mean `{best}`?")),
            None => d.with_hint("define a scene with this id, or fix the target"),
        };
        self.report(d, &base.at(Some(key), target));
    }

    /// Compiles one choice; `base` locates it (its scene or extension, and its index).
    fn compile_choice(
        &mut self,
        base: &Site,
        rc: &RawChoice,
        names: &Names<'_>,
        slot: &mut u32,
    ) -> Option<Choice> {
        self.check_target(base, "goto", &rc.goto, names);
        let label = self.compile_text(base, "label", &rc.label, names, slot)?;
        let when = rc
            .when
            .as_deref()
            .and_then(|w| self.compile_condition(base, w, names));
        let effects = self.compile_effects(base, &rc.effects, names);
        let chance = rc.chance.as_ref().map(|c| {
            if !(1..=99).contains(&c.percent) {
                let d = Diagnostic::error(
                    "E0302",
                    format!("a chance of {}% is not a chance", c.percent),
                )
                .with_hint("use a percent from 1 to 99; for certainty, use `goto`");
                self.report(d, &base.at(Some("goto"), &c.goto));
            }
            self.check_target(base, "goto", &c.goto, names);
            Chance {
                percent: c.percent,
                goto: c.goto.clone(),
                effects: self.compile_effects(base, &c.effects, names),
            }
        });
        let id = rc.id.clone().unwrap_or_else(|| rc.goto.clone());
        if rc.id.is_some() {
            self.savable_id("choice id", &id, &base.at(Some("id"), &id));
        }
        if id == CONTINUE {
            let d = Diagnostic::error("E0303", format!("`{CONTINUE}` is reserved as a choice id"))
                .with_hint("pick another `id:`");
            self.report(d, &base.at(Some("id"), &id));
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
            origin: Origin { file: base.file },
        })
    }

    #[allow(clippy::too_many_lines)]
    fn compile_scene(
        &mut self,
        file: usize,
        chapter: &RawChapter,
        mut s: RawScene,
        names: &Names<'_>,
        endings: &HashSet<&str>,
    ) -> Scene {
        let paragraphs = std::mem::take(&mut s.text);
        let s = &s;
        let id = s.id.as_str();
        let here = Site::scene(file, id);
        if is_scene_id(id) {
            self.savable_id("scene id", id, &here);
        } else {
            let d = Diagnostic::error("E0304", format!("`{id}` is not a valid scene id"))
                .with_hint("use letters, digits, `_` and `-`");
            self.report(d, &here);
        }
        let mut slot = 0;
        let mut text = Vec::with_capacity(paragraphs.len());
        for p in paragraphs {
            if let Some(t) = self.compile_paragraph(&here, p, names, &mut slot) {
                text.push(t);
            }
        }
        let on_enter = self.compile_effects(&here, &s.on_enter, names);
        let date = s.date.clone().or_else(|| chapter.date.clone());
        let place = s.place.clone().or_else(|| chapter.place.clone());
        if date.is_none() || place.is_none() {
            let missing = if date.is_none() { "date" } else { "place" };
            let d = Diagnostic::error("E0305", format!("scene `{id}` has no {missing} label"))
                .with_hint(format!(
                    "add `{missing}: \"...\"` to the scene or to its `Chapter(...)`"
                ));
            self.report(d, &here);
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
            self.report(d, &here);
        }
        let exit = if let Some(choices) = &s.choices {
            let mut list: Vec<Choice> = Vec::with_capacity(choices.len());
            // A set, not a scan of `list`: a scene may have thousands of choices.
            let mut ids: HashSet<String> = HashSet::with_capacity(choices.len());
            for (k, rc) in choices.iter().enumerate() {
                let this = here.clone().item("Choice", k);
                let Some(ch) = self.compile_choice(&this, rc, names, &mut slot) else {
                    continue;
                };
                if !ids.insert(ch.id.clone()) {
                    let msg = format!("choice id `{}` is used twice in scene `{id}`", ch.id);
                    let (key, hint) = if rc.id.is_some() {
                        ("id", "choice ids must be unique within their scene")
                    } else {
                        (
                            "goto",
                            "two choices lead to the same scene: give one an explicit `id:`",
                        )
                    };
                    let d = Diagnostic::error("E0307", msg).with_hint(hint);
                    self.report(d, &this.at(Some(key), &ch.id));
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
                self.report(d, &here);
            }
            Exit::Choices(list)
        } else if let Some(next) = &s.next {
            self.check_target(&here, "next", next, names);
            Exit::Routes(vec![Route {
                when: None,
                when_source: None,
                goto: next.clone(),
            }])
        } else if let Some(routes) = &s.routes {
            let mut out = Vec::with_capacity(routes.len());
            for (k, r) in routes.iter().enumerate() {
                let this = here.clone().item("Route", k);
                self.check_target(&this, "goto", &r.goto, names);
                let when = r
                    .when
                    .as_deref()
                    .and_then(|w| self.compile_condition(&this, w, names));
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
                    self.report(d, &here);
                }
                Some(p) if p + 1 < routes.len() => {
                    let d = Diagnostic::warning(
                        "W0310",
                        format!(
                            "in scene `{id}`, routes after the unconditional one are never taken"
                        ),
                    )
                    .with_hint("move the route without `when` to the end");
                    let site = here.clone().item("Route", p + 1);
                    self.report(d, &site.at(Some("goto"), &routes[p + 1].goto));
                }
                Some(_) => {}
            }
            Exit::Routes(out)
        } else if let Some(end) = &s.ending {
            if !endings.contains(end.as_str()) {
                if self.incomplete {
                    self.suppressed += 1;
                } else {
                    let mut d =
                        Diagnostic::error("E0311", format!("ending `{end}` is not declared"));
                    d = match names.suggest(end, endings.iter().copied()) {
                        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                        None => d.with_hint("declare it with `Ending(id: ..., title: ..., epilogue: [...])` in `endings: [...]`"),
                    };
                    self.report(d, &here.at(Some("ending"), end));
                }
            }
            Exit::Ending(end.clone())
        } else {
            let d = Diagnostic::error("E0312", format!("scene `{id}` has no way out"))
                .with_hint("end it with `choices: [...]`, `next: \"scene\"`, `routes: [...]` or `ending: \"id\"`");
            self.report(d, &here);
            Exit::Routes(Vec::new())
        };
        Scene {
            id: s.id.clone(),
            chapter: s.chapter.clone().unwrap_or_else(|| chapter.title.clone()),
            date: date.unwrap_or_default(),
            place: place.unwrap_or_default(),
            on_enter,
            text,
            exit,
            origin: Origin { file },
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

/// RON's messages start with a capital; ours continue a sentence.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// How many `(` and `[` are left open at the end of a RON text (strings and comments
/// skipped); negative when there are more closers than openers.
fn unclosed_brackets(text: &str) -> isize {
    let b = text.as_bytes();
    let mut depth = 0isize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    depth
}

/// The byte offset a RON error should point at: the offending token.
///
/// RON reports some errors at the blank before the token (after `key:`), and a missing
/// field at the struct's closing `)`; both are moved to what the author must look at.
fn ron_error_offset(e: &ron::error::SpannedError, text: &str) -> usize {
    let at = byte_offset(text, e.span.start.line, e.span.start.col);
    if let ron::Error::MissingStructField { .. } = e.code
        && let Some(start) = struct_start(text, at)
    {
        return start;
    }
    let rest = &text[at..];
    let skipped = rest.len() - rest.trim_start().len();
    if skipped > 0 && !rest.trim_start().is_empty() {
        at + skipped
    } else {
        at
    }
}

/// Where the struct whose closing `)` is at byte `close` begins: its name, or its `(`.
fn struct_start(text: &str, close: usize) -> Option<usize> {
    if text.as_bytes().get(close) != Some(&b')') {
        return None;
    }
    let b = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < close {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < close && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < close && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' => open.push(i),
            b')' | b']' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    let paren = *open.last()?;
    let before = text[..paren].trim_end();
    let name_len = before
        .bytes()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    Some(if name_len > 0 {
        before.len() - name_len
    } else {
        paren
    })
}

/// The byte offset of a 1-based line and character column (clamped to the text).
fn byte_offset(text: &str, line: usize, col: usize) -> usize {
    let line_start = text
        .match_indices('\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    if line <= 1 {
        return text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i);
    }
    if line_start == 0 {
        return text.len();
    }
    text[line_start..]
        .char_indices()
        .take_while(|&(_, c)| c != '\n')
        .nth(col.saturating_sub(1))
        .map_or_else(
            || {
                text[line_start..]
                    .find('\n')
                    .map_or(text.len(), |n| line_start + n)
            },
            |(i, _)| line_start + i,
        )
}

fn ron_diagnostic(e: &ron::error::SpannedError, text: &str) -> Diagnostic {
    use ron::Error as R;
    // Truncated: nothing but blanks and comments follows the error, a string never
    // closes (RON strings may span lines, so it swallows the rest of the file), or the
    // error is on the last line and brackets are still open there.
    let unclosed = unclosed_brackets(text);
    let at_end = {
        let rest = &text[byte_offset(text, e.span.start.line, e.span.start.col)..];
        let last_line = e.span.start.line >= text.lines().count();
        matches!(e.code, R::Eof | R::ExpectedStringEnd)
            || strip_comments(rest).trim().is_empty()
            || (last_line && unclosed > 0)
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
            let in_what = match outer.as_deref() {
                Some("RawFile") => " at the top of the file".to_owned(),
                Some(o) => format!(" in `{o}`"),
                None => String::new(),
            };
            let d = Diagnostic::error("E0012", format!("unknown item `{found}`{in_what}"));
            match expr::closest(found, expected.iter().copied()) {
                Some(best) => d.with_hint(format!(
                    "did you mean `{best}`? (expected one of: {})",
                    expected.join(", ")
                )),
                None => d.with_hint(format!("expected one of: {}", expected.join(", "))),
            }
        }
        R::ExpectedStringEnd => Diagnostic::error(
            "E0013",
            "the file ends inside this string: its closing `\"` is missing",
        )
        .with_hint("close the string; if the file was cut short, restore the rest"),
        _ if at_end => Diagnostic::error(
            "E0013",
            format!("the file ends too early: {}", lower_first(&e.code.to_string())),
        )
        .with_hint("the file looks truncated: check for a missing `)`, `]` or closing quote"),
        R::ExpectedComma => Diagnostic::error("E0014", "RON syntax error: expected a comma")
            .with_hint("a `,` is probably missing at the end of the previous field or item"),
        other if unclosed > 0 => Diagnostic::error(
            "E0014",
            format!("RON syntax error: {}", lower_first(&other.to_string())),
        )
        .with_hint("a `(` or `[` in this file is never closed: look for a missing `)` or `]` before this point"),
        other => Diagnostic::error(
            "E0014",
            format!("RON syntax error: {}", lower_first(&other.to_string())),
        )
            .with_hint("see docs/format.md for the file format"),
    }
}

/// A stable hash of every file's path and bytes (unlike `DefaultHasher`, fixed across
/// Rust versions and platforms, so saves can compare it later). Eight bytes per step:
/// hashing 100 MB must not cost a noticeable part of loading it.
fn content_hash(files: &[SourceFile]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("chunks of 8"));
            h = (h ^ w).wrapping_mul(K).rotate_left(29);
        }
        for &b in chunks.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(29);
        }
        h = (h ^ bytes.len() as u64).wrapping_mul(K);
    };
    for f in files {
        eat(f.path.as_bytes());
        eat(&f.bytes);
    }
    h ^ (h >> 32)
}
