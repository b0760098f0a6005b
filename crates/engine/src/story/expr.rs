//! Conditions and effects: the little language inside `when:`, `effects:` and `{if ...}`.
//!
//! Every expression is parsed and type-checked once, when the story loads, so a typo in a
//! condition is a checker error with a column, never a surprise in the middle of a game.
//! Two steps, each its own code: the syntax pass (`Parser`) turns tokens into nodes
//! that know nothing of names; the checking pass (`check`) resolves names in a
//! [`Scope`] and infers types. (Resolving names to dense indices would happen there.)
//! Evaluation is a plain tree walk over an [`Env`]: the engine supplies variable values
//! and visit counts, and nothing here knows about game state or I/O.

use std::fmt;

pub use super::id::IdRef;

/// The two value types of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A whole number.
    Int,
    /// A flag: `true` or `false`.
    Bool,
    /// One value of an enumeration (`Enum(...)`), identified by its variable's position
    /// among the story's variables; held as the value's index.
    Enum(u32),
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Int => "a number",
            Type::Bool => "a flag (true/false)",
            Type::Enum(_) => "one of an enumeration's values",
        })
    }
}

/// What an expression may refer to; supplied by the loader.
pub trait Scope {
    /// The type of a declared variable, or `None` when it is not declared.
    fn var_type(&self, name: &str) -> Option<Type>;
    /// Whether a scene with this id exists (for `visits(...)`).
    fn scene_exists(&self, id: &str) -> bool;
    /// Some declared variable names, to suggest a fix for a typo.
    fn var_names(&self) -> Vec<&str>;
    /// The values of the enumeration `id` (see [`Type::Enum`]), in declared order.
    fn enum_values(&self, _id: u32) -> Vec<&str> {
        Vec::new()
    }
    /// The condition a name stands for, when it names a declared named condition
    /// (`conditions: [Named(...)]`); an error message when it cannot be used (it
    /// refers to itself).
    fn named_condition(&self, _name: &str) -> Option<Result<Expr, String>> {
        None
    }
    /// A condition parsed in this scope, if the scope remembers conditions it has
    /// parsed before (stories repeat theirs); `None` to parse it afresh.
    fn remembered(&self, _src: &str) -> Option<Result<Expr, ExprError>> {
        None
    }
    /// Offers a freshly parsed condition to remember.
    fn remember(&self, _src: &str, _parsed: &Result<Expr, ExprError>) {}
}

/// Parses a condition through `scope`'s memory of conditions, if it keeps one.
///
/// # Errors
/// As [`parse_condition`].
pub fn condition_in(src: &str, scope: &dyn Scope) -> Result<Expr, ExprError> {
    if let Some(hit) = scope.remembered(src) {
        return hit;
    }
    let parsed = parse_condition(src, scope);
    scope.remember(src, &parsed);
    parsed
}

/// Values an expression reads while it is evaluated; supplied by the engine.
pub trait Env {
    /// The current value of a variable (flags are 0 or 1).
    fn var(&self, name: &str) -> i64;
    /// How many times a scene has been entered.
    fn visits(&self, scene: &str) -> i64;
    /// [`Env::var`] for a variable the loader resolved to index `ix` of the story's
    /// [`Layout`](super::layout::Layout) ([`UNRESOLVED`](super::layout::UNRESOLVED) when
    /// it did not): an environment that keeps values by index reads them without
    /// hashing the name.
    fn var_at(&self, _ix: u32, name: &str) -> i64 {
        self.var(name)
    }
    /// [`Env::visits`] for a scene resolved to index `ix`, as [`Env::var_at`].
    fn visits_at(&self, _ix: u32, scene: &str) -> i64 {
        self.visits(scene)
    }
    /// How many times the varying text block `slot` of the text being rendered has been
    /// shown, this showing included (0 outside a game: the block shows its first option).
    fn shown(&self, _slot: u32) -> u32 {
        0
    }
    /// A number fixed for the whole game, so `{shuffle:}` orders differ between games.
    fn shuffle_seed(&self) -> u64 {
        0
    }
}

/// What kind of mistake an [`ExprError`] is: each kind has its own diagnostic code,
/// wherever the expression sits (a `when:`, an effect, a `{...}` block in text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The expression is not well formed: a stray operator, a missing `)`.
    Syntax,
    /// Text markup is not well formed: a `{` never closed, an empty `{}`.
    Markup,
    /// A name that is not a declared variable.
    UnknownVariable,
    /// `visits(...)` names a scene that does not exist.
    UnknownScene,
    /// A value of the wrong type: a number where a flag is needed, or the reverse.
    Type,
    /// A division whose divisor is always 0 (`x / 0`, `x / (2 - 2)`).
    DivisionByZero,
}

/// A problem in an expression, with the character offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Character offset into the expression's source text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
    /// What kind of mistake it is.
    pub kind: ErrorKind,
}

impl ExprError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Syntax, offset, message)
    }
    pub(crate) fn of(kind: ErrorKind, offset: usize, message: impl Into<String>) -> Self {
        Self {
            offset,
            message: message.into(),
            hint: None,
            kind,
        }
    }
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// A name (variable or scene) that is not declared, as opposed to a mistake in the
    /// expression itself: when a story file failed to load, it may be declared there.
    #[must_use]
    pub fn unresolved(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::UnknownVariable | ErrorKind::UnknownScene
        )
    }
}

const VALUE_HINT: &str =
    "a value is a number, `true`/`false`, a variable or `visits(scene)`, or one in parentheses";

/// How to fix an operand of the wrong type.
fn type_hint(want: Type) -> &'static str {
    match want {
        Type::Int => "a flag is true or false: test it alone (`lie`, `not lie`), not as a number",
        Type::Bool => "a number is not true or false: compare it, e.g. `devotion >= 60`",
        Type::Enum(_) => {
            "compare an enumeration with `==` or `!=` and one of its values, e.g. `aria == un_bel_di`"
        }
    }
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (integer, rounding toward zero; see [`Expr::eval`] for division by zero)
    Div,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// A parsed, type-checked expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A number literal.
    Int(i64),
    /// `true` / `false`.
    Bool(bool),
    /// A declared variable, by name (and, once loaded, by index: [`IdRef`]).
    Var(IdRef),
    /// `visits(scene_id)`.
    Visits(IdRef),
    /// `not x`, `-x`.
    Unary(UnOp, Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Evaluates to a number (flags are 0/1, comparisons 0/1).
    ///
    /// Arithmetic is total and the same for every operator: a result outside the
    /// range of `i64` saturates to its nearest end (`MIN / -1` is `MAX`, `-MIN` is
    /// `MAX`), and a division by zero saturates the same way: `x / 0` is `MAX` for a
    /// positive `x`, `MIN` for a negative one, and `0 / 0` is `0`. A divisor that is
    /// zero in the source is refused by the checker; one that becomes zero at run time
    /// is reported by [`Expr::eval_traced`], which the engine uses.
    #[must_use]
    pub fn eval(&self, env: &dyn Env) -> i64 {
        self.eval_traced(env, &mut false)
    }

    /// [`Expr::eval`], setting `divided_by_zero` when a division by zero happened.
    pub fn eval_traced(&self, env: &dyn Env, divided_by_zero: &mut bool) -> i64 {
        match self {
            Expr::Int(n) => *n,
            Expr::Bool(b) => i64::from(*b),
            Expr::Var(name) => env.var_at(name.raw_index(), name),
            Expr::Visits(scene) => env.visits_at(scene.raw_index(), scene),
            Expr::Unary(UnOp::Not, e) => i64::from(e.eval_traced(env, divided_by_zero) == 0),
            Expr::Unary(UnOp::Neg, e) => e.eval_traced(env, divided_by_zero).saturating_neg(),
            Expr::Binary(BinOp::And, a, b) => i64::from(
                a.eval_traced(env, divided_by_zero) != 0
                    && b.eval_traced(env, divided_by_zero) != 0,
            ),
            Expr::Binary(BinOp::Or, a, b) => i64::from(
                a.eval_traced(env, divided_by_zero) != 0
                    || b.eval_traced(env, divided_by_zero) != 0,
            ),
            Expr::Binary(op, a, b) => {
                let (x, y) = (
                    a.eval_traced(env, divided_by_zero),
                    b.eval_traced(env, divided_by_zero),
                );
                match op {
                    BinOp::Add => x.saturating_add(y),
                    BinOp::Sub => x.saturating_sub(y),
                    BinOp::Mul => x.saturating_mul(y),
                    BinOp::Div if y == 0 => {
                        *divided_by_zero = true;
                        match x.signum() {
                            1 => i64::MAX,
                            -1 => i64::MIN,
                            _ => 0,
                        }
                    }
                    BinOp::Div => x.saturating_div(y),
                    BinOp::Eq => i64::from(x == y),
                    BinOp::Ne => i64::from(x != y),
                    BinOp::Lt => i64::from(x < y),
                    BinOp::Le => i64::from(x <= y),
                    BinOp::Gt => i64::from(x > y),
                    BinOp::Ge => i64::from(x >= y),
                    BinOp::And | BinOp::Or => unreachable!("handled above"),
                }
            }
        }
    }

    /// The value when it depends on no variable or visit count (a constant), else
    /// `None`. Used by the checker to refuse `x / 0` and `x / (2 - 2)`.
    #[must_use]
    pub fn constant(&self) -> Option<i64> {
        struct NoEnv;
        impl Env for NoEnv {
            fn var(&self, _: &str) -> i64 {
                0
            }
            fn visits(&self, _: &str) -> i64 {
                0
            }
        }
        fn is_constant(e: &Expr) -> bool {
            match e {
                Expr::Int(_) | Expr::Bool(_) => true,
                Expr::Var(_) | Expr::Visits(_) => false,
                Expr::Unary(_, e) => is_constant(e),
                Expr::Binary(_, a, b) => is_constant(a) && is_constant(b),
            }
        }
        is_constant(self).then(|| self.eval(&NoEnv))
    }

    /// Evaluates a condition.
    #[must_use]
    pub fn holds(&self, env: &dyn Env) -> bool {
        self.eval(env) != 0
    }

    /// Calls `f` with every variable this expression reads.
    pub fn for_each_var(&self, f: &mut dyn FnMut(&str)) {
        match self {
            Expr::Var(name) => f(name),
            Expr::Unary(_, e) => e.for_each_var(f),
            Expr::Binary(_, a, b) => {
                a.for_each_var(f);
                b.for_each_var(f);
            }
            Expr::Int(_) | Expr::Bool(_) | Expr::Visits(_) => {}
        }
    }

    /// Resolves every variable (`var`) and scene (`scene`) name to its index.
    pub(crate) fn resolve(&mut self, var: &dyn Fn(&mut IdRef), scene: &dyn Fn(&mut IdRef)) {
        match self {
            Expr::Var(name) => var(name),
            Expr::Visits(id) => scene(id),
            Expr::Unary(_, e) => e.resolve(var, scene),
            Expr::Binary(_, a, b) => {
                a.resolve(var, scene);
                b.resolve(var, scene);
            }
            Expr::Int(_) | Expr::Bool(_) => {}
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Int(n) => write!(f, "{n}"),
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Var(v) => f.write_str(v),
            Expr::Visits(s) => write!(f, "visits({s})"),
            Expr::Unary(UnOp::Not, e) => write!(f, "not {e}"),
            Expr::Unary(UnOp::Neg, e) => write!(f, "-{e}"),
            Expr::Binary(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
        }
    }
}

/// How an effect changes its variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `+=`
    Add,
    /// `-=`
    Sub,
}

/// A parsed effect: `[if COND:] NAME (=|+=|-=) EXPR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// Only applied when this holds.
    pub guard: Option<Expr>,
    /// The variable written (by name, and once loaded by index).
    pub target: IdRef,
    /// How it is written.
    pub op: AssignOp,
    /// The value (or amount).
    pub value: Expr,
}

/// Deepest nesting accepted, so that a hostile file cannot overflow the stack.
///
/// Parentheses, `not` and unary `-` nest; so does each operator of a chain like
/// `a + b + c`, which parses into a tree one level deeper per operator. Evaluating,
/// cloning, printing and dropping an [`Expr`] all recurse through that tree, so its
/// depth, not just the parser's, must stay bounded.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Unsigned: `-9223372036854775808` is a minus and a literal one past `i64::MAX`.
    Int(u64),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Colon,
    End,
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = text
                .parse()
                .map_err(|_| ExprError::new(start, format!("number `{text}` is too large")))?;
            out.push((Tok::Int(n), start));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), start));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op2 = ["==", "!=", "<=", ">=", "+=", "-=", "&&", "||"]
            .into_iter()
            .find(|op| *op == two);
        if let Some(op) = op2 {
            let op =
                match op {
                    "&&" => {
                        return Err(ExprError::new(start, "`&&` is not an operator here")
                            .hint("write `and`"));
                    }
                    "||" => {
                        return Err(ExprError::new(start, "`||` is not an operator here")
                            .hint("write `or`"));
                    }
                    other => other,
                };
            out.push((Tok::Op(op), start));
            i += 2;
            continue;
        }
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ':' => Tok::Colon,
            '+' => Tok::Op("+"),
            '-' => Tok::Op("-"),
            '*' => Tok::Op("*"),
            '/' => Tok::Op("/"),
            '<' => Tok::Op("<"),
            '>' => Tok::Op(">"),
            '=' => Tok::Op("="),
            '!' => {
                return Err(ExprError::new(start, "`!` is not an operator here")
                    .hint("write `not` (or `!=` for inequality)"));
            }
            other => {
                return Err(ExprError::new(
                    start,
                    format!("unexpected character `{other}`"),
                ));
            }
        };
        out.push((tok, start));
        i += 1;
    }
    out.push((Tok::End, chars.len()));
    Ok(out)
}

/// An expression as written, before names and types are checked: what the syntax pass
/// produces. Every node keeps the character offset where it starts, for errors.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    /// Character offset of the node's first token (the `(` of a parenthesised one).
    at: usize,
    ast: Ast,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ast {
    Int(i64),
    Bool(bool),
    /// A name, to be resolved to a variable.
    Name(String),
    /// `visits(scene)`, with the offset of the scene id.
    Visits(String, usize),
    Unary(UnOp, Box<Node>),
    /// The operator's offset, then the operands.
    Binary(BinOp, usize, Box<Node>, Box<Node>),
}

/// The syntax pass: tokens to [`Node`]s. Knows nothing of names or types.
struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn new(src: &str) -> Result<Self, ExprError> {
        Ok(Self {
            toks: lex(src)?,
            pos: 0,
            depth: 0,
        })
    }
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn offset(&self) -> usize {
        self.toks[self.pos].1
    }
    fn bump(&mut self) -> (Tok, usize) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if w == word)
    }

    fn describe(tok: &Tok) -> String {
        match tok {
            Tok::Int(n) => format!("number `{n}`"),
            Tok::Ident(w) => format!("`{w}`"),
            Tok::Op(o) => format!("`{o}`"),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Colon => "`:`".into(),
            Tok::End => "the end of the expression".into(),
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::new(
                self.offset(),
                format!("expression nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    /// `or` has the lowest precedence.
    fn expr(&mut self) -> Result<Node, ExprError> {
        self.enter()?;
        let r = self.binary_level(0);
        self.depth -= 1;
        r
    }

    fn binary_level(&mut self, level: usize) -> Result<Node, ExprError> {
        const LEVELS: [&[&str]; 5] = [
            &["or"],
            &["and"],
            &["==", "!=", "<", "<=", ">", ">="],
            &["+", "-"],
            &["*", "/"],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut lhs = self.binary_level(level + 1)?;
        let mut chained = 0;
        loop {
            let op_text = match self.peek() {
                Tok::Op(o) if LEVELS[level].contains(o) => (*o).to_string(),
                Tok::Ident(w) if LEVELS[level].contains(&w.as_str()) => w.clone(),
                _ => break,
            };
            let op_at = self.offset();
            self.bump();
            // Each chained operator makes the tree one level deeper (see MAX_DEPTH).
            chained += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(ExprError::new(
                    op_at,
                    format!("more than {MAX_DEPTH} operators chained or nested in one expression"),
                )
                .hint("split it: give a part of it its own variable or route"));
            }
            let rhs = self.binary_level(level + 1)?;
            let op = match op_text.as_str() {
                "or" => BinOp::Or,
                "and" => BinOp::And,
                "==" => BinOp::Eq,
                "!=" => BinOp::Ne,
                "<" => BinOp::Lt,
                "<=" => BinOp::Le,
                ">" => BinOp::Gt,
                ">=" => BinOp::Ge,
                "+" => BinOp::Add,
                "-" => BinOp::Sub,
                "*" => BinOp::Mul,
                _ => BinOp::Div,
            };
            let at = lhs.at;
            lhs = Node {
                at,
                ast: Ast::Binary(op, op_at, Box::new(lhs), Box::new(rhs)),
            };
        }
        // An error above leaves `depth` raised, which is harmless: the parse is over.
        self.depth -= chained;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        let start = self.offset();
        let op = if self.is_word("not") {
            UnOp::Not
        } else if matches!(self.peek(), Tok::Op("-")) {
            // The smallest number is written as a minus and a literal that alone would
            // be too large: take the two together.
            if self.toks.get(self.pos + 1).map(|(t, _)| t)
                == Some(&Tok::Int(i64::MIN.unsigned_abs()))
            {
                self.bump();
                self.bump();
                return Ok(Node {
                    at: start,
                    ast: Ast::Int(i64::MIN),
                });
            }
            UnOp::Neg
        } else {
            return self.atom();
        };
        self.bump();
        self.enter()?;
        let operand = self.unary()?;
        self.depth -= 1;
        Ok(Node {
            at: start,
            ast: Ast::Unary(op, Box::new(operand)),
        })
    }

    fn atom(&mut self) -> Result<Node, ExprError> {
        let (tok, at) = self.bump();
        let ast = match tok {
            Tok::Int(n) => match i64::try_from(n) {
                Ok(n) => Ast::Int(n),
                Err(_) => {
                    return Err(ExprError::new(
                        at,
                        format!("number `{n}` is too large; the largest is {}", i64::MAX),
                    ));
                }
            },
            Tok::LParen => {
                let inner = self.expr()?;
                if *self.peek() != Tok::RParen {
                    return Err(ExprError::new(
                        self.offset(),
                        format!("expected `)`, found {}", Self::describe(self.peek())),
                    )
                    .hint("every `(` needs a matching `)`"));
                }
                self.bump();
                inner.ast
            }
            Tok::Ident(w) if w == "true" => Ast::Bool(true),
            Tok::Ident(w) if w == "false" => Ast::Bool(false),
            Tok::Ident(w) if w == "visits" && *self.peek() == Tok::LParen => {
                self.bump();
                let (name_tok, name_at) = self.bump();
                let Tok::Ident(scene) = name_tok else {
                    return Err(ExprError::new(
                        name_at,
                        "expected a scene id inside `visits(...)`",
                    ));
                };
                if *self.peek() != Tok::RParen {
                    return Err(ExprError::new(
                        self.offset(),
                        "expected `)` after the scene id",
                    ));
                }
                self.bump();
                Ast::Visits(scene, name_at)
            }
            Tok::Ident(w) if ["and", "or", "not", "if"].contains(&w.as_str()) => {
                return Err(
                    ExprError::new(at, format!("expected a value, found `{w}`")).hint(VALUE_HINT)
                );
            }
            Tok::Ident(name) => Ast::Name(name),
            other => {
                return Err(ExprError::new(
                    at,
                    format!("expected a value, found {}", Self::describe(&other)),
                )
                .hint(VALUE_HINT));
            }
        };
        Ok(Node { at, ast })
    }

    fn expect_end(&self) -> Result<(), ExprError> {
        if *self.peek() == Tok::End {
            Ok(())
        } else {
            let err = ExprError::new(
                self.offset(),
                format!(
                    "unexpected {} after a complete expression",
                    Self::describe(self.peek())
                ),
            );
            // `=>` and `=<` are `>=` and `<=` typed backwards, not a misspelt `==`.
            let next = self.toks.get(self.pos + 1);
            let backwards = match next {
                Some((Tok::Op(o @ (">" | "<")), at)) if *at == self.offset() + 1 => Some(*o),
                _ => None,
            };
            Err(
                if let Some(o) = backwards.filter(|_| matches!(self.peek(), Tok::Op("="))) {
                    err.hint(format!("to compare, write `{o}=`"))
                } else if matches!(self.peek(), Tok::Op("=")) {
                    err.hint("to compare, write `==`")
                } else {
                    err.hint("join conditions with `and` / `or`")
                },
            )
        }
    }
}

fn type_error(at: usize, message: String, hint: impl Into<String>) -> ExprError {
    ExprError::of(ErrorKind::Type, at, message).hint(hint)
}

/// The checking pass: resolves names in `scope` and infers types, bottom up.
fn check(node: &Node, scope: &dyn Scope) -> Result<(Expr, Type), ExprError> {
    Ok(match &node.ast {
        Ast::Int(n) => (Expr::Int(*n), Type::Int),
        Ast::Bool(b) => (Expr::Bool(*b), Type::Bool),
        Ast::Name(name) => match (scope.named_condition(name), scope.var_type(name)) {
            (Some(Ok(e)), _) => (e, Type::Bool),
            (Some(Err(msg)), _) => {
                return Err(ExprError::of(ErrorKind::Syntax, node.at, msg)
                    .hint("a named condition may use other named conditions, but never itself"));
            }
            (None, Some(t)) => (Expr::Var(name.as_str().into()), t),
            (None, None) => return Err(unknown_variable(scope, name, node.at)),
        },
        Ast::Visits(scene, at) => {
            if !scope.scene_exists(scene) {
                return Err(ExprError::of(
                    ErrorKind::UnknownScene,
                    *at,
                    format!("no scene `{scene}` exists"),
                )
                .hint("`visits(...)` takes the id of a scene in this story"));
            }
            (Expr::Visits(scene.as_str().into()), Type::Int)
        }
        Ast::Unary(op, operand) => {
            let (e, t) = check(operand, scope)?;
            let (want, name) = match op {
                UnOp::Not => (Type::Bool, "`not` needs a flag"),
                UnOp::Neg => (Type::Int, "`-` needs a number"),
            };
            if t != want {
                return Err(type_error(
                    operand.at,
                    format!("{name}, found {t}"),
                    type_hint(want),
                ));
            }
            (Expr::Unary(*op, Box::new(e)), want)
        }
        Ast::Binary(op, op_at, a, b) => {
            // A bare enumeration value takes its type from the other side.
            let ((lhs, lt), (rhs, rt)) = if is_bare_value(a, scope) {
                let right = check(b, scope)?;
                (check_as(a, scope, right.1)?, right)
            } else {
                let left = check(a, scope)?;
                let right = check_as(b, scope, left.1)?;
                (left, right)
            };
            let (want, result) = match op {
                BinOp::And | BinOp::Or => (Some(Type::Bool), Type::Bool),
                BinOp::Eq | BinOp::Ne => (None, Type::Bool),
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => (Some(Type::Int), Type::Bool),
                _ => (Some(Type::Int), Type::Int),
            };
            match want {
                Some(t) if lt != t => {
                    return Err(type_error(
                        a.at,
                        format!("`{}` needs {t} on its left, found {lt}", op.symbol()),
                        type_hint(t),
                    ));
                }
                Some(t) if rt != t => {
                    return Err(type_error(
                        b.at,
                        format!("`{}` needs {t} on its right, found {rt}", op.symbol()),
                        type_hint(t),
                    ));
                }
                None if lt != rt => {
                    return Err(type_error(
                        *op_at,
                        format!("cannot compare {lt} with {rt}"),
                        "compare numbers with numbers and flags with flags",
                    ));
                }
                _ => {}
            }
            if *op == BinOp::Div && rhs.constant() == Some(0) {
                return Err(
                    ExprError::of(ErrorKind::DivisionByZero, b.at, "division by zero")
                        .hint("the divisor is always 0 here; divide by something else"),
                );
            }
            (Expr::Binary(*op, Box::new(lhs), Box::new(rhs)), result)
        }
    })
}

/// The error for a name that is not a declared variable, with a suggestion if one is close.
pub(crate) fn unknown_variable(scope: &dyn Scope, name: &str, at: usize) -> ExprError {
    let err = ExprError::of(
        ErrorKind::UnknownVariable,
        at,
        format!("unknown variable `{name}`"),
    );
    match closest(name, scope.var_names()) {
        Some(best) => err.hint(format!("did you mean `{best}`?")),
        None => err.hint("declare it in `variables: [...]` of the header or a chapter"),
    }
}

/// The candidate nearest to `word` by edit distance, if it is plausibly a typo of it.
#[must_use]
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 4).clamp(1, 4);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: like Levenshtein, with a swap of two neighbouring
/// letters counting as one edit (the commonest typo).
#[allow(clippy::many_single_char_names)] // the textbook names for this algorithm
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// Parses a condition (must be a flag-valued expression): the syntax first, then the
/// names and types.
///
/// # Errors
/// Syntax errors, unknown variables and type mismatches, with their offset and kind.
pub fn parse_condition(src: &str, scope: &dyn Scope) -> Result<Expr, ExprError> {
    let mut p = Parser::new(src)?;
    if *p.peek() == Tok::End {
        return Err(ExprError::new(0, "empty condition"));
    }
    let node = p.expr()?;
    p.expect_end()?;
    let (e, t) = check(&node, scope)?;
    if t != Type::Bool {
        return Err(type_error(
            node.at,
            format!("a condition must be true or false, found {t}"),
            "compare it, e.g. `devotion >= 60`",
        ));
    }
    Ok(e)
}

/// An effect as written: `[if COND:] NAME (=|+=|-=) EXPR`, before checking.
struct EffectSyntax {
    guard: Option<Node>,
    target: String,
    target_at: usize,
    op: AssignOp,
    op_at: usize,
    value: Node,
}

fn effect_syntax(src: &str) -> Result<EffectSyntax, ExprError> {
    let mut p = Parser::new(src)?;
    let guard = if p.is_word("if") {
        p.bump();
        let g = p.expr()?;
        if *p.peek() != Tok::Colon {
            return Err(ExprError::new(
                p.offset(),
                format!(
                    "expected `:` after the condition, found {}",
                    Parser::describe(p.peek())
                ),
            )
            .hint("write `if CONDITION: name += 1`"));
        }
        p.bump();
        Some(g)
    } else {
        None
    };
    let (tok, target_at) = p.bump();
    let Tok::Ident(target) = tok else {
        return Err(ExprError::new(
            target_at,
            format!(
                "expected a variable to change, found {}",
                Parser::describe(&tok)
            ),
        )
        .hint("effects look like `devotion += 10` or `lie = true`"));
    };
    let (op_tok, op_at) = p.bump();
    let op = match op_tok {
        Tok::Op("=") => AssignOp::Set,
        Tok::Op("+=") => AssignOp::Add,
        Tok::Op("-=") => AssignOp::Sub,
        Tok::Op("==") => {
            return Err(ExprError::new(op_at, "`==` compares; an effect assigns")
                .hint("write `=` to set a value"));
        }
        other => {
            return Err(ExprError::new(
                op_at,
                format!(
                    "expected `=`, `+=` or `-=`, found {}",
                    Parser::describe(&other)
                ),
            )
            .hint("effects look like `devotion += 10` or `lie = true`"));
        }
    };
    let value = p.expr()?;
    p.expect_end()?;
    Ok(EffectSyntax {
        guard,
        target,
        target_at,
        op,
        op_at,
        value,
    })
}

/// A name that is neither a variable nor a named condition: perhaps an enumeration's
/// value, depending on what it is compared with or assigned to.
fn is_bare_value(node: &Node, scope: &dyn Scope) -> bool {
    matches!(&node.ast, Ast::Name(n) if scope.var_type(n).is_none() && scope.named_condition(n).is_none())
}

/// Checks `node`, reading a bare name as a value of `expected` when that is an
/// enumeration (`aria == un_bel_di`, `aria = vissi_darte`).
fn check_as(node: &Node, scope: &dyn Scope, expected: Type) -> Result<(Expr, Type), ExprError> {
    let (Type::Enum(id), Ast::Name(name)) = (expected, &node.ast) else {
        return check(node, scope);
    };
    if !is_bare_value(node, scope) {
        return check(node, scope);
    }
    let values = scope.enum_values(id);
    match values.iter().position(|v| v == name) {
        Some(i) => Ok((Expr::Int(i64::try_from(i).unwrap_or(i64::MAX)), expected)),
        None => {
            let err = ExprError::of(
                ErrorKind::Type,
                node.at,
                format!("`{name}` is not one of this enumeration's values"),
            );
            Err(match closest(name, values.iter().copied()) {
                Some(best) => err.hint(format!("did you mean `{best}`?")),
                None => err.hint(format!("its values are: {}", values.join(", "))),
            })
        }
    }
}

/// Parses an effect: `[if COND:] NAME (=|+=|-=) EXPR`; the syntax first, then the
/// names and types.
///
/// # Errors
/// Syntax errors, unknown variables and type mismatches, with their offset and kind.
pub fn parse_effect(src: &str, scope: &dyn Scope) -> Result<Effect, ExprError> {
    let EffectSyntax {
        guard,
        target,
        target_at,
        op,
        op_at,
        value,
    } = effect_syntax(src)?;
    let guard = match guard {
        Some(g) => {
            let (e, t) = check(&g, scope)?;
            if t != Type::Bool {
                return Err(type_error(
                    g.at,
                    format!("`if` needs a condition, found {t}"),
                    type_hint(Type::Bool),
                ));
            }
            Some(e)
        }
        None => None,
    };
    let Some(target_type) = scope.var_type(&target) else {
        return Err(unknown_variable(scope, &target, target_at));
    };
    if op != AssignOp::Set && matches!(target_type, Type::Enum(_)) {
        return Err(type_error(
            op_at,
            format!("`{target}` is an enumeration: it cannot be added to"),
            format!("set it to one of its values: `{target} = ...`"),
        ));
    }
    if op != AssignOp::Set && target_type == Type::Bool {
        return Err(type_error(
            op_at,
            format!("`{target}` is a flag: it cannot be added to"),
            format!("write `{target} = true` or `{target} = false`"),
        ));
    }
    let (v, vt) = check_as(&value, scope, target_type)?;
    if vt != target_type {
        let hint = match target_type {
            Type::Int => format!("give it a number, e.g. `{target} = 10`"),
            Type::Bool => format!("give it `true`, `false` or a condition, e.g. `{target} = true`"),
            Type::Enum(_) => format!("give it one of its values, e.g. `{target} = ...`"),
        };
        return Err(type_error(
            value.at,
            format!("`{target}` is {target_type} but this value is {vt}"),
            hint,
        ));
    }
    Ok(Effect {
        guard,
        target: target.into(),
        op,
        value: v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct S;
    impl Scope for S {
        fn var_type(&self, name: &str) -> Option<Type> {
            match name {
                "devotion" | "illusion" => Some(Type::Int),
                "lie" | "hawk" => Some(Type::Bool),
                _ => None,
            }
        }
        fn scene_exists(&self, id: &str) -> bool {
            id == "parlor"
        }
        fn var_names(&self) -> Vec<&str> {
            vec!["devotion", "illusion", "lie", "hawk"]
        }
    }
    struct E(HashMap<&'static str, i64>);
    impl Env for E {
        fn var(&self, name: &str) -> i64 {
            self.0.get(name).copied().unwrap_or(0)
        }
        fn visits(&self, scene: &str) -> i64 {
            i64::from(scene == "parlor") * 2
        }
    }
    fn env() -> E {
        E(HashMap::from([
            ("devotion", 65),
            ("illusion", 40),
            ("lie", 0),
            ("hawk", 1),
        ]))
    }

    /// Issue 17: one rule for every operator. Division by zero gave 0 and `MIN / -1`
    /// gave 0 while every other overflow saturated; `-9223372036854775808` was refused.
    #[test]
    fn issue_17_arithmetic_saturates_the_same_way_for_every_operator() {
        let e = env();
        let v = |s: &str| {
            let mut zero = false;
            let n = parse_effect(&format!("devotion = {s}"), &S)
                .unwrap_or_else(|err| panic!("`{s}` does not parse: {err:?}"))
                .value
                .eval_traced(&e, &mut zero);
            (n, zero)
        };
        let (min, max) = (i64::MIN, i64::MAX);
        assert_eq!(v("-9223372036854775808"), (min, false));
        assert_eq!(v("-9223372036854775808 / -1"), (max, false));
        assert_eq!(v("-(-9223372036854775808)"), (max, false));
        assert_eq!(v("9223372036854775807 + 1"), (max, false));
        assert_eq!(v("-9223372036854775807 - 2"), (min, false));
        assert_eq!(v("9223372036854775807 * -2"), (min, false));
        assert_eq!(v("devotion / (illusion - 40)"), (max, true), "65 / 0");
        assert_eq!(v("-devotion / (illusion - 40)"), (min, true));
        assert_eq!(v("(illusion - 40) / (illusion - 40)"), (0, true), "0 / 0");
        assert_eq!(v("7 / -2"), (-3, false), "rounds toward zero");
        assert!(parse_effect("devotion = 9223372036854775808", &S).is_err());
        // A divisor that is zero in the source is refused, however it is written.
        for src in [
            "devotion / 0",
            "devotion / (2 - 2)",
            "1 / (-0)",
            "devotion / (3 * 0 + 0)",
        ] {
            let err = parse_effect(&format!("devotion = {src}"), &S).unwrap_err();
            assert!(err.message.contains("division by zero"), "{src}: {err:?}");
            assert_eq!(err.kind, ErrorKind::DivisionByZero, "its own kind: E0205");
        }
        assert!(parse_condition("devotion / (illusion - illusion) > 1", &S).is_ok());
    }

    #[test]
    fn conditions_evaluate_with_precedence() {
        let e = env();
        let t = |s: &str| parse_condition(s, &S).unwrap().holds(&e);
        assert!(t("devotion >= 60 and not lie"));
        assert!(!t("devotion >= 70 or lie"));
        assert!(t("hawk or lie and false"), "and binds tighter than or");
        assert!(t("devotion - 5 * 2 == 55"));
        assert!(t("(devotion + illusion) / 2 > 50"));
        assert!(t("visits(parlor) == 2"));
        assert!(t("-devotion < 0"));
        assert!(
            t("devotion / (illusion - illusion) > 1000"),
            "division by zero saturates, not a crash"
        );
    }

    #[test]
    fn errors_point_at_their_column() {
        let err = parse_condition("devotion >= 60 and not lei", &S).unwrap_err();
        assert_eq!(err.offset, 23);
        assert_eq!(err.message, "unknown variable `lei`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `lie`?"));

        let err = parse_condition("devotion >= lie", &S).unwrap_err();
        assert_eq!(err.offset, 12);
        assert!(
            err.message.contains("needs a number on its right"),
            "{}",
            err.message
        );

        let err = parse_condition("devotion", &S).unwrap_err();
        assert!(err.message.contains("must be true or false"));

        let err = parse_condition("devotion = 3", &S).unwrap_err();
        assert_eq!(err.offset, 9);
        assert_eq!(err.hint.as_deref(), Some("to compare, write `==`"));

        let err = parse_condition("devotion => 30", &S).unwrap_err();
        assert_eq!(err.offset, 9);
        assert_eq!(err.hint.as_deref(), Some("to compare, write `>=`"));
        let err = parse_condition("devotion =< 30", &S).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("to compare, write `<=`"));

        let err = parse_condition("(devotion > 3", &S).unwrap_err();
        assert_eq!(err.offset, 13);

        assert!(parse_condition("visits(nowhere) > 0", &S).is_err());
        assert!(parse_condition("", &S).is_err());
        assert!(
            parse_condition("a && b", &S)
                .unwrap_err()
                .hint
                .unwrap()
                .contains("and")
        );
        assert!(parse_condition("devotion == lie", &S).is_err());
    }

    #[test]
    fn effects_parse_with_guards() {
        let e = parse_effect("if devotion > 3: illusion -= 10", &S).unwrap();
        assert_eq!(e.target.as_ref(), "illusion");
        assert_eq!(e.op, AssignOp::Sub);
        assert!(e.guard.is_some());
        let e = parse_effect("lie = devotion < 50", &S).unwrap();
        assert_eq!(e.op, AssignOp::Set);
        assert!(parse_effect("lie += 1", &S).is_err());
        assert!(parse_effect("devotion = true", &S).is_err());
        assert!(parse_effect("devotion == 3", &S).is_err());
        assert!(
            parse_effect("devotoin += 3", &S)
                .unwrap_err()
                .hint
                .unwrap()
                .contains("devotion")
        );
        assert!(parse_effect("+= 3", &S).is_err());
    }

    #[test]
    fn errors_have_a_kind_wherever_they_are() {
        let kind = |r: Result<Expr, ExprError>| r.unwrap_err().kind;
        assert_eq!(kind(parse_condition("lei", &S)), ErrorKind::UnknownVariable);
        assert_eq!(
            kind(parse_condition("visits(attic) > 0", &S)),
            ErrorKind::UnknownScene
        );
        assert_eq!(kind(parse_condition("devotion", &S)), ErrorKind::Type);
        assert_eq!(kind(parse_condition("devotion >", &S)), ErrorKind::Syntax);
        let kind = |r: Result<Effect, ExprError>| r.unwrap_err().kind;
        assert_eq!(
            kind(parse_effect("lei = true", &S)),
            ErrorKind::UnknownVariable
        );
        assert_eq!(kind(parse_effect("lie += 1", &S)), ErrorKind::Type);
        assert_eq!(kind(parse_effect("lie == true", &S)), ErrorKind::Syntax);
        assert_eq!(
            kind(parse_effect("if devotion: lie = true", &S)),
            ErrorKind::Type
        );
    }

    #[test]
    fn syntax_is_checked_before_names_and_types() {
        // The unknown name and the type mismatch come first in the text; the syntax
        // error is still the one reported, because the parse comes before the check.
        let err = parse_condition("lei == devotion and (hawk", &S).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Syntax);
        assert_eq!(err.offset, 25);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let src = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
        let err = parse_condition(&src, &S).unwrap_err();
        assert!(err.message.contains("nested"));
        let src = format!("{}true", "not ".repeat(10_000));
        assert!(parse_condition(&src, &S).is_err());
    }
}
