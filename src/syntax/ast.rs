//! The typed syntax tree. Every node carries the byte span of the text it came from.
//!
//! Lowering (`lower.rs`) builds it from pest pairs; the checker, the interpreter, the
//! formatter and the language server read it. Nodes compare with their spans, so tests that
//! need "same meaning" compare the s-expression form (`sexpr.rs`), which leaves spans out.

use crate::diag::Span;
use crate::security::{Profile, Tier};

/// A name as written, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A whole source file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct File {
    /// Items in source order.
    pub items: Vec<Item>,
    /// The whole text.
    pub span: Span,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `agent Name { ... }`
    Agent(Agent),
    /// `fn name(...) { ... }` outside any agent.
    Function(Function),
    /// `extern fn ...` (the standard library's declarations).
    Extern(ExternFn),
    /// `extern record Name { field: Type, ... }` (the standard library's records).
    Record(RecordDecl),
}

/// `agent Name { blocks, triggers, functions }`
#[derive(Clone, Debug, PartialEq)]
pub struct Agent {
    /// The agent's name.
    pub name: Ident,
    /// Every `metadata` block (the language allows one; the checker reports repeats).
    pub metadata: Vec<MetadataBlock>,
    /// Every `security` block.
    pub security: Vec<SecurityBlock>,
    /// Every `resources` block.
    pub resources: Vec<ResourcesBlock>,
    /// Trigger handlers in source order.
    pub triggers: Vec<Trigger>,
    /// Agent-level functions in source order.
    pub functions: Vec<Function>,
    /// `agent` through the closing brace.
    pub span: Span,
}

impl Agent {
    /// The first `security` block, which is the one that counts.
    pub fn security(&self) -> Option<&SecurityBlock> {
        self.security.first()
    }

    /// The first `resources` block.
    pub fn resources(&self) -> Option<&ResourcesBlock> {
        self.resources.first()
    }

    /// The first `metadata` block.
    pub fn metadata(&self) -> Option<&MetadataBlock> {
        self.metadata.first()
    }
}

/// `key: value` (or `key = value`) inside `metadata`, `security` or `resources`.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: Ident,
    /// The value, as an expression (a bare word such as `None` is an [`ExprKind::Var`]).
    pub value: Expr,
    /// Key through value.
    pub span: Span,
}

/// A typed setting of a block, with what was written and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting<T> {
    /// The value when it is well-formed and known; `None` when the text is not a valid
    /// value (the checker reports it, with did-you-mean, from `raw`).
    pub value: Option<T>,
    /// The word or literal text as written, without quotes.
    pub raw: String,
    /// Where the value is written.
    pub span: Span,
}

/// A string written as a literal, with its span (capabilities, executables, tags).
#[derive(Clone, Debug, PartialEq)]
pub struct StrValue {
    /// The string's value.
    pub value: String,
    /// Where the literal is written, quotes included.
    pub span: Span,
}

/// `metadata { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct MetadataBlock {
    /// Every entry in order, known keys and extra keys alike.
    pub entries: Vec<Entry>,
    /// The keyword `metadata` through the closing brace.
    pub span: Span,
}

/// `security { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityBlock {
    /// `tier:` as written (first occurrence).
    pub tier: Option<Setting<Tier>>,
    /// `sandbox:` as written (first occurrence).
    pub sandbox: Option<Setting<Profile>>,
    /// `capabilities: [...]` when it is a list of string literals (first occurrence).
    pub capabilities: Option<Vec<StrValue>>,
    /// `allowed_executables: [...]` when it is a list of string literals.
    pub allowed_executables: Option<Vec<StrValue>>,
    /// Every entry in order, including unknown keys and repeats.
    pub entries: Vec<Entry>,
    /// The keyword `security` through the closing brace.
    pub span: Span,
}

/// `resources { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct ResourcesBlock {
    /// `max_memory_mb` when an integer literal.
    pub max_memory_mb: Option<Setting<i64>>,
    /// `max_cpu_seconds` when an integer literal.
    pub max_cpu_seconds: Option<Setting<i64>>,
    /// `max_cpu_cores` when a number literal.
    pub max_cpu_cores: Option<Setting<f64>>,
    /// `timeout` when a duration literal, in milliseconds.
    pub timeout_ms: Option<Setting<u64>>,
    /// `max_output_bytes` when an integer literal.
    pub max_output_bytes: Option<Setting<i64>>,
    /// Every entry in order.
    pub entries: Vec<Entry>,
    /// The keyword `resources` through the closing brace.
    pub span: Span,
}

/// `on trigger "name" (binding)? { body }`, or a schedule or webhook header in its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    /// The trigger's name, from the string literal: for a schedule without `as "name"`, its
    /// cron expression.
    pub name: StrValue,
    /// What fires it besides `symbi run --trigger` and `emit`.
    pub source: TriggerSource,
    /// The payload's name inside the body: the binding if written, else `input`.
    pub binding: Option<Ident>,
    /// The handler.
    pub body: Block,
    /// `on` through the closing brace.
    pub span: Span,
}

/// What fires a trigger.
#[derive(Clone, Debug, PartialEq)]
pub enum TriggerSource {
    /// `on trigger "name"`: a run, an API call or `emit`.
    Manual,
    /// `on schedule "CRON" (as "name")?`: the service, at the expression's fire times (UTC).
    Schedule {
        /// The cron expression literal.
        cron: StrValue,
    },
    /// `on webhook "name" secret "ENV_VAR"`: a signed HTTP request to the service.
    Webhook {
        /// The literal naming the environment variable that holds the signing secret
        /// (`None` when missing, which the checker reports).
        secret: Option<StrValue>,
    },
}

impl Trigger {
    /// `trigger`, `schedule` or `webhook`: the trigger's kind, as the API names it.
    pub fn kind(&self) -> &'static str {
        match self.source {
            TriggerSource::Manual => "trigger",
            TriggerSource::Schedule { .. } => "schedule",
            TriggerSource::Webhook { .. } => "webhook",
        }
    }

    /// The cron expression of a schedule.
    pub fn cron(&self) -> Option<&StrValue> {
        match &self.source {
            TriggerSource::Schedule { cron } => Some(cron),
            _ => None,
        }
    }

    /// The secret's environment variable of a webhook.
    pub fn webhook_secret(&self) -> Option<&StrValue> {
        match &self.source {
            TriggerSource::Webhook { secret } => secret.as_ref(),
            _ => None,
        }
    }
}

/// A function parameter `name: Type = default`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The parameter's name.
    pub name: Ident,
    /// Its type (required on `fn`).
    pub ty: TypeExpr,
    /// Its default value, which makes it optional.
    pub default: Option<Expr>,
    /// Name through default.
    pub span: Span,
}

/// `fn name(params) -> Type { body }`
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// The function's name.
    pub name: Ident,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// The declared return type.
    pub ret: Option<TypeExpr>,
    /// The body.
    pub body: Block,
    /// The `///` lines directly above, joined with newlines, without the slashes.
    pub doc: Option<String>,
    /// `fn` through the closing brace.
    pub span: Span,
}

/// `extern fn Receiver.name(params) -> Type requires ["cap", ...]`
#[derive(Clone, Debug, PartialEq)]
pub struct ExternFn {
    /// For methods, the receiver type (`String` in `extern fn String.trim() -> String`).
    pub receiver: Option<Ident>,
    /// The builtin's name.
    pub name: Ident,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// The return type (`Null` when omitted).
    pub ret: Option<TypeExpr>,
    /// Capabilities a call needs.
    pub requires: Vec<StrValue>,
    /// The `///` lines directly above.
    pub doc: Option<String>,
    /// `extern` through the end of the declaration.
    pub span: Span,
}

/// `extern record Name { field: Type, ... }` with `///` docs on fields.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordDecl {
    /// The record's name.
    pub name: Ident,
    /// Fields in order.
    pub fields: Vec<RecordField>,
    /// The `///` lines directly above.
    pub doc: Option<String>,
    /// `extern` through the closing brace.
    pub span: Span,
}

/// One field of a record declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordField {
    /// The field's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// The `///` lines directly above.
    pub doc: Option<String>,
    /// Name through type.
    pub span: Span,
}

/// A type as written: `String`, `List<Int>`, `Map<String>?`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    /// The type's name (`String`, `List`, ...); unknown names are the checker's business.
    pub name: Ident,
    /// Type arguments (`List<T>`, `Map<T>`).
    pub args: Vec<TypeExpr>,
    /// A trailing `?`.
    pub nullable: bool,
    /// The whole type.
    pub span: Span,
}

/// `{ statements }`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Statements in order.
    pub stmts: Vec<Stmt>,
    /// Opening through closing brace.
    pub span: Span,
}

/// A statement with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What kind of statement.
    pub kind: StmtKind,
    /// The whole statement (without a trailing `;`).
    pub span: Span,
}

/// `=` or `+=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `+=`
    Add,
}

/// The statements of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `let name (: Type)? = value`
    Let {
        /// The new variable.
        name: Ident,
        /// The annotation, if any.
        ty: Option<TypeExpr>,
        /// The initial value.
        value: Expr,
    },
    /// `target = value` / `target += value`; the target is a variable, field or index.
    Assign {
        /// Where the value goes.
        target: Expr,
        /// `=` or `+=`.
        op: AssignOp,
        /// The value.
        value: Expr,
    },
    /// `if c { } else if c { } else { }`
    If {
        /// Each condition with its block, in order.
        branches: Vec<(Expr, Block)>,
        /// The final `else`.
        otherwise: Option<Block>,
    },
    /// `for item in iter { }` or `for key, value in map { }`
    For {
        /// With two names, the first (the map key).
        key: Option<Ident>,
        /// The item (or the map value).
        item: Ident,
        /// What is iterated.
        iter: Expr,
        /// The body.
        body: Block,
    },
    /// `while cond { }`
    While {
        /// The condition.
        cond: Expr,
        /// The body.
        body: Block,
    },
    /// `return expr?`
    Return(Option<Expr>),
    /// `try { } catch err { }`
    Try {
        /// The guarded block.
        body: Block,
        /// The name the error is bound to.
        err: Ident,
        /// The handler.
        handler: Block,
    },
    /// An expression evaluated for its effect.
    Expr(Expr),
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// The whole expression.
    pub span: Span,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

/// Binary operators, grouped by precedence in the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `||`
    Or,
    /// `&&`
    And,
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
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

impl BinaryOp {
    /// The precedence level, lowest (`||`) first; higher binds tighter. Every binary
    /// operator is left-associative. The parser and the formatter both read this.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::Ne => 3,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 6,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}

/// A piece of a string literal.
#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    /// Literal text, escapes already decoded.
    Text(String),
    /// `${expr}`
    Interp(Expr),
}

/// A call argument, positional or named (`f(a, name: b)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The name, for a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
    /// Name through value.
    pub span: Span,
}

/// A key of a map literal: an identifier or a quoted string.
#[derive(Clone, Debug, PartialEq)]
pub struct MapKey {
    /// The key's text.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// The expressions of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string: plain, interpolated, or raw (`"""`, a single text part).
    Str(Vec<StrPart>),
    /// A duration literal, in milliseconds.
    Duration(u64),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{ key: value }`
    Map(Vec<(MapKey, Expr)>),
    /// A variable (or, in a settings block, a bare word such as `None`).
    Var(Ident),
    /// `!x`, `-x`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a op b`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `name(args)`: a builtin or a user function.
    Call {
        /// The function's name.
        callee: Ident,
        /// The arguments.
        args: Vec<Arg>,
    },
    /// `receiver.method(args)`
    Method {
        /// The value the method is called on.
        receiver: Box<Expr>,
        /// The method's name.
        method: Ident,
        /// The arguments.
        args: Vec<Arg>,
    },
    /// `target.field`
    Field {
        /// The record or map.
        target: Box<Expr>,
        /// The field's name.
        field: Ident,
    },
    /// `target[index]`
    Index {
        /// The list or map.
        target: Box<Expr>,
        /// The index or key.
        index: Box<Expr>,
    },
}

impl Expr {
    /// The string's value when this is a string literal without interpolation.
    pub fn as_plain_str(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Str(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        StrPart::Text(t) => out.push_str(t),
                        StrPart::Interp(_) => return None,
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }
}

impl File {
    /// The agents of the file, in order.
    pub fn agents(&self) -> impl Iterator<Item = &Agent> {
        self.items.iter().filter_map(|i| match i {
            Item::Agent(a) => Some(a),
            _ => None,
        })
    }

    /// The top-level functions of the file, in order.
    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        self.items.iter().filter_map(|i| match i {
            Item::Function(f) => Some(f),
            _ => None,
        })
    }
}
