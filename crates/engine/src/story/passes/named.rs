//! Pass 5a: the named effects and conditions of the header and every chapter, checked
//! and compiled (by `story::named`) before anything that may use them.

use super::compile::Names;
use super::context::Ctx;
use crate::story::diag::Diagnostic;
use crate::story::named::{self, Decl, Named};
use crate::story::raw::{RawFile, RawNamed};
use crate::story::site::Site;

/// Checks every declaration's name and shape, then compiles them against `names`.
pub fn declare(cx: &mut Ctx<'_>, parsed: &[(usize, RawFile)], names: &Names<'_>) -> Named {
    let mut lists: Vec<(usize, &[RawNamed], &[RawNamed])> = Vec::new();
    for (i, f) in parsed {
        match f {
            RawFile::Story(h) => lists.insert(0, (*i, &h.effects, &h.conditions)),
            RawFile::Chapter(c) => lists.push((*i, &c.effects, &c.conditions)),
        }
    }
    let mut decls: Vec<Decl<'_>> = Vec::new();
    for (file, effects, conditions) in lists {
        let all = effects.iter().map(|n| (n, true));
        for (n, is_effect) in all.chain(conditions.iter().map(|n| (n, false))) {
            let kind = if is_effect { "effect" } else { "condition" };
            let problem = if named::effect_name(&n.name) != Some(n.name.as_str()) {
                Some(format!(
                    "`{}` is not a valid name for a named {kind}",
                    n.name
                ))
            } else if decls
                .iter()
                .any(|d| d.name == n.name && d.is_effect == is_effect)
            {
                Some(format!("named {kind} `{}` is declared twice", n.name))
            } else if !is_effect && names.is_variable(&n.name) {
                Some(format!("`{}` is already a variable", n.name))
            } else if is_effect && (n.when.is_some() || n.effects.is_none()) {
                Some(format!(
                    "named effect `{}` needs `do: [...]` (and no `when`)",
                    n.name
                ))
            } else if !is_effect && (n.effects.is_some() || n.when.is_none()) {
                Some(format!(
                    "named condition `{}` needs `when: \"...\"` (and no `do`)",
                    n.name
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                let d = Diagnostic::error("E0501", message).with_hint(
                    "effects: [Named(name: \"x\", do: [\"a += 1\"])], conditions: [Named(name: \"y\", when: \"a > 1\")]; names unique, not a variable's",
                );
                cx.report(d, &Site::literal(file, Some("name"), &n.name));
                continue;
            }
            decls.push(Decl {
                file,
                name: &n.name,
                is_effect,
                effects: n.effects.as_deref().unwrap_or_default(),
                when: n.when.as_deref().unwrap_or_default(),
            });
        }
    }
    let (compiled, errors) = named::compile(&decls, names);
    for e in errors {
        let mut d = Diagnostic::error("E0502", e.error.message);
        if let Some(h) = e.error.hint {
            d = d.with_hint(h);
        }
        cx.report(
            d,
            &Site::literal(e.file, None, &e.src).char_at(e.error.offset),
        );
    }
    compiled
}
