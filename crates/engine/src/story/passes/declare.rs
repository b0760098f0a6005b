//! Pass 3, declare: the header, and the variables and endings of every file.
//!
//! Expressions can only be checked once every name they may use is known, so the
//! declarations of all files are gathered before any scene is compiled.

use std::collections::HashMap;

use super::super::diag::Diagnostic;
use super::super::expr::Type;
use super::super::files::limits;
use super::super::model::{Origin, Variable};
use super::super::raw::{RawEnding, RawFile, RawHeader, RawVariable};
use super::context::{Ctx, Site};
use super::printable::{self, LookAlikes};

/// Everything declared outside scenes.
pub struct Declarations<'r> {
    /// The first `Story(...)` header, and its file.
    pub header: Option<(usize, &'r RawHeader)>,
    /// Valid variables, in declaration order.
    pub variables: Vec<Variable>,
    /// Variable name → index in `variables`.
    pub var_index: HashMap<String, usize>,
    /// Endings, with the file declaring each.
    pub endings: Vec<(usize, &'r RawEnding)>,
}

/// Gathers and checks the header, variables and endings.
pub fn declare<'r>(cx: &mut Ctx<'_>, parsed: &'r [(usize, RawFile)]) -> Declarations<'r> {
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
            cx.path(headers[0].0)
        ));
        cx.report(d, &Site::literal(*i, Some("id"), &h.id));
    }
    let header = headers.first().copied();
    if header.is_none() && parsed.len() == cx.files.len() {
        cx.diags.push(
            Diagnostic::error("E0102", "the story has no `Story(...)` header file")
                .with_hint("add a file holding `Story(id: ..., title: ..., start: ..., ...)`; see docs/format.md"),
        );
    }
    cx.headless = header.is_none() && !cx.salvage.header;

    let mut decl_files: Vec<(usize, &[RawVariable], &[RawEnding])> = Vec::new();
    if let Some((i, h)) = header {
        decl_files.push((i, &h.variables, &h.endings));
    }
    for (i, f) in parsed {
        if let RawFile::Chapter(c) = f {
            decl_files.push((*i, &c.variables, &c.endings));
        }
    }
    let mut out = Declarations {
        header,
        variables: Vec::new(),
        var_index: HashMap::new(),
        endings: Vec::new(),
    };
    // Where each ending was first declared: a set, not a scan, for thousands of endings.
    let mut ending_files: HashMap<&str, usize> = HashMap::new();
    let mut look_alikes = LookAlikes::default();
    for (file, vars, ends) in decl_files {
        for v in vars {
            let Some(var) = variable(cx, file, v) else {
                continue;
            };
            if let Some(&first) = out.var_index.get(&var.name) {
                let mut d = Diagnostic::error(
                    "E0106",
                    format!("variable `{}` is declared twice", var.name),
                )
                .with_hint("each variable is declared once, in the header or one chapter");
                let v = &out.variables[first];
                let first = Site::literal(v.origin.file(), Some("name"), &v.name);
                if let Some(l) = cx.label(&first, "first declared here") {
                    d = d.with_label(l);
                }
                report_second(cx, d, &first, &Site::literal(file, Some("name"), &var.name));
                continue;
            }
            let mut var = var;
            if let Type::Enum(_) = var.ty {
                // An enumeration's type is its place among the variables.
                var.ty = Type::Enum(u32::try_from(out.variables.len()).unwrap_or(u32::MAX));
            }
            out.var_index.insert(var.name.clone(), out.variables.len());
            out.variables.push(var);
        }
        for e in ends {
            cx.savable_id(
                "an ending id",
                &e.id,
                &Site::literal(file, Some("id"), &e.id),
            );
            if let Some(&first) = ending_files.get(e.id.as_str()) {
                let mut d =
                    Diagnostic::error("E0107", format!("ending `{}` is declared twice", e.id));
                let first = Site::literal(first, Some("id"), &e.id);
                if let Some(l) = cx.label(&first, "first declared here") {
                    d = d.with_label(l);
                }
                report_second(cx, d, &first, &Site::literal(file, Some("id"), &e.id));
                continue;
            }
            if let Some(earlier) = look_alikes.check(&e.id, |x| ending_files.contains_key(x)) {
                let mut d = Diagnostic::error(
                    "E0117",
                    printable::message("ending ids", &earlier, &e.id, ""),
                )
                .with_hint(printable::HINT);
                if let Some(&first) = ending_files.get(earlier.as_str())
                    && let Some(l) =
                        cx.label(&Site::literal(first, Some("id"), &earlier), "the other one")
                {
                    d = d.with_label(l);
                }
                cx.report(d, &Site::literal(file, Some("id"), &e.id));
            }
            ending_files.insert(e.id.as_str(), file);
            out.endings.push((file, e));
        }
    }
    if let Some(&(file, e)) = out.endings.get(limits::MAX_ENDINGS) {
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
        cx.report(d, &Site::literal(file, Some("id"), &e.id));
    }
    out
}

/// Reports `d` at `second`, a repeat of the literal at `first`: in the same file, the
/// next such literal after the first, not the first again.
fn report_second(cx: &mut Ctx<'_>, d: Diagnostic, first: &Site, second: &Site) {
    if first.file != second.file {
        cx.report(d, second);
        return;
    }
    let after = cx
        .locator(first.file)
        .and_then(|l| l.find(0, first.key, &first.content))
        .map_or(0, |t| t.end);
    cx.report_after(d, second, after);
}

/// Checks one declaration; `None` when its name cannot be used at all.
fn variable(cx: &mut Ctx<'_>, file: usize, v: &RawVariable) -> Option<Variable> {
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
            values: Vec::new(),
            origin: Origin::in_file(file),
        },
        RawVariable::Flag { name, initial } => Variable {
            name: name.clone(),
            ty: Type::Bool,
            initial: i64::from(*initial),
            min: 0,
            max: 1,
            values: Vec::new(),
            origin: Origin::in_file(file),
        },
        RawVariable::Enum {
            name,
            values,
            initial,
        } => return enumeration(cx, file, name, values, initial.as_deref()),
    };
    let site = Site::literal(file, Some("name"), &var.name);
    if !is_identifier(&var.name) {
        let d = Diagnostic::error("E0103", format!("`{}` is not a valid variable name", var.name))
            .with_hint("use letters, digits and `_`, starting with a letter; not `and`, `or`, `not`, `if`, `true`, `false`, `visits`");
        cx.report(d, &site);
        return None;
    }
    if !cx.savable_id("a variable name", &var.name, &site) {
        return None;
    }
    if var.min > var.max {
        let d = Diagnostic::error(
            "E0104",
            format!("`{}` has min {} above max {}", var.name, var.min, var.max),
        )
        .with_hint("`min` is the lowest value and `max` the highest: swap them");
        cx.report(d, &site);
    } else if var.initial < var.min || var.initial > var.max {
        // Name the bound it crosses: an unset one is i64::MIN or MAX, not worth showing.
        let (side, bound) = if var.initial < var.min {
            ("below its min", var.min)
        } else {
            ("above its max", var.max)
        };
        let d = Diagnostic::error(
            "E0105",
            format!("`{}` starts at {}, {side} {bound}", var.name, var.initial),
        )
        .with_hint("set `initial` within the bounds");
        cx.report(d, &site);
    }
    Some(var)
}

/// Checks an `Enum(...)` declaration: values are names, at least one, none twice; the
/// initial value (default: the first) is one of them.
fn enumeration(
    cx: &mut Ctx<'_>,
    file: usize,
    name: &str,
    values: &[String],
    initial: Option<&str>,
) -> Option<Variable> {
    let site = Site::literal(file, Some("name"), name);
    if !is_identifier(name) {
        let d = Diagnostic::error("E0103", format!("`{name}` is not a valid variable name"))
            .with_hint("use letters, digits and `_`, starting with a letter");
        cx.report(d, &site);
        return None;
    }
    let mut ok = true;
    for (i, v) in values.iter().enumerate() {
        let problem = if !is_identifier(v) {
            Some(format!("`{v}` is not a valid value name"))
        } else if values[..i].contains(v) {
            Some(format!("`{v}` is listed twice in `{name}`"))
        } else {
            None
        };
        if let Some(message) = problem {
            let d = Diagnostic::error("E0505", message)
                .with_hint("an enumeration's values are distinct names: letters, digits and `_`");
            cx.report(d, &Site::literal(file, None, v));
            ok = false;
        }
    }
    if values.is_empty() {
        let d = Diagnostic::error("E0505", format!("enumeration `{name}` has no values"))
            .with_hint("list them: `values: [\"first\", \"second\"]`");
        cx.report(d, &site);
        return None;
    }
    let start = match initial {
        None => 0,
        Some(v) => {
            if let Some(i) = values.iter().position(|x| x == v) {
                i
            } else {
                let hint = match super::super::expr::closest(v, values.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("its values are: {}", values.join(", ")),
                };
                let d =
                    Diagnostic::error("E0505", format!("`{v}` is not one of `{name}`'s values"))
                        .with_hint(hint);
                cx.report(d, &Site::literal(file, Some("initial"), v));
                ok = false;
                0
            }
        }
    };
    let top = i64::try_from(values.len()).unwrap_or(i64::MAX) - 1;
    ok.then(|| Variable {
        name: name.to_owned(),
        ty: Type::Enum(0),
        initial: i64::try_from(start).unwrap_or(0),
        min: 0,
        max: top,
        values: values.to_vec(),
        origin: Origin::in_file(file),
    })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !["and", "or", "not", "if", "true", "false", "visits"].contains(&s)
}
