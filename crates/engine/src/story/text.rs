//! Text markup: `{name}`, `{if cond: a | b}`, `{~a|b|c}`, the varying blocks
//! `{seq: a|b}`, `{cycle: a|b}`, `{once: a|b}`, `{shuffle: a|b}`, `{{`/`}}`, and
//! `*emphasis*`.
//!
//! Parsed once at load time into segments. Rendering is pure: random variants are
//! picked from the `roll` the engine drew when the scene was entered, and varying
//! blocks from how many times the engine counted them shown (it counts on entering a
//! scene), so drawing the same scene twice (a redraw, a reload, a replay) always shows
//! the same words.

use std::sync::Arc;

use super::expr::{self, Env, ErrorKind, Expr, ExprError, Scope, Type};

/// A piece of parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal words.
    Lit(String),
    /// `{name}`: a variable's value.
    Var(Box<str>),
    /// `{if cond: then | else}` (boxed whole, so that a segment stays small: most are
    /// plain words).
    If(Box<IfBlock>),
    /// `{~a|b|c}`; `slot` keeps separate blocks of one text independent.
    OneOf(u32, Vec<Vec<Segment>>),
    /// `{name}` of an enumeration: its value's name (the values, in order; shared, so
    /// that a segment stays small).
    EnumVar(Box<str>, Arc<Vec<String>>),
    /// `{# tag}`: a tag on the paragraph it is in, where a reader reaches it; renders
    /// nothing.
    Tag(String),
    /// `{seq: a|b}` and its kin: an option chosen by how often the block was shown.
    Vary(Vary, u32, Vec<Vec<Segment>>),
}

/// An `{if cond: then | else}` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfBlock {
    /// The condition.
    pub cond: Expr,
    /// Shown when it holds.
    pub then: Box<[Segment]>,
    /// Shown when it does not (often empty).
    pub otherwise: Box<[Segment]>,
}

impl IfBlock {
    /// The branch a reader sees now.
    #[must_use]
    pub fn branch(&self, env: &dyn Env) -> &[Segment] {
        if self.cond.holds(env) {
            &self.then
        } else {
            &self.otherwise
        }
    }
}

/// How a varying block moves through its options, one step per showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vary {
    /// `{seq: a|b|c}`: a, then b, then c from then on.
    Sequence,
    /// `{cycle: a|b|c}`: a, b, c, a, b, ...
    Cycle,
    /// `{once: a|b|c}`: a, b, c, then nothing.
    Once,
    /// `{shuffle: a|b|c}`: every option once in a random order, then again in another
    /// order, never the same option twice in a row.
    Shuffle,
}

impl Vary {
    /// The keyword that opens the block.
    #[must_use]
    pub fn keyword(self) -> &'static str {
        match self {
            Vary::Sequence => "seq",
            Vary::Cycle => "cycle",
            Vary::Once => "once",
            Vary::Shuffle => "shuffle",
        }
    }

    /// The option shown at the `nth` showing (1-based; 0 is read as 1), if any.
    #[must_use]
    pub fn pick(self, nth: u32, options: usize, seed: u64, slot: u32) -> Option<usize> {
        let k = nth.saturating_sub(1) as usize;
        if options == 0 {
            return None;
        }
        match self {
            Vary::Sequence => Some(k.min(options - 1)),
            Vary::Cycle => Some(k % options),
            Vary::Once => (k < options).then_some(k),
            Vary::Shuffle => {
                let round = k / options;
                let order = shuffle_round(options, mix(seed, u64::from(slot)), round);
                Some(order[k % options])
            }
        }
    }
}

/// The order of one round of a `{shuffle:}` block: a permutation drawn from `seed` and
/// the round, whose first option is never the previous round's last.
fn shuffle_round(n: usize, seed: u64, round: usize) -> Vec<usize> {
    let draw = |r: usize| {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            #[allow(clippy::cast_possible_truncation)] // the modulo is below n
            let j = (mix(seed, (r as u64) << 32 | i as u64) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        order
    };
    let mut order = draw(round);
    if round > 0 && n > 1 && draw(round - 1).last() == order.first() {
        order.swap(0, 1);
    }
    order
}

/// Parsed text, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// The parsed pieces.
    pub segments: Segments,
}

/// A text's segments, read as a slice. Most texts of a story (paragraphs without
/// markup, labels) are one literal: that one is kept in place, without a list to hold
/// it, which saves an allocation and the list's spare room per paragraph.
#[derive(Debug, Clone, Eq)]
pub enum Segments {
    /// Exactly one segment.
    One(Segment),
    /// Any other number, sized exactly.
    Many(Box<[Segment]>),
}

impl Default for Segments {
    fn default() -> Self {
        Segments::Many(Box::default())
    }
}

impl std::ops::Deref for Segments {
    type Target = [Segment];
    fn deref(&self) -> &[Segment] {
        match self {
            Segments::One(s) => std::slice::from_ref(s),
            Segments::Many(list) => list,
        }
    }
}

impl std::ops::DerefMut for Segments {
    fn deref_mut(&mut self) -> &mut [Segment] {
        match self {
            Segments::One(s) => std::slice::from_mut(s),
            Segments::Many(list) => list,
        }
    }
}

/// Equal when they hold the same segments, however they are kept.
impl PartialEq for Segments {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl From<Vec<Segment>> for Segments {
    fn from(mut list: Vec<Segment>) -> Self {
        if list.len() == 1
            && let Some(one) = list.pop()
        {
            return Segments::One(one);
        }
        Segments::Many(list.into_boxed_slice())
    }
}

impl Text {
    /// Text with no markup.
    #[must_use]
    pub fn plain(s: &str) -> Self {
        Self::literal(s.to_owned())
    }

    /// Text with no markup, taking the string.
    #[must_use]
    pub fn literal(s: String) -> Self {
        Self {
            segments: Segments::One(Segment::Lit(s)),
        }
    }

    /// Renders with variable values from `env` and variants chosen by `roll`.
    #[must_use]
    ///
    /// The author's spacing is kept, except around a block that comes out empty: the
    /// space it leaves is closed up (see `Out::lit`).
    pub fn render(&self, env: &dyn Env, roll: u64) -> String {
        self.render_tagged(env, roll).0
    }

    /// Like [`Text::render`], also returning the `{# tag}`s the reader reaches.
    #[must_use]
    pub fn render_tagged(&self, env: &dyn Env, roll: u64) -> (String, Vec<String>) {
        let mut out = Out::default();
        render_into(&self.segments, env, roll, &mut out);
        (out.text, out.tags)
    }

    /// Calls `f` with the slot of every varying block a reader would see now, with the
    /// blocks' counts as `env` gives them. The engine counts these on entering a scene.
    pub fn for_each_shown_block(&self, env: &dyn Env, roll: u64, f: &mut dyn FnMut(u32)) {
        fn walk(segs: &[Segment], env: &dyn Env, roll: u64, f: &mut dyn FnMut(u32)) {
            for s in segs {
                match s {
                    Segment::Lit(_) | Segment::Var(_) | Segment::Tag(_) | Segment::EnumVar(..) => {}
                    Segment::If(b) => walk(b.branch(env), env, roll, f),
                    Segment::OneOf(slot, opts) => {
                        walk(&opts[one_of(roll, *slot, opts)], env, roll, f);
                    }
                    Segment::Vary(kind, slot, opts) => {
                        f(*slot);
                        let seed = env.shuffle_seed();
                        if let Some(i) = kind.pick(env.shown(*slot), opts.len(), seed, *slot) {
                            walk(&opts[i], env, roll, f);
                        }
                    }
                }
            }
        }
        walk(&self.segments, env, roll, f);
    }

    /// Whether any varying block (`{seq:}` and kin) is in this text.
    #[must_use]
    pub fn varies(&self) -> bool {
        fn any(segs: &[Segment]) -> bool {
            segs.iter().any(|s| match s {
                Segment::Lit(_) | Segment::Var(_) | Segment::Tag(_) | Segment::EnumVar(..) => false,
                Segment::If(b) => any(&b.then) || any(&b.otherwise),
                Segment::OneOf(_, opts) => opts.iter().any(|o| any(o)),
                Segment::Vary(..) => true,
            })
        }
        any(&self.segments)
    }

    /// Counts words in every branch (what an author wrote, not what one reader sees).
    #[must_use]
    pub fn word_count(&self) -> usize {
        fn count(segs: &[Segment]) -> usize {
            segs.iter()
                .map(|s| match s {
                    Segment::Lit(t) => t.split_whitespace().count(),
                    Segment::Tag(_) => 0,
                    Segment::EnumVar(..) | Segment::Var(_) => 1,
                    Segment::If(b) => count(&b.then) + count(&b.otherwise),
                    Segment::OneOf(_, opts) | Segment::Vary(_, _, opts) => {
                        opts.iter().map(|o| count(o)).sum()
                    }
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
                    Segment::Lit(_) | Segment::Tag(_) => {}
                    Segment::Var(v) | Segment::EnumVar(v, _) => f(v),
                    Segment::If(b) => {
                        b.cond.for_each_var(f);
                        walk(&b.then, f);
                        walk(&b.otherwise, f);
                    }
                    Segment::OneOf(_, opts) | Segment::Vary(_, _, opts) => {
                        for o in opts {
                            walk(o, f);
                        }
                    }
                }
            }
        }
        walk(&self.segments, f);
    }
}

/// Rendered text being built, remembering whether a block just came out empty.
#[derive(Default)]
struct Out {
    text: String,
    /// A block rendered nothing since the last words were written.
    after_empty_block: bool,
    /// `{# tag}`s reached.
    tags: Vec<String>,
}

/// Characters that never follow a space: the space an empty block leaves before them
/// is removed.
const CLOSING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '’', '”', '…'];

impl Out {
    /// Writes literal words. The space rule: the author's spacing is kept, except where
    /// a block came out empty — then a space on both sides becomes one space
    /// (`a {if x: b} c` → `a c`), and a space before closing punctuation goes
    /// (`blinks {if x: twice}.` → `blinks.`). A paragraph's edges are trimmed by the
    /// engine.
    fn lit(&mut self, t: &str) {
        let mut t = t;
        if self.after_empty_block && (self.text.is_empty() || self.text.ends_with(' ')) {
            if t.starts_with(' ') {
                t = t.trim_start_matches(' ');
            } else if t.starts_with(CLOSING) {
                let kept = self.text.trim_end_matches(' ').len();
                self.text.truncate(kept);
            }
        }
        if !t.is_empty() {
            self.text.push_str(t);
            self.after_empty_block = false;
        }
    }

    fn block(&mut self, render: impl FnOnce(&mut Self)) {
        let before = self.text.len();
        render(self);
        if self.text.len() == before {
            self.after_empty_block = true;
        }
    }
}

fn one_of(roll: u64, slot: u32, opts: &[Vec<Segment>]) -> usize {
    #[allow(clippy::cast_possible_truncation)] // below opts.len()
    let pick = (mix(roll, u64::from(slot)) % opts.len() as u64) as usize;
    pick
}

fn render_into(segs: &[Segment], env: &dyn Env, roll: u64, out: &mut Out) {
    for s in segs {
        match s {
            Segment::Lit(t) => out.lit(t),
            Segment::Tag(t) => out.block(|out| out.tags.push(t.clone())),
            Segment::Var(v) => out.lit(&env.var(v).to_string()),
            Segment::EnumVar(v, values) => {
                let n = env.var(v);
                let name = usize::try_from(n).ok().and_then(|i| values.get(i));
                out.lit(name.map_or(&n.to_string(), |s| s));
            }
            Segment::If(b) => out.block(|out| render_into(b.branch(env), env, roll, out)),
            Segment::OneOf(slot, opts) => {
                out.block(|out| render_into(&opts[one_of(roll, *slot, opts)], env, roll, out));
            }
            Segment::Vary(kind, slot, opts) => out.block(|out| {
                let seed = env.shuffle_seed();
                if let Some(i) = kind.pick(env.shown(*slot), opts.len(), seed, *slot) {
                    render_into(&opts[i], env, roll, out);
                }
            }),
        }
    }
}

/// Branch text is trimmed at its edges, so `{if lie: a | b}` reads like it looks;
/// the spaces around the block in the sentence are what separate words.
fn trim_edges(segs: &mut Vec<Segment>) {
    // In place: most branches have nothing to trim but the spaces by their braces.
    if let Some(Segment::Lit(first)) = segs.first_mut() {
        let lead = first.len() - first.trim_start().len();
        first.drain(..lead);
    }
    if let Some(Segment::Lit(last)) = segs.last_mut() {
        last.truncate(last.trim_end().len());
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
    if !has_brace(src) {
        return Ok(Text::plain(src));
    }
    // The parser works in byte offsets (every markup character is ASCII, so slicing at
    // them is safe); errors are turned into character offsets once, here.
    parse_run(src, 0, src.len(), scope, slot_base, 0)
        .map(|segments| Text {
            segments: segments.into(),
        })
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
    if !has_brace(&src) {
        return Ok(Text::literal(src));
    }
    parse(&src, scope, slot_base).map_err(|e| (e, src))
}

/// Whether `src` holds a `{` or `}`. Checked for every paragraph and label of a story:
/// a block at a time without stopping early, which the compiler turns into wide
/// comparisons (several times faster than a byte-by-byte scan on prose).
fn has_brace(src: &str) -> bool {
    src.as_bytes().chunks(64).any(|block| {
        block.iter().fold(0u8, |found, &b| {
            found | u8::from(b == b'{') | u8::from(b == b'}')
        }) != 0
    })
}

/// Where the first `{` or `}` of `b` is, if any. Prose is most of what the markup
/// scans read: 16 bytes are looked at together (wide comparisons, as in `has_brace`),
/// byte by byte only in the block that holds one.
pub(crate) fn find_brace(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    for block in b.chunks(16) {
        let found = block.iter().fold(0u8, |found, &c| {
            found | u8::from(c == b'{') | u8::from(c == b'}')
        });
        if found != 0 {
            return block
                .iter()
                .position(|&c| c == b'{' || c == b'}')
                .map(|i| at + i);
        }
        at += block.len();
    }
    None
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
    // Sized for the usual shapes, so that keeping the list exactly (see `Segments`)
    // costs no copy: words then a block at the top, the words of a branch below.
    let mut segs = Vec::with_capacity(if depth == 0 { 2 } else { 1 });
    let mut lit = String::new();
    let mut i = from;
    while i < to {
        let Some(next) = find_brace(&b[i..to]) else {
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
                    segs.push(literal(&mut lit));
                }
                segs.push(parse_block(src, i + 1, close, scope, slot, depth)?);
                i = close + 1;
            }
        }
    }
    if !lit.is_empty() {
        segs.push(literal(&mut lit));
    }
    Ok(segs)
}

/// The words gathered so far, as a segment sized exactly (they are kept for the
/// story's lifetime).
fn literal(lit: &mut String) -> Segment {
    let mut words = std::mem::take(lit);
    words.shrink_to_fit();
    Segment::Lit(words)
}

pub(crate) fn matching_brace(b: &[u8], open: usize, to: usize) -> Result<usize, ExprError> {
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
pub(crate) fn split_bars(b: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
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

/// `seq: ...` and its kin: the kind and the text after the colon.
fn varying_block(trimmed: &str) -> Option<(Vary, &str)> {
    [Vary::Sequence, Vary::Cycle, Vary::Once, Vary::Shuffle]
        .into_iter()
        .find_map(|kind| {
            let rest = trimmed.strip_prefix(kind.keyword())?.trim_start();
            rest.strip_prefix(':').map(|body| (kind, body))
        })
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
            opt.shrink_to_fit();
            opts.push(opt);
        }
        return Ok(Segment::OneOf(this_slot, opts));
    }
    if let Some(tag) = trimmed.strip_prefix('#') {
        let tag = tag.trim();
        if tag.is_empty() || tag.contains(['{', '}']) {
            return Err(err(
                at,
                "a `{#}` tag needs plain text",
                "write `{# sfx:gong}`",
            ));
        }
        return Ok(Segment::Tag(tag.to_owned()));
    }
    if let Some((kind, body)) = varying_block(trimmed) {
        let colon = at + (trimmed.len() - body.len());
        let parts = split_bars(b, colon, to);
        let this_slot = *slot;
        *slot += 1;
        let mut opts = Vec::with_capacity(parts.len());
        for (a, z) in parts {
            let mut opt = parse_run(src, a, z, scope, slot, depth + 1)?;
            trim_edges(&mut opt);
            opt.shrink_to_fit();
            opts.push(opt);
        }
        if kind != Vary::Once && opts.len() < 2 {
            return Err(err(
                at,
                format!("`{{{}:}}` needs at least two options", kind.keyword()),
                "separate the options with `|`; for text shown only the first time, write `{once: text}`",
            ));
        }
        return Ok(Segment::Vary(kind, this_slot, opts));
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
        return Ok(Segment::If(Box::new(IfBlock {
            cond,
            then: yes.into_boxed_slice(),
            otherwise: no.into_boxed_slice(),
        })));
    }
    let name = trimmed;
    if name.is_empty() {
        // Point at the `{`: there is nothing inside to point at.
        return Err(err(
            from - 1,
            "empty `{}` block",
            "write `{name}`, `{if ...: ...}`, `{~a|b}` or `{seq: a|b}`",
        ));
    }
    if let Some((word, _)) = name.split_once(':') {
        let word = word.trim();
        if !word.is_empty() && word.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
            let keywords = ["seq", "cycle", "once", "shuffle", "if"];
            let hint = match expr::closest(word, keywords) {
                Some(best) => format!("did you mean `{{{best}: ...}}`?"),
                None => "varying blocks are `{seq: a|b}`, `{cycle: a|b}`, `{once: a|b}` and `{shuffle: a|b}`".to_owned(),
            };
            return Err(err(at, format!("`{word}:` is not a kind of block"), &hint));
        }
    }
    if !name.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
        return Err(err(
            at,
            format!("`{{{name}}}` is not a variable, condition or variant block"),
            "blocks are `{name}`, `{if cond: a | b}`, `{~a|b}` or `{seq: a|b}`; write `{{` for a literal brace",
        ));
    }
    match scope.var_type(name) {
        Some(Type::Int | Type::Bool) => Ok(Segment::Var(name.into())),
        Some(Type::Enum(id)) => Ok(Segment::EnumVar(
            name.into(),
            Arc::new(
                scope
                    .enum_values(id)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            ),
        )),
        None => Err(expr::unknown_variable(scope, name, at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every paragraph and every choice's label is a `Text`, most of them one literal
    /// held in place: 32 bytes, not the 48 it took while `{if}` and enumeration blocks
    /// were stored unboxed (at 100,000 scenes, 600,000 texts).
    #[test]
    fn size_of_text() {
        assert!(std::mem::size_of::<Segment>() <= 32);
        assert!(std::mem::size_of::<Text>() <= 32);
    }

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

    /// An env that reports every varying block as shown `n` times.
    struct Shown(u32, i64);
    impl Env for Shown {
        fn var(&self, _: &str) -> i64 {
            self.1
        }
        fn visits(&self, _: &str) -> i64 {
            0
        }
        fn shown(&self, _: u32) -> u32 {
            self.0
        }
        fn shuffle_seed(&self) -> u64 {
            99
        }
    }

    #[test]
    fn an_empty_block_closes_up_the_space_it_leaves() {
        // The example: ink's behaviour.
        let t = p("blinks {if lie: twice}.");
        assert_eq!(t.render(&E(0, 1), 0), "blinks twice.");
        assert_eq!(t.render(&E(0, 0), 0), "blinks.");
        // No space written, none added: the author's spacing is kept.
        assert_eq!(
            p("blinks{if lie: twice}.").render(&E(0, 1), 0),
            "blinkstwice."
        );
        // Between words, two spaces become one.
        let t = p("a {if lie: b} c, {if lie: d}; e {if lie: f}");
        assert_eq!(t.render(&E(0, 0), 0), "a c,; e ");
        assert_eq!(t.render(&E(0, 1), 0), "a b c, d; e f");
        // The author's own double space, away from any block, is left alone.
        assert_eq!(
            p("One.  Two {if lie: x}.").render(&E(0, 0), 0),
            "One.  Two."
        );
        // Several empty blocks in a row close up as one.
        let t = p("she {if lie: a} {if lie: b} {once: c|d} went");
        assert_eq!(t.render(&Shown(9, 0), 0), "she went");
    }

    #[test]
    fn varying_blocks_move_one_step_per_showing() {
        let seq = p("{seq: one|two|three}");
        let cyc = p("{cycle: one|two}");
        let once = p("{once: first|second}");
        let render = |t: &Text, n| t.render(&Shown(n, 0), 0);
        let seen = |t: &Text| (1..=5).map(|n| render(t, n)).collect::<Vec<_>>();
        assert_eq!(seen(&seq), ["one", "two", "three", "three", "three"]);
        assert_eq!(seen(&cyc), ["one", "two", "one", "two", "one"]);
        assert_eq!(seen(&once), ["first", "second", "", "", ""]);
        // Outside a game (never counted) a block shows its first option.
        assert_eq!(render(&seq, 0), "one");
        assert_eq!(seq.word_count(), 3);
        assert!(seq.varies() && !p("{~a|b}").varies());
    }

    #[test]
    fn shuffle_shows_every_option_once_per_round_and_never_twice_running() {
        let t = p("{shuffle: a|b|c|d}");
        let seen: Vec<String> = (1..=40).map(|n| t.render(&Shown(n, 0), 0)).collect();
        for round in seen.chunks(4) {
            let set: std::collections::BTreeSet<&String> = round.iter().collect();
            assert_eq!(set.len(), 4, "each round shows all four: {round:?}");
        }
        assert!(seen.windows(2).all(|w| w[0] != w[1]), "{seen:?}");
        let orders: std::collections::BTreeSet<&[String]> = seen.chunks(4).collect();
        assert!(orders.len() > 1, "rounds are reshuffled: {seen:?}");
    }

    #[test]
    fn varying_blocks_are_only_counted_where_a_reader_reaches_them() {
        let t = p("{if lie: {seq: a|b}} {cycle: x|{once: y|z}}");
        let mut slots = Vec::new();
        t.for_each_shown_block(&Shown(1, 0), 0, &mut |s| slots.push(s));
        assert_eq!(slots, [1], "the hidden `{{if}}` branch is not counted");
        slots.clear();
        t.for_each_shown_block(&Shown(2, 1), 0, &mut |s| slots.push(s));
        assert_eq!(
            slots,
            [0, 1, 2],
            "the nested block is reached on the second showing"
        );
    }

    #[test]
    fn a_text_of_one_literal_is_held_in_place_and_reads_as_a_slice() {
        // The compact form is what keeps a large story's memory down (issue 16): one
        // segment in place, no list, and the segment itself small.
        assert!(std::mem::size_of::<Segment>() <= 48);
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<Segment>());
        let plain = p("Just words.");
        assert!(matches!(plain.segments, Segments::One(Segment::Lit(_))));
        assert_eq!(plain.segments.len(), 1);
        let marked = p("Words {if lie: yes | no} more.");
        assert!(matches!(&marked.segments, Segments::Many(list) if list.len() == 3));
        // However they are held, equal segments make equal texts.
        let one = Text {
            segments: Segments::Many(vec![Segment::Lit("Just words.".into())].into()),
        };
        assert_eq!(one, plain);
        assert_eq!(Text::default().segments.len(), 0);
    }

    #[test]
    fn misused_varying_blocks_are_errors() {
        let e = parse("x {seq: only}", &S, &mut 0).unwrap_err();
        assert!(e.message.contains("at least two"), "{e:?}");
        assert_eq!(e.offset, 3);
        let e = parse("{cylce: a|b}", &S, &mut 0).unwrap_err();
        assert!(e.message.contains("not a kind of block"), "{e:?}");
        assert_eq!(e.hint.as_deref(), Some("did you mean `{cycle: ...}`?"));
        assert!(parse("{once: just this}", &S, &mut 0).is_ok());
        assert!(parse("{seq: a|{if lei: b}}", &S, &mut 0).is_err());
        // Every block gets its own slot, nested ones too.
        let mut slot = 0;
        parse("{seq: a|{cycle: b|c}} {~d|e}", &S, &mut slot).unwrap();
        assert_eq!(slot, 3);
    }
}
