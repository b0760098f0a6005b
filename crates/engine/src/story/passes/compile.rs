//! Pass 5, compile: each scene's text, expressions, choices and exit, checked against
//! the declared names; then the header's texts and the endings' epilogues.
//!
//! Expressions are parsed ([`expr`]) and their names and types checked here, against
//! [`Names`]. Every problem of a scene is reported: a broken label does not hide a
//! broken condition beside it.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::super::diag::Diagnostic;
use super::super::expr::{self, ErrorKind, ExprError, Scope, Type};
use super::super::model::{CONTINUE, RETURN};
use super::super::model::{
    Chance, Choice, ChoiceExtra, Condition, Effects, Ending, Exit, Origin, Route, Scene,
};
use super::super::named;
use super::super::raw::{RawChapter, RawChoice, RawEnding, RawScene};
use super::super::shared_str::{SharedStr, StrTable};
use super::super::text::{self, Text};
use super::context::{Ctx, Site};
use super::index::SceneIndex;
use super::printable::{self, LookAlikes};

/// The names an expression may use, built once the whole story has been read (or, for
/// a compile that runs while files are still being read, the names known so far: see
/// [`super::stream`], which relies on [`Names::missed`]).
pub struct Names<'a> {
    vars: HashMap<String, Type>,
    /// Borrowed from the index pass; owned, and growing, while files stream in.
    scenes: Cow<'a, SceneIndex>,
    /// Names declared in files that failed to parse: they resolve, unchecked.
    salvage: &'a super::context::Salvage,
    endings: HashSet<&'a str>,
    /// `{if ...}` conditions in text repeat as much as `when:` ones: parse each once.
    text_conditions: RefCell<HashMap<String, Result<expr::Expr, ExprError>>>,
    /// Named effects and conditions, compiled (empty until that pass has run).
    pub named: named::Named,
    /// Each enumeration's values, by its type id.
    pub enums: HashMap<u32, Vec<String>>,
    /// "Did you mean" hints left: each compares a name with every other, so only the
    /// first [`HINTS`] errors get one and a story with 100,000 broken names stays linear.
    hints_left: std::cell::Cell<usize>,
    /// Effect lists that compiled cleanly, by their sources: the choices that wrote the
    /// same list share one.
    effect_lists: RefCell<HashMap<Vec<String>, Effects>>,
    /// Chapter titles, dates and places: one shared copy of each.
    labels: RefCell<StrTable>,
    /// The effect lists found last (their sources and the list), newest last.
    recent_lists: RefCell<Vec<(Vec<String>, Effects)>>,
    /// Conditions that compiled, by their sources: the choices and routes that wrote
    /// the same one share it.
    conditions: RefCell<HashMap<Arc<str>, Arc<Condition>>>,
    /// The conditions that compiled last, newest last.
    recent_conditions: RefCell<Vec<Arc<Condition>>>,
    /// Choice ids (and targets that name no indexed scene): one copy of each.
    strings: RefCell<StrTable>,
    /// The shared copy of each indexed scene's id as a target, by its position among
    /// all scenes: found by the lookup that checks the target, without hashing again.
    scene_targets: RefCell<Vec<Option<SharedStr>>>,
    /// Some lookup found nothing (a scene, variable, ending, named effect or condition,
    /// enumeration), or a hint was given: what was compiled may read differently once
    /// more names are known.
    missed: Cell<bool>,
}

/// How many errors get a "did you mean" hint.
const HINTS: usize = 100;

impl<'a> Names<'a> {
    /// The names of the declared variables, scenes and endings.
    pub fn new(
        vars: impl IntoIterator<Item = (String, Type)>,
        scenes: Cow<'a, SceneIndex>,
        endings: impl IntoIterator<Item = &'a str>,
        salvage: &'a super::context::Salvage,
    ) -> Self {
        let mut vars: HashMap<String, Type> = vars.into_iter().collect();
        for (name, ty) in &salvage.vars {
            vars.entry(name.clone()).or_insert(*ty);
        }
        Self {
            vars,
            scenes,
            salvage,
            endings: endings.into_iter().collect(),
            text_conditions: RefCell::default(),
            named: named::Named::default(),
            enums: HashMap::new(),
            hints_left: std::cell::Cell::new(HINTS),
            effect_lists: RefCell::default(),
            labels: RefCell::default(),
            recent_lists: RefCell::default(),
            conditions: RefCell::default(),
            recent_conditions: RefCell::default(),
            strings: RefCell::default(),
            scene_targets: RefCell::default(),
            missed: Cell::new(false),
        }
    }

    /// Whether any lookup has found nothing since these names were made.
    pub fn missed(&self) -> bool {
        self.missed.get()
    }

    /// Forgets the lookups noted so far (those made while the names themselves were
    /// being declared).
    pub fn forget_missed(&self) {
        self.missed.set(false);
    }

    /// Notes a lookup that found nothing; gives back `found`.
    fn note<T>(&self, found: Option<T>) -> Option<T> {
        if found.is_none() {
            self.missed.set(true);
        }
        found
    }

    /// Adds a scene to the index while files stream in (the index is then owned).
    pub fn add_scene(&mut self, id: String, at: (usize, usize)) {
        self.scenes.to_mut().insert(id, at);
    }

    /// The scene index, taken out.
    pub fn take_scenes(&mut self) -> SceneIndex {
        std::mem::take(&mut self.scenes).into_owned()
    }

    /// Whether an ending of this id is declared.
    fn has_ending(&self, id: &str) -> bool {
        self.note(self.endings.contains(id).then_some(())).is_some()
    }

    /// The compiled named effect of this name, if one is declared.
    fn named_effect(&self, name: &str) -> Option<&Vec<expr::Effect>> {
        self.note(self.named.effects.get(name))
    }

    /// The shared list compiled from these effect sources, if one was: the last few
    /// are compared first (stories repeat a handful of lists, so most are found
    /// without hashing every source of the list), then the map.
    fn recent_effect_list(&self, list: &[String]) -> Option<Effects> {
        if let Some((_, hit)) = self
            .recent_lists
            .borrow()
            .iter()
            .find(|(l, _)| l[..] == *list)
        {
            return Some(hit.clone());
        }
        let hit = self.effect_lists.borrow().get(list).cloned()?;
        self.remember_effect_list(list, &hit);
        Some(hit)
    }

    fn remember_effect_list(&self, list: &[String], shared: &Effects) {
        let mut recent = self.recent_lists.borrow_mut();
        if recent.len() == 4 {
            recent.remove(0);
        }
        recent.push((list.to_vec(), shared.clone()));
    }

    /// The one shared copy of a choice id (or of a target that is no indexed scene).
    fn shared(&self, text: &str) -> SharedStr {
        self.strings.borrow_mut().get(text)
    }

    /// The shared copy of `id` when it names a scene ([`Names::has_scene`], noted
    /// alike), else `None`.
    fn scene_target(&self, id: &str) -> Option<SharedStr> {
        let Some(&(_, seq)) = self.scenes.get(id) else {
            return self.has_scene(id).then(|| self.shared(id));
        };
        self.note(Some(()));
        let mut targets = self.scene_targets.borrow_mut();
        if targets.len() <= seq {
            targets.resize(seq + 1, None);
        }
        Some(
            targets[seq]
                .get_or_insert_with(|| SharedStr::from(id))
                .clone(),
        )
    }

    /// The one shared copy of a chapter title, date or place (a table of their own:
    /// scenes in a row show their chapter's, found among the table's recent few).
    fn label(&self, text: &str) -> Arc<str> {
        self.labels.borrow_mut().get(text).into()
    }

    /// Whether `name` is a declared variable.
    pub fn is_variable(&self, name: &str) -> bool {
        self.note(self.vars.get(name)).is_some()
    }

    /// The closest of `candidates` to `word`, while hints last.
    pub fn suggest<'n>(
        &self,
        word: &str,
        candidates: impl IntoIterator<Item = &'n str>,
    ) -> Option<&'n str> {
        if !self.take_hint() {
            return None;
        }
        expr::closest(word, candidates)
    }

    /// Uses up one hint; false when none are left.
    fn take_hint(&self) -> bool {
        self.missed.set(true);
        let left = self.hints_left.get();
        if left == 0 {
            return false;
        }
        self.hints_left.set(left - 1);
        true
    }

    /// Whether a scene id resolves (or may, in a file that failed to parse).
    pub fn has_scene(&self, id: &str) -> bool {
        let found = self.scenes.contains_key(id) || self.salvage.scenes.contains(id);
        self.note(found.then_some(())).is_some()
    }

    /// Whether a scene id is indexed already (no lookup noted: a question asked before
    /// compiling, not by the compiler).
    pub fn knows_scene(&self, id: &str) -> bool {
        self.scenes.contains_key(id)
    }

    /// The ids of the scenes that did load, for suggestions.
    pub fn scene_ids(&self) -> impl Iterator<Item = &str> {
        self.scenes.keys().map(String::as_str)
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
        self.note(self.vars.get(name).copied())
    }
    fn scene_exists(&self, id: &str) -> bool {
        self.has_scene(id)
    }
    fn var_names(&self) -> Vec<&str> {
        // Asked only for a hint: an empty list once hints are used up.
        if !self.take_hint() {
            return Vec::new();
        }
        let conditions = self.named.conditions.keys().map(String::as_str);
        self.vars
            .keys()
            .map(String::as_str)
            .chain(conditions)
            .collect()
    }
    fn named_condition(&self, name: &str) -> Option<Result<expr::Expr, String>> {
        // Not noted: every name in a condition is asked for as both a named condition and
        // a variable, and no name can end up both (a named condition may not be named
        // like a variable), so a variable found settles it; one not found is noted there.
        self.named.conditions.get(name).cloned().map(Ok)
    }
    fn enum_values(&self, id: u32) -> Vec<&str> {
        self.note(self.enums.get(&id))
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// Compiles every scene of every chapter, in file order, skipping second definitions
/// of an id (the index pass reported them).
pub fn compile_scenes(
    cx: &mut Ctx<'_>,
    chapters: Vec<(usize, &RawChapter, Vec<RawScene>)>,
    names: &Names<'_>,
) -> Vec<Scene> {
    let mut scenes: Vec<Scene> = Vec::with_capacity(names.scenes.len());
    let mut seq = 0usize;
    for (file, chapter, body) in chapters {
        for s in body {
            seq += 1;
            if names.scenes.get(s.id.as_str()) == Some(&(file, seq)) {
                scenes.push(compile_scene(cx, file, chapter, s, names));
            }
        }
    }
    scenes
}

/// Compiles a list of plain texts of the header or an ending (`content_note`, ...).
pub fn texts(
    cx: &mut Ctx<'_>,
    file: usize,
    key: &'static str,
    list: &[String],
    names: &Names<'_>,
) -> Vec<Text> {
    let mut slot = 0;
    list.iter()
        .filter_map(|p| compile_text(cx, &Site::literal(file, None, ""), key, p, names, &mut slot))
        .collect()
}

/// Compiles the declared endings' epilogues, in the order every list shows them: an
/// ending without `order:` stands at its declaration position (header first, then
/// files in path order); `order: N` puts an ending N-th, ahead of any ending standing
/// An ending's sort key (the place asked for, or its declaration position; explicit
/// first) with the ending.
type Keyed<'e, 'r> = ((u32, bool), &'e (usize, &'r RawEnding));

/// there by declaration alone.
pub fn endings(
    cx: &mut Ctx<'_>,
    endings: &[(usize, &RawEnding)],
    names: &Names<'_>,
) -> Vec<Ending> {
    for (file, e) in endings {
        if e.order == Some(0) {
            let d = Diagnostic::error("E0504", format!("ending `{}` has `order: 0`", e.id))
                .with_hint("orders count from 1: `order: 1` lists it first");
            cx.report(d, &Site::literal(*file, Some("id"), &e.id));
        }
    }
    let mut ordered: Vec<Keyed> = endings
        .iter()
        .zip(1u32..)
        .map(|(entry, position)| match entry.1.order {
            Some(n) => ((n, false), entry),
            None => ((position, true), entry),
        })
        .collect();
    // Stable: equal keys keep declaration order.
    ordered.sort_by_key(|(k, _)| *k);
    ordered
        .into_iter()
        .map(|(_, (file, e))| Ending {
            id: e.id.clone(),
            title: e.title.clone(),
            epilogue: texts(cx, *file, "epilogue", &e.epilogue, names),
            origin: Origin::in_file(*file),
        })
        .collect()
}

/// Checks that the header's `start:` names a scene.
pub fn check_start(cx: &mut Ctx<'_>, file: usize, start: &str, names: &Names<'_>) {
    if names.has_scene(start) {
        return;
    }
    if cx.opaque {
        cx.suppressed += 1;
        return;
    }
    let mut d = Diagnostic::error("E0113", format!("the start scene `{start}` does not exist"));
    if let Some(best) = names.suggest(start, names.scene_ids()) {
        d = d.with_hint(format!("did you mean `{best}`?"));
    } else {
        d = d.with_hint("`start:` must name a scene defined in a chapter file");
    }
    cx.report(d, &Site::literal(file, Some("start"), start));
}

/// The code of each kind of expression error: by what the mistake is, not by where
/// it sits (a condition, an effect or text).
pub fn expr_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Syntax => "E0201",
        ErrorKind::UnknownVariable => "E0202",
        ErrorKind::Type => "E0203",
        ErrorKind::Markup => "E0204",
        ErrorKind::DivisionByZero => "E0205",
        ErrorKind::UnknownScene => "E0301",
    }
}

/// Reports an error in an expression or text, pointing at its character.
fn expr_error(cx: &mut Ctx<'_>, e: ExprError, site: &Site) {
    cx.uses_unknown = true;
    let code = expr_code(e.kind);
    if e.unresolved() && (cx.headless || cx.opaque) {
        // Probably declared in the missing header or a file too large to read.
        cx.suppressed += 1;
        return;
    }
    let mut d = Diagnostic::error(code, e.message);
    if let Some(h) = e.hint {
        d = d.with_hint(h);
    }
    cx.report(d, &site.clone().char_at(e.offset));
}

fn too_long(cx: &mut Ctx<'_>, base: &Site, src: &str) -> bool {
    if src.len() <= cx.limits.string_bytes {
        return false;
    }
    let d = Diagnostic::error(
        "E0114",
        format!(
            "a string of {} bytes; the limit is {}",
            src.len(),
            cx.limits.string_bytes
        ),
    )
    .with_hint("split the paragraph");
    cx.report(d, &base.at(None, src));
    true
}

fn compile_text(
    cx: &mut Ctx<'_>,
    base: &Site,
    key: &'static str,
    src: &str,
    names: &Names<'_>,
    slot: &mut u32,
) -> Option<Text> {
    if too_long(cx, base, src) {
        return None;
    }
    glued_words(cx, base, key, src);
    match text::parse(src, names, slot) {
        Ok(t) => Some(t),
        Err(e) => {
            expr_error(cx, e, &base.at(Some(key), src));
            None
        }
    }
}

/// W0206: a block whose shown words run into the text beside it (see
/// [`crate::story::spacing`]).
fn glued_words(cx: &mut Ctx<'_>, base: &Site, key: &'static str, src: &str) {
    // A warning for authors, asked for with the lints: the game's own load skips it.
    if !cx.lints {
        return;
    }
    for offset in crate::story::spacing::glued_words(src) {
        let d = Diagnostic::warning(
            "W0206",
            "when this block shows, its words run into the text beside it: the space inside the braces is layout, and is removed",
        )
        .with_hint("write the space outside the block (`cup. {if t: You…}`, `…or} the`); if the words are meant to join, remove the space inside");
        cx.report(d, &base.at(Some(key), src).char_at(offset));
    }
}

/// Like `compile_text`, taking the text so that plain text is moved, not copied.
fn compile_owned(
    cx: &mut Ctx<'_>,
    base: &Site,
    key: &'static str,
    src: String,
    names: &Names<'_>,
    slot: &mut u32,
) -> Option<Text> {
    if too_long(cx, base, &src) {
        return None;
    }
    glued_words(cx, base, key, &src);
    match text::parse_owned(src, names, slot) {
        Ok(t) => Some(t),
        Err((e, src)) => {
            expr_error(cx, e, &base.at(Some(key), &src));
            None
        }
    }
}

fn compile_effects(cx: &mut Ctx<'_>, base: &Site, list: &[String], names: &Names<'_>) -> Effects {
    if let Some(shared) = names.recent_effect_list(list) {
        return shared;
    }
    let (diags, suppressed) = (cx.diags.len(), cx.suppressed);
    let mut out = Vec::with_capacity(list.len());
    for src in list {
        if too_long(cx, base, src) {
            continue;
        }
        if let Some(name) = named::effect_name(src) {
            if let Some(group) = names.named_effect(name) {
                out.extend(group.iter().cloned());
                continue;
            }
            if !names.is_variable(name) {
                let e = named::unknown_effect(src, names.named.effects.keys().map(String::as_str));
                let mut d = Diagnostic::error("E0503", e.message);
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                cx.report(d, &base.at(None, src).char_at(e.offset));
                continue;
            }
        }
        let parsed = match cx.effect_memo.get(src.as_str()) {
            Some(hit) => hit.clone(),
            None => {
                let r = expr::parse_effect(src, names);
                cx.effect_memo.insert(src.clone(), r.clone());
                r
            }
        };
        match parsed {
            Ok(e) => out.push(e),
            Err(e) => expr_error(cx, e, &base.at(None, src)),
        }
    }
    let out = Effects::from(out);
    // Only a list that compiled without a word said about it is the same anywhere.
    if cx.diags.len() == diags && cx.suppressed == suppressed {
        names
            .effect_lists
            .borrow_mut()
            .insert(list.to_vec(), out.clone());
        names.remember_effect_list(list, &out);
    }
    out
}

/// The condition `src` compiled, shared with every choice and route that wrote the
/// same; `None` (reported) when it does not compile.
fn compile_condition(
    cx: &mut Ctx<'_>,
    base: &Site,
    src: &str,
    names: &Names<'_>,
) -> Option<Arc<Condition>> {
    if too_long(cx, base, src) {
        return None;
    }
    // The last few conditions are compared first: most choices repeat one of them.
    if let Some(hit) = names
        .recent_conditions
        .borrow()
        .iter()
        .find(|c| *c.source == *src)
    {
        return Some(Arc::clone(hit));
    }
    let known = names.conditions.borrow().get(src).cloned();
    let shared = match known {
        Some(hit) => hit,
        None => {
            let parsed = match cx.cond_memo.get(src) {
                Some(hit) => hit.clone(),
                None => {
                    let r =
                        expr::parse_condition(src, names).map(|e| (Arc::from(src), Arc::new(e)));
                    cx.cond_memo.insert(src.to_owned(), r.clone());
                    r
                }
            };
            match parsed {
                Ok((source, expr)) => {
                    let shared = Arc::new(Condition {
                        expr: Some(Arc::unwrap_or_clone(expr)),
                        source: Arc::clone(&source),
                    });
                    names
                        .conditions
                        .borrow_mut()
                        .insert(source, Arc::clone(&shared));
                    shared
                }
                Err(e) => {
                    expr_error(cx, e, &base.at(Some("when"), src));
                    return None;
                }
            }
        }
    };
    let mut recent = names.recent_conditions.borrow_mut();
    if recent.len() == 4 {
        recent.remove(0);
    }
    recent.push(Arc::clone(&shared));
    Some(shared)
}

/// Checks that `target` names a scene (or is `<return>`), reporting it if not; its
/// shared copy either way.
fn check_target(
    cx: &mut Ctx<'_>,
    base: &Site,
    key: &'static str,
    target: &str,
    names: &Names<'_>,
) -> SharedStr {
    if let Some(shared) = names.scene_target(target) {
        return shared;
    }
    // `<return>` leaves a detour: whether one can be open here is the detour pass's.
    if target == RETURN {
        return names.shared(target);
    }
    if cx.opaque {
        cx.suppressed += 1;
        return names.shared(target);
    }
    let mut d = Diagnostic::error(
        "E0301",
        format!("`{key}` leads to scene `{target}`, which does not exist"),
    );
    d = match names.suggest(target, names.scene_ids()) {
        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
        None => d.with_hint("define a scene with this id, or fix the target"),
    };
    cx.report(d, &base.at(Some(key), target));
    names.shared(target)
}

/// A `detour:` must name a scene: `<return>` there would leave and re-enter at once.
/// Its shared copy either way.
fn check_detour(cx: &mut Ctx<'_>, base: &Site, target: &str, names: &Names<'_>) -> SharedStr {
    if target == RETURN {
        let d = Diagnostic::error(
            "E0301",
            format!("`detour` leads to `{RETURN}`, which is not a scene"),
        )
        .with_hint(format!(
            "a detour enters a scene; to leave the current detour, write `goto: \"{RETURN}\"`"
        ));
        cx.report(d, &base.at(Some("detour"), target));
        return names.shared(target);
    }
    check_target(cx, base, "detour", target, names)
}

/// Compiles one choice; `base` locates it (its scene or extension, and its index).
/// The raw choice is taken so that its strings move into the compiled one.
///
/// Every part is checked even when another part is broken; a label that does not
/// compile is left empty (the story has errors, so it is never shown).
pub fn compile_choice(
    cx: &mut Ctx<'_>,
    base: &Site,
    mut rc: RawChoice,
    names: &Names<'_>,
    slot: &mut u32,
) -> Choice {
    let goto = check_target(cx, base, "goto", &rc.goto, names);
    let detour = rc
        .detour
        .as_deref()
        .map(|d| check_detour(cx, base, d, names));
    let label_src = std::mem::take(&mut rc.label);
    let label = compile_owned(cx, base, "label", label_src, names, slot).unwrap_or_default();
    let when = rc
        .when
        .as_deref()
        .and_then(|w| compile_condition(cx, base, w, names));
    let effects = compile_effects(cx, base, &rc.effects, names);
    let chance = rc.chance.as_ref().map(|c| {
        if !(1..=99).contains(&c.percent) {
            let d = Diagnostic::error(
                "E0302",
                format!("a chance of {}% is not a chance", c.percent),
            )
            .with_hint("use a percent from 1 to 99; for certainty, use `goto`");
            cx.report(d, &base.value_of("percent"));
        }
        Chance {
            percent: c.percent,
            goto: check_target(cx, base, "goto", &c.goto, names),
            effects: compile_effects(cx, base, &c.effects, names),
        }
    });
    let explicit = rc.id.is_some();
    // A detour's choices usually all come back to their own scene: named after the
    // detour, they do not collide on the shared `goto`.
    let id = names.shared(
        rc.id
            .as_deref()
            .unwrap_or_else(|| rc.detour.as_deref().unwrap_or(&rc.goto)),
    );
    // The site is built only for an id that needs it (building one copies strings).
    if explicit && crate::limits::id_problem(&id).is_some() {
        cx.savable_id("a choice id", &id, &base.at(Some("id"), &id));
    }
    if id == CONTINUE {
        let d = Diagnostic::error("E0303", format!("`{CONTINUE}` is reserved as a choice id"))
            .with_hint("pick another `id:`");
        cx.report(d, &base.at(Some("id"), &id));
    }
    // Kept even when the condition did not compile (the story then has errors and is
    // never played): the lints still see that the author wrote one.
    let condition = when.or_else(|| {
        rc.when.as_deref().map(|source| {
            Arc::new(Condition {
                expr: None,
                source: Arc::from(source),
            })
        })
    });
    let extra = ChoiceExtra {
        detour,
        disabled: rc.disabled,
        chance,
        tags: rc.tags,
    };
    Choice {
        id,
        label,
        goto,
        condition,
        effects,
        extra: extra.boxed(),
        origin: Origin::in_file(base.file),
        once: rc.once,
    }
}

#[allow(clippy::too_many_lines)]
pub(super) fn compile_scene(
    cx: &mut Ctx<'_>,
    file: usize,
    chapter: &RawChapter,
    mut s: RawScene,
    names: &Names<'_>,
) -> Scene {
    let paragraphs = std::mem::take(&mut s.text);
    let raw_choices = s.choices.take();
    let has_choices = raw_choices.is_some();
    let tags = std::mem::take(&mut s.tags);
    let scene_id = std::mem::take(&mut s.id);
    let scene_chapter = s.chapter.take();
    let s = &s;
    let id = scene_id.as_str();
    let here = Site::scene(file, id);
    if is_scene_id(id) {
        cx.savable_id("a scene id", id, &here);
    } else {
        let d = Diagnostic::error("E0304", format!("`{id}` is not a valid scene id"))
            .with_hint("use letters, digits, `_` and `-`");
        cx.report(d, &here);
    }
    let mut slot = 0;
    let mut text = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        if let Some(t) = compile_owned(cx, &here, "text", p, names, &mut slot) {
            text.push(t);
        }
    }
    let on_enter = compile_effects(cx, &here, &s.on_enter, names);
    let date = s
        .date
        .as_ref()
        .or(chapter.date.as_ref())
        .map(|l| names.label(l));
    let place = s
        .place
        .as_ref()
        .or(chapter.place.as_ref())
        .map(|l| names.label(l));
    for (missing, value) in [("date", &date), ("place", &place)] {
        if value.is_none() {
            let d = Diagnostic::error("E0305", format!("scene `{id}` has no {missing} label"))
                .with_hint(format!(
                    "add `{missing}: \"...\"` to the scene or to its `Chapter(...)`"
                ));
            cx.report(d, &here);
        }
    }
    let exits = usize::from(has_choices)
        + usize::from(s.next.is_some())
        + usize::from(s.routes.is_some())
        + usize::from(s.ending.is_some());
    if exits > 1 {
        let d = Diagnostic::error(
            "E0306",
            format!("scene `{id}` has more than one way of ending"),
        )
        .with_hint("use exactly one of `choices`, `next`, `routes` or `ending`");
        cx.report(d, &here);
    }
    let exit = if let Some(choices) = raw_choices {
        let mut list: Vec<Choice> = Vec::with_capacity(choices.len());
        // Where each kept choice is in the file's list, to point back at it.
        let mut written_at: Vec<usize> = Vec::with_capacity(choices.len());
        // Whether each choice of the file's list has an explicit `id:`.
        let explicit: Vec<bool> = choices.iter().map(|rc| rc.id.is_some()).collect();
        let id_key = |k: usize| if explicit[k] { "id" } else { "goto" };
        // Each kept id and its index in `list`.
        let mut kept = KeptIds::default();
        let mut look_alikes = LookAlikes::default();
        for (k, rc) in choices.into_iter().enumerate() {
            let this = here.clone().item("Choice", k);
            let ch = compile_choice(cx, &this, rc, names, &mut slot);
            if let Some(j) = kept.get(&list, &ch.id) {
                let first = written_at[j];
                let first_site = here
                    .clone()
                    .item("Choice", first)
                    .at(Some(id_key(first)), &ch.id);
                let label = cx.label(&first_site, "first used here");
                let msg = format!("choice id `{}` is used twice in scene `{id}`", ch.id);
                let (key, hint) = if explicit[k] {
                    ("id", "choice ids must be unique within their scene")
                } else {
                    (
                        "goto",
                        "two choices lead to the same scene: give one an explicit `id:`",
                    )
                };
                let mut d = Diagnostic::error("E0307", msg).with_hint(hint);
                if let Some(l) = label {
                    d = d.with_label(l);
                }
                cx.report(d, &this.at(Some(key), &ch.id));
                continue;
            }
            if let Some(earlier) = look_alikes.check(&ch.id, |x| kept.get(&list, x).is_some()) {
                let msg = printable::message(
                    "choice ids",
                    &earlier,
                    &ch.id,
                    &format!(" of scene `{id}`"),
                );
                let mut d = Diagnostic::error("E0117", msg).with_hint(printable::HINT);
                if let Some(j) = kept.get(&list, &earlier) {
                    let first = written_at[j];
                    let first_site = here
                        .clone()
                        .item("Choice", first)
                        .at(Some(id_key(first)), &earlier);
                    if let Some(l) = cx.label(&first_site, "the other one") {
                        d = d.with_label(l);
                    }
                }
                cx.report(d, &this.clone().at(Some(id_key(k)), &ch.id));
            }
            kept.insert(&list, &ch.id);
            list.push(ch);
            written_at.push(k);
        }
        if list.is_empty() {
            let d = Diagnostic::error(
                "E0308",
                format!("scene `{id}` has an empty `choices` list: the player would be stuck"),
            )
            .with_hint("add a choice, or use `next`, `routes` or `ending`");
            cx.report(d, &here);
        }
        Exit::Choices(list)
    } else if let Some(next) = &s.next {
        Exit::Routes(vec![Route {
            condition: None,
            goto: check_target(cx, &here, "next", next, names),
            detour: None,
        }])
    } else if let Some(routes) = &s.routes {
        let mut out = Vec::with_capacity(routes.len());
        for (k, r) in routes.iter().enumerate() {
            let this = here.clone().item("Route", k);
            let goto = check_target(cx, &this, "goto", &r.goto, names);
            let detour = r
                .detour
                .as_deref()
                .map(|d| check_detour(cx, &this, d, names));
            let condition = r
                .when
                .as_deref()
                .and_then(|w| compile_condition(cx, &this, w, names));
            out.push(Route {
                condition,
                goto,
                detour,
            });
        }
        match routes.iter().position(|r| r.when.is_none()) {
            None => {
                let d = Diagnostic::error("E0309", format!("scene `{id}` has no fallback route: when no condition holds the player is stuck"))
                    .with_hint("end `routes` with a `Route(goto: ...)` that has no `when`");
                cx.report(d, &here);
            }
            Some(p) if p + 1 < routes.len() => {
                let d = Diagnostic::warning(
                    "W0310",
                    format!("in scene `{id}`, routes after the unconditional one are never taken"),
                )
                .with_hint("move the route without `when` to the end");
                let site = here.clone().item("Route", p + 1);
                cx.report(d, &site.at(Some("goto"), &routes[p + 1].goto));
            }
            Some(_) => {}
        }
        Exit::Routes(out)
    } else if let Some(end) = &s.ending {
        if !names.has_ending(end.as_str()) {
            if names.salvage.endings.contains(end.as_str()) {
                // Declared in a file that failed to parse.
            } else if cx.headless || cx.opaque {
                cx.suppressed += 1;
            } else {
                let mut d = Diagnostic::error("E0311", format!("ending `{end}` is not declared"));
                d = match names.suggest(end, names.endings.iter().copied()) {
                    Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                    None => d.with_hint("declare it with `Ending(id: ..., title: ..., epilogue: [...])` in `endings: [...]`"),
                };
                cx.report(d, &here.at(Some("ending"), end));
            }
        }
        Exit::Ending(end.clone())
    } else {
        let d = Diagnostic::error("E0312", format!("scene `{id}` has no way out")).with_hint(
            "end it with `choices: [...]`, `next: \"scene\"`, `routes: [...]` or `ending: \"id\"`",
        );
        cx.report(d, &here);
        Exit::Routes(Vec::new())
    };
    Scene {
        id: scene_id,
        chapter: names.label(scene_chapter.as_ref().unwrap_or(&chapter.title)),
        date: date.unwrap_or_else(|| Arc::from("")),
        place: place.unwrap_or_else(|| Arc::from("")),
        on_enter,
        text,
        exit,
        tags,
        origin: Origin::in_file(file),
    }
}

/// The ids of a scene's kept choices, to find repeats: a scene has a few choices, found
/// fastest by a scan of the list (no copy of each id, no hashing), but may have
/// thousands, so past [`KeptIds::SCAN_UP_TO`] a map takes over.
#[derive(Default)]
struct KeptIds {
    map: Option<HashMap<SharedStr, usize>>,
}

impl KeptIds {
    const SCAN_UP_TO: usize = 16;

    /// Where in `list` (the kept choices) the choice with this id is.
    fn get(&self, list: &[Choice], id: &str) -> Option<usize> {
        match &self.map {
            Some(map) => map.get(id).copied(),
            None => list.iter().position(|c| c.id == id),
        }
    }

    /// Notes that a choice with this id is about to be pushed onto `list`.
    fn insert(&mut self, list: &[Choice], id: &SharedStr) {
        if let Some(map) = &mut self.map {
            map.insert(id.clone(), list.len());
        } else if list.len() >= Self::SCAN_UP_TO {
            let mut map: HashMap<SharedStr, usize> = list
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect();
            map.insert(id.clone(), list.len());
            self.map = Some(map);
        }
    }
}

fn is_scene_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}
