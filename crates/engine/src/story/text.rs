//! Text markup: `{name}`, `{if cond: a | b}`, `{~a|b|c}`, `{{`/`}}`, and `*emphasis*`.
//!
//! Parsed once at load time into segments. Rendering is pure: random variants are
//! picked from the `roll` the engine drew when the scene was entered, so drawing the
//! same scene twice (a redraw, a reload, a replay) always shows the same words.

use super::expr::{self, Env, ErrorKind, Expr, ExprError, Scope, Type};

/// A piece of parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal words.
    Lit(String),
    /// `{name}`: a variable's value.
    Var(Box<str>),
    /// `{if cond: then | else}`.
    If(Expr, Vec<Segment>, Vec<Segment>),
    /// `{~a|b|c}`; `slot` keeps separate blocks of one text independent.
    OneOf(u32, Vec<Vec<Segment>>),
}

/// Parsed text, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// The parsed pieces.
    pub segments: Vec<Segment>,
}

impl Text {
    /// Text with no markup.
    #[must_use]
    pub fn plain(s: &str) -> Self {
        Self {
            segments: vec![Segment::Lit(s.to_owned())],
        }
    }

    /// Renders with variable values from `env` and variants chosen by `roll`.
    #[must_use]
    pub fn render(&self, env: &dyn Env, roll: u64) -> String {
        let mut out = String::new();
        render_into(&self.segments, env, roll, &mut out);
        if out.contains("  ") {
            // A branch that renders empty leaves its neighbours' spaces side by side.
            out = collapse_spaces(&out);
        }
        out
    }

    /// Counts words in every branch (what an author wrote, not what one reader sees).
    #[must_use]
    pub fn word_count(&self) -> usize {
        fn count(segs: &[Segment]) -> usize {
            segs.iter()
                .map(|s| match s {
                    Segment::Lit(t) => t.split_whitespace().count(),
                    Segment::Var(_) => 1,
                    Segment::If(_, a, b) => count(a) + count(b),
                    Segment::OneOf(_, opts) => opts.iter().map(|o| count(o)).sum(),
                })
                .sum()
        }
        count(&self.segments)
    }

    /// Calls `f` with every variable this text reads.
    pub fn for_each_var(&self, f: &mut dyn FnMut(&str)) {
        fn walk(segs: &[Segment], f: &mut dyn FnMut(&str)) {
            for s in segs {
                match s {
                    Segment::Lit(_) => {}
                    Segment::Var(v) => f(v),
                    Segment::If(c, a, b) => {
                        c.for_each_var(f);
                        walk(a, f);
                        walk(b, f);
                    }
                    Segment::OneOf(_, opts) => opts.iter().for_each(|o| walk(o, f)),
                }
            }
        }
        walk(&self.segments, f);
    }
}

fn render_into(segs: &[Segment], env: &dyn Env, roll: u64, out: &mut String) {
    for s in segs {
        match s {
            Segment::Lit(t) => out.push_str(t),
            Segment::Var(v) => out.push_str(&env.var(v).to_string()),
            Segment::If(c, a, b) => render_into(if c.holds(env) { a } else { b }, env, roll, out),
            Segment::OneOf(slot, opts) => {
                let pick = mix(roll, u64::from(*slot)) % opts.len() as u64;
                #[allow(clippy::cast_possible_truncation)] // pick < opts.len()
                render_into(&opts[pick as usize], env, roll, out);
            }
        }
    }
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        if c == ' ' && prev_space {
            continue;
        }
        prev_space = c == ' ';
        out.push(c);
    }
    out
}

/// Branch text is trimmed at its edges, so `{if lie: a | b}` reads like it looks;
/// the spaces around the block in the sentence are what separate words.
fn trim_edges(segs: &mut Vec<Segment>) {
    if let Some(Segment::Lit(first)) = segs.first_mut() {
        *first = first.trim_start().to_owned();
    }
    if let Some(Segment::Lit(last)) = segs.last_mut() {
        *last = last.trim_end().to_owned();
    }
    segs.retain(|s| !matches!(s, Segment::Lit(t) if t.is_empty()));
}

/// `SplitMix64` finaliser: spreads one scene roll into independent picks per slot.
#[must_use]
pub fn mix(roll: u64, salt: u64) -> u64 {
    let mut z = roll ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Parses one string of text. `slot_base` numbers `{~}` blocks so that every block of
/// a scene draws independently; it is advanced past the blocks used here.
///
/// # Errors
/// Unbalanced braces, bad conditions and unknown variables, with their character offset.
pub fn parse(src: &str, scope: &dyn Scope, slot_base: &mut u32) -> Result<Text, ExprError> {
    // Most paragraphs have no markup: a plain byte scan settles that fastest.
    if !src.bytes().any(|b| b == b'{' || b == b'}') {
        return Ok(Text::plain(src));
    }
    // The parser works in byte offsets (every markup character is ASCII, so slicing at
    // them is safe); errors are turned into character offsets once, here.
    parse_run(src, 0, src.len(), scope, slot_base, 0)
        .map(|segments| Text { segments })
        .map_err(|mut e| {
            e.offset = src[..e.offset.min(src.len())].chars().count();
            e
        })
}

/// Like [`parse`], taking the string: text without markup (most of it) is kept as it
/// is instead of being copied. On error the source comes back with the error.
///
/// # Errors
/// As [`parse`].
pub fn parse_owned(
    src: String,
    scope: &dyn Scope,
    slot_base: &mut u32,
) -> Result<Text, (ExprError, String)> {
    if !src.bytes().any(|b| b == b'{' || b == b'}') {
        return Ok(Text {
            segments: vec![Segment::Lit(src)],
        });
    }
    parse(&src, scope, slot_base).map_err(|e| (e, src))
}

fn err(offset: usize, msg: impl Into<String>, hint: &str) -> ExprError {
    ExprError::of(ErrorKind::Markup, offset, msg).hint(hint)
}

/// Parses `src[from..to]` into segments (byte offsets; `to` excludes a closing brace).
fn parse_run(
    src: &str,
    from: usize,
    to: usize,
    scope: &dyn Scope,
    slot: &mut u32,
    depth: usize,
) -> Result<Vec<Segment>, ExprError> {
    if depth > expr::MAX_DEPTH {
        return Err(err(
            from,
            "text markup nested too deeply",
            "flatten the `{...}` blocks",
        ));
    }
    let b = src.as_bytes();
    let mut segs = Vec::new();
    let mut lit = String::new();
    let mut i = from;
    while i < to {
        let Some(next) = b[i..to].iter().position(|&c| c == b'{' || c == b'}') else {
            lit.push_str(&src[i..to]);
            break;
        };
        lit.push_str(&src[i..i + next]);
        i += next;
        let doubled = i + 1 < to && b[i + 1] == b[i];
        match (b[i], doubled) {
            (c, true) => {
                lit.push(char::from(c));
                i += 2;
            }
            (b'}', false) => {
                return Err(err(
                    i,
                    "`}` without a matching `{`",
                    "write `}}` for a literal brace",
                ));
            }
            _ => {
                let close = matching_brace(b, i, to)?;
                if !lit.is_empty() {
                    segs.push(Segment::Lit(std::mem::take(&mut lit)));
                }
                segs.push(parse_block(src, i + 1, close, scope, slot, depth)?);
                i = close + 1;
            }
        }
    }
    if !lit.is_empty() {
        segs.push(Segment::Lit(lit));
    }
    Ok(segs)
}

fn matching_brace(b: &[u8], open: usize, to: usize) -> Result<usize, ExprError> {
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate().take(to).skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
    }
    Err(err(
        open,
        "`{` is never closed",
        "close the block with `}` (or write `{{` for a brace)",
    ))
}

/// Splits `b[from..to]` at top-level `|`.
fn split_bars(b: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = from;
    for (i, &c) in b.iter().enumerate().take(to).skip(from) {
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => {
                parts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, to));
    parts
}

fn parse_block(
    src: &str,
    from: usize,
    to: usize,
    scope: &dyn Scope,
    slot: &mut u32,
    depth: usize,
) -> Result<Segment, ExprError> {
    let b = src.as_bytes();
    let inner = &src[from..to];
    let lead = inner.len() - inner.trim_start().len();
    let trimmed = inner.trim();
    let at = from + lead;
    if trimmed.starts_with('~') {
        let parts = split_bars(b, at + 1, to);
        let this_slot = *slot;
        *slot += 1;
        let mut opts = Vec::with_capacity(parts.len());
        for (a, z) in parts {
            let mut opt = parse_run(src, a, z, scope, slot, depth + 1)?;
            trim_edges(&mut opt);
            opts.push(opt);
        }
        return Ok(Segment::OneOf(this_slot, opts));
    }
    if trimmed.starts_with("if ") || trimmed.starts_with("if\t") {
        let colon = src[at + 2..to]
            .find(':')
            .map(|c| at + 2 + c)
            .ok_or_else(|| {
                err(
                    at,
                    "`{if` needs a `:` after its condition",
                    "write `{if lie: text}`",
                )
            })?;
        let cond_src = &src[at + 2..colon];
        let cond = expr::condition_in(cond_src, scope).map_err(|mut e| {
            // Condition errors count characters within the condition: back to bytes.
            let byte = cond_src
                .char_indices()
                .nth(e.offset)
                .map_or(cond_src.len(), |(i, _)| i);
            e.offset = at + 2 + byte;
            e
        })?;
        let parts = split_bars(b, colon + 1, to);
        if parts.len() > 2 {
            return Err(err(
                parts[2].0 - 1,
                "`{if}` has more than two branches",
                "write `{if cond: a | b}`; nest another `{if}` for more cases",
            ));
        }
        let mut yes = parse_run(src, parts[0].0, parts[0].1, scope, slot, depth + 1)?;
        let mut no = match parts.get(1) {
            Some(&(a, z)) => parse_run(src, a, z, scope, slot, depth + 1)?,
            None => Vec::new(),
        };
        trim_edges(&mut yes);
        trim_edges(&mut no);
        return Ok(Segment::If(cond, yes, no));
    }
    let name = trimmed;
    if name.is_empty() {
        // Point at the `{`: there is nothing inside to point at.
        return Err(err(
            from - 1,
            "empty `{}` block",
            "write `{name}`, `{if ...: ...}` or `{~a|b}`",
        ));
    }
    if !name.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
        return Err(err(
            at,
            format!("`{{{name}}}` is not a variable, condition or variant block"),
            "blocks are `{name}`, `{if cond: a | b}` or `{~a|b}`; write `{{` for a literal brace",
        ));
    }
    match scope.var_type(name) {
        Some(Type::Int | Type::Bool) => Ok(Segment::Var(name.into())),
        None => Err(expr::unknown_variable(scope, name, at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct S;
    impl Scope for S {
        fn var_type(&self, n: &str) -> Option<Type> {
            match n {
                "devotion" => Some(Type::Int),
                "lie" => Some(Type::Bool),
                _ => None,
            }
        }
        fn scene_exists(&self, _: &str) -> bool {
            false
        }
        fn var_names(&self) -> Vec<&str> {
            vec!["devotion", "lie"]
        }
    }
    struct E(i64, i64);
    impl Env for E {
        fn var(&self, n: &str) -> i64 {
            if n == "lie" { self.1 } else { self.0 }
        }
        fn visits(&self, _: &str) -> i64 {
            0
        }
    }
    fn p(s: &str) -> Text {
        parse(s, &S, &mut 0).unwrap()
    }

    #[test]
    fn interpolates_and_branches() {
        let t = p("You have {devotion}. {if lie: She knows. | She trusts you.} {{ok}}");
        assert_eq!(t.render(&E(40, 1), 0), "You have 40. She knows. {ok}");
        assert_eq!(t.render(&E(40, 0), 0), "You have 40. She trusts you. {ok}");
        let t = p("He nods{if lie: , slowly}. You {if lie: really} wait.");
        assert_eq!(t.render(&E(0, 1), 0), "He nods, slowly. You really wait.");
        assert_eq!(t.render(&E(0, 0), 0), "He nods. You wait.");
        assert_eq!(p("{if devotion > 50: yes}").render(&E(10, 0), 0), "");
    }

    #[test]
    fn variants_are_chosen_by_roll_and_nest() {
        let t = p("{~rain|snow|dust} and {if not lie: {~a|b}}");
        let outs: std::collections::BTreeSet<String> =
            (0..200).map(|r| t.render(&E(0, 0), r)).collect();
        assert_eq!(outs.len(), 6, "all combinations appear: {outs:?}");
        assert_eq!(t.render(&E(0, 0), 7), t.render(&E(0, 0), 7));
        assert_eq!(t.word_count(), 6);
    }

    #[test]
    fn errors_have_offsets() {
        let e = parse("abc {if lie text}", &S, &mut 0).unwrap_err();
        assert_eq!(e.offset, 5);
        let e = parse("abc {if lei: text}", &S, &mut 0).unwrap_err();
        assert_eq!(e.offset, 8);
        assert!(e.hint.unwrap().contains("lie"));
        let e = parse("x {devotoin}", &S, &mut 0).unwrap_err();
        assert_eq!(e.offset, 3);
        assert_eq!(parse("oops }", &S, &mut 0).unwrap_err().offset, 5);
        assert_eq!(parse("oops {if lie: x", &S, &mut 0).unwrap_err().offset, 5);
        assert!(parse("{if lie: a | b | c}", &S, &mut 0).is_err());
        assert!(parse("{}", &S, &mut 0).is_err());
    }
}
