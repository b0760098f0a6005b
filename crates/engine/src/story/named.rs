//! Named effects and conditions: declared once (`effects: [Named(name, do: [...])]`,
//! `conditions: [Named(name, when: "...")]` in the header or any chapter), used by name
//! anywhere an effect list or a condition is accepted.
//!
//! Both are expanded at load time: a named condition is inlined into every expression
//! that names it, a named effect into every effect list that names it, so the engine,
//! the verifier and every tool see ordinary effects and conditions. Each declaration is
//! type-checked once, where it is written; a declaration that uses itself (directly or
//! through others) is refused, since it could never be expanded.

use std::cell::RefCell;
use std::collections::HashMap;

use super::expr::{self, Effect, Expr, ExprError, Scope, Type};

/// Compiled named effects and conditions, by name.
#[derive(Debug, Default)]
pub(crate) struct Named {
    pub effects: HashMap<String, Vec<Effect>>,
    pub conditions: HashMap<String, Expr>,
}

impl Named {
    /// Whether every effect and condition here is in `other`, the same.
    pub(crate) fn within(&self, other: &Named) -> bool {
        self.effects
            .iter()
            .all(|(k, v)| other.effects.get(k) == Some(v))
            && self
                .conditions
                .iter()
                .all(|(k, v)| other.conditions.get(k) == Some(v))
    }
}

/// A declaration as read: its file, its name, and its effect sources or condition.
pub(crate) struct Decl<'r> {
    pub file: usize,
    pub name: &'r str,
    /// A named effect (else a named condition).
    pub is_effect: bool,
    pub effects: &'r [String],
    pub when: &'r str,
}

/// A problem in one declaration's body: the file, the source string it is in, and the
/// error within it.
pub(crate) struct BodyError {
    pub file: usize,
    pub src: String,
    pub error: ExprError,
}

/// The name an effect string stands for when it is a bare name (`"rejoin_beat8"`).
#[must_use]
pub(crate) fn effect_name(src: &str) -> Option<&str> {
    let name = src.trim();
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_alphabetic() && chars.all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// The error for a bare name in an effect list that names no declared effect.
#[must_use]
pub(crate) fn unknown_effect<'a>(
    src: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> ExprError {
    let name = src.trim();
    let at = src.len() - src.trim_start().len();
    let err = ExprError::new(at, format!("no named effect `{name}`"));
    match expr::closest(name, candidates) {
        Some(best) => err.hint(format!("did you mean `{best}`?")),
        None => err.hint(
            "declare it with `effects: [Named(name: \"...\", do: [...])]` in the header or a chapter, \
             or write an effect such as `name = true`",
        ),
    }
}

/// Expands declarations in dependency order, with the story's variables from `base`.
struct Resolving<'a, 'r> {
    base: &'a dyn Scope,
    conditions: HashMap<&'r str, &'r Decl<'r>>,
    effects: HashMap<&'r str, &'r Decl<'r>>,
    done: RefCell<Named>,
    /// Names that failed: not expanded again, and not reported again where used.
    failed: RefCell<Vec<String>>,
    /// Names being expanded, innermost last: to find a declaration that uses itself.
    stack: RefCell<Vec<String>>,
    errors: RefCell<Vec<BodyError>>,
}

impl Scope for Resolving<'_, '_> {
    fn var_type(&self, name: &str) -> Option<Type> {
        self.base.var_type(name)
    }
    fn scene_exists(&self, id: &str) -> bool {
        self.base.scene_exists(id)
    }
    fn var_names(&self) -> Vec<&str> {
        let mut names = self.base.var_names();
        names.extend(self.conditions.keys().copied());
        names
    }
    fn enum_values(&self, id: u32) -> Vec<&str> {
        self.base.enum_values(id)
    }
    fn named_condition(&self, name: &str) -> Option<Result<Expr, String>> {
        let decl = *self.conditions.get(name)?;
        if let Some(cycle) = self.cycle_through(name) {
            return Some(Err(format!(
                "named condition `{name}` uses itself: {cycle}"
            )));
        }
        if let Some(e) = self.done.borrow().conditions.get(name) {
            return Some(Ok(e.clone()));
        }
        if self.failed.borrow().iter().any(|f| f == name) {
            // Reported where it is declared; `false` keeps this use from erroring too.
            return Some(Ok(Expr::Bool(false)));
        }
        self.stack.borrow_mut().push(name.to_owned());
        let parsed = expr::parse_condition(decl.when, self);
        self.stack.borrow_mut().pop();
        Some(Ok(match parsed {
            Ok(e) => {
                self.done
                    .borrow_mut()
                    .conditions
                    .insert(name.to_owned(), e.clone());
                e
            }
            Err(error) => {
                self.fail(decl, decl.when, error);
                // Kept as `false` so its uses are not reported as unknown names too.
                self.done
                    .borrow_mut()
                    .conditions
                    .insert(name.to_owned(), Expr::Bool(false));
                Expr::Bool(false)
            }
        }))
    }
}

impl Resolving<'_, '_> {
    fn cycle_through(&self, name: &str) -> Option<String> {
        let stack = self.stack.borrow();
        let from = stack.iter().position(|n| n == name)?;
        let mut path: Vec<&str> = stack[from..].iter().map(String::as_str).collect();
        path.push(name);
        Some(path.join(" → "))
    }

    fn fail(&self, decl: &Decl<'_>, src: &str, error: ExprError) {
        self.failed.borrow_mut().push(decl.name.to_owned());
        self.errors.borrow_mut().push(BodyError {
            file: decl.file,
            src: src.to_owned(),
            error,
        });
    }

    /// The effects `name` stands for, expanding the named effects it uses.
    fn effect_group(&self, name: &str) -> Option<Vec<Effect>> {
        let decl = *self.effects.get(name)?;
        if let Some(e) = self.done.borrow().effects.get(name) {
            return Some(e.clone());
        }
        if self.failed.borrow().iter().any(|f| f == name) {
            return Some(Vec::new());
        }
        self.stack.borrow_mut().push(name.to_owned());
        let mut out = Vec::new();
        let mut ok = true;
        for src in decl.effects {
            match self.one_effect(src) {
                Ok(mut list) => out.append(&mut list),
                Err(error) => {
                    self.fail(decl, src, error);
                    ok = false;
                    break;
                }
            }
        }
        self.stack.borrow_mut().pop();
        if !ok {
            // Kept (empty) so its uses are not reported as unknown names too.
            out.clear();
        }
        self.done
            .borrow_mut()
            .effects
            .insert(name.to_owned(), out.clone());
        Some(out)
    }

    fn one_effect(&self, src: &str) -> Result<Vec<Effect>, ExprError> {
        let Some(name) = effect_name(src) else {
            return expr::parse_effect(src, self).map(|e| vec![e]);
        };
        if let Some(cycle) = self
            .effects
            .contains_key(name)
            .then(|| self.cycle_through(name))
        {
            if let Some(cycle) = cycle {
                let at = src.len() - src.trim_start().len();
                return Err(ExprError::new(
                    at,
                    format!("named effect `{name}` uses itself: {cycle}"),
                )
                .hint("a named effect may use other named effects, but never itself"));
            }
            return Ok(self.effect_group(name).unwrap_or_default());
        }
        if self.base.var_type(name).is_some() {
            // `lie` alone: let the effect parser explain what is missing.
            return expr::parse_effect(src, self).map(|e| vec![e]);
        }
        Err(unknown_effect(src, self.effects.keys().copied()))
    }
}

/// Compiles every declaration (effects and conditions may use named conditions;
/// effects may use named effects). Declarations with problems are left out and their
/// problems returned.
pub(crate) fn compile<'r>(decls: &'r [Decl<'r>], base: &dyn Scope) -> (Named, Vec<BodyError>) {
    let mut conditions = HashMap::new();
    let mut effects = HashMap::new();
    for d in decls {
        if d.is_effect {
            effects.insert(d.name, d);
        } else {
            conditions.insert(d.name, d);
        }
    }
    let r = Resolving {
        base,
        conditions,
        effects,
        done: RefCell::default(),
        failed: RefCell::default(),
        stack: RefCell::default(),
        errors: RefCell::default(),
    };
    for d in decls {
        if d.is_effect {
            let _ = r.effect_group(d.name);
        } else {
            let _ = r.named_condition(d.name);
        }
    }
    (r.done.into_inner(), r.errors.into_inner())
}
