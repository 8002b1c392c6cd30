//! The key table of `config.toml`: every section and key symbi accepts, its type and its
//! default, in one place. Validation walks a parsed file against it; docs/configuration.md
//! documents it (a test keeps the two in step).

/// The type of a key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `true` / `false`.
    Bool,
    /// A non-negative integer in `min..=max`.
    Int {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// A limit: an integer of at least 1, or the string `"unlimited"`.
    Limit,
    /// CPU cores: a positive number, or the string `"unlimited"`.
    Cores,
    /// Any string.
    Str,
    /// A non-empty string naming a file or directory.
    Path,
    /// A path; a relative one in a file is relative to that file's folder.
    FilePath,
    /// A tier name or alias (`"None"`, `"Tier1"`, `"docker"`, ...).
    Tier,
    /// A list of non-empty strings.
    StrList,
    /// A list of absolute paths (E0515 for a relative one, E0516 for a writable one that
    /// would void the confinement of hardened calls).
    PathList,
    /// `{ Environment = { var_name = "..." } }` or `{ File = { path = "..." } }`.
    KeyProvider,
    /// A nested table with its own keys.
    Table(&'static [Key]),
}

impl Kind {
    /// How the type is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Bool => "a boolean (true or false)",
            Kind::Int { .. } => "an integer",
            Kind::Limit => "a positive integer or \"unlimited\"",
            Kind::Cores => "a positive number or \"unlimited\"",
            Kind::Str => "a string",
            Kind::Path => "a path (a string)",
            Kind::FilePath => "a path (a string; relative to the config file's folder)",
            Kind::Tier => "a tier name (a string: \"None\", \"Tier1\", \"Tier2\" or \"Tier3\")",
            Kind::StrList => "an array of strings",
            Kind::PathList => "an array of absolute paths",
            Kind::KeyProvider => "an inline table such as { Environment = { var_name = \"SYMBIONT_KEY\" } }",
            Kind::Table(_) => "a table",
        }
    }
}

/// One key of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key as written in TOML.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// False for keys that are validated but not used by symbi yet (the seed's `[api]`, ...).
    pub used: bool,
}

const fn key(name: &'static str, kind: Kind) -> Key {
    Key { name, kind, used: true }
}

const fn unused(name: &'static str, kind: Kind) -> Key {
    Key { name, kind, used: false }
}

const fn int(min: u64, max: u64) -> Kind {
    Kind::Int { min, max }
}

const ANY_INT: Kind = int(0, i64::MAX as u64);

/// `[native_execution]`, also accepted as `[security.native_execution]`.
pub const NATIVE_EXECUTION: &[Key] = &[
    key("enabled", Kind::Bool),
    key("default_executable", Kind::Str),
    key("working_directory", Kind::FilePath),
    key("enforce_resource_limits", Kind::Bool),
    key("max_memory_mb", Kind::Limit),
    key("max_cpu_seconds", Kind::Limit),
    key("max_cpu_cores", Kind::Cores),
    key("max_execution_time_seconds", int(1, 7 * 24 * 3600)),
    key("allowed_executables", Kind::StrList),
    key("allowed_env", Kind::StrList),
    key("harden", Kind::Bool),
    key("writable_paths", Kind::PathList),
    key("readable_paths", Kind::PathList),
    key("max_output_bytes", int(1, i64::MAX as u64)),
    key("max_file_size_mb", Kind::Limit),
    key("max_open_files", Kind::Limit),
    key("max_processes", Kind::Limit),
];

/// The providers of `security.key_provider` (validated, not used by symbi).
pub const KEY_PROVIDERS: &[Key] = &[
    unused("Environment", Kind::Table(&[unused("var_name", Kind::Str)])),
    unused("File", Kind::Table(&[unused("path", Kind::Path)])),
];

/// `[security]`
pub const SECURITY: &[Key] = &[
    key("allow_native_execution", Kind::Bool),
    key("default_sandbox_tier", Kind::Tier),
    key("native_execution", Kind::Table(NATIVE_EXECUTION)),
    unused("key_provider", Kind::KeyProvider),
    unused("enable_compression", Kind::Bool),
    unused("enable_backups", Kind::Bool),
    unused("enable_safety_checks", Kind::Bool),
];

/// Every section of the file (top-level keys are all sections).
pub const SECTIONS: &[Key] = &[
    key(
        "api",
        Kind::Table(&[
            key("host", Kind::Str),
            key("port", int(0, 65_535)),
            key("timeout_seconds", int(1, 24 * 3600)),
            key("max_body_size", int(1, 1 << 30)),
            key("max_concurrent_runs", int(1, 4096)),
            key("max_queued_runs", int(0, 1_000_000)),
            key("shutdown_grace_seconds", int(0, 24 * 3600)),
        ]),
    ),
    unused(
        "database",
        Kind::Table(&[
            unused("vector_backend", Kind::Str),
            unused("vector_data_path", Kind::Path),
            unused("vector_dimension", ANY_INT),
            unused("qdrant_url", Kind::Str),
            unused("qdrant_collection", Kind::Str),
        ]),
    ),
    key(
        "logging",
        Kind::Table(&[key("level", Kind::Str), key("format", Kind::Str), unused("structured", Kind::Bool)]),
    ),
    key("security", Kind::Table(SECURITY)),
    key(
        "storage",
        Kind::Table(&[
            key("audit_log", Kind::FilePath),
            key("runs_db", Kind::FilePath),
            key("keep_runs", int(1, i64::MAX as u64)),
            unused("context_path", Kind::Path),
            unused("git_clone_path", Kind::Path),
            unused("backup_path", Kind::Path),
            unused("max_context_size_mb", ANY_INT),
        ]),
    ),
    key("native_execution", Kind::Table(NATIVE_EXECUTION)),
    key(
        "docker",
        Kind::Table(&[
            key("image", Kind::Str),
            key("host", Kind::Str),
            key("user", Kind::Str),
            key("tmpfs_mb", int(1, 1 << 20)),
        ]),
    ),
    key("gvisor", Kind::Table(&[key("runtime", Kind::Str)])),
    key(
        "firecracker",
        Kind::Table(&[
            key("binary", Kind::Path),
            key("kernel", Kind::FilePath),
            key("rootfs", Kind::FilePath),
            key("vcpus", int(1, 32)),
            key("memory_mb", int(1, 1 << 20)),
        ]),
    ),
    key(
        "runtime",
        Kind::Table(&[
            key("max_loop_iterations", int(1, i64::MAX as u64)),
            key("max_call_depth", int(1, 10_000)),
            key("max_emit_depth", int(1, 1_000)),
        ]),
    ),
];

/// The keys of a section (`None` for keys that are not sections).
pub fn table_keys(kind: Kind) -> Option<&'static [Key]> {
    match kind {
        Kind::Table(keys) => Some(keys),
        _ => None,
    }
}

/// Every dotted key of the schema (`security.native_execution` counted once, as
/// `native_execution`), for docs and tests.
pub fn dotted_keys() -> Vec<String> {
    let mut out = Vec::new();
    for section in SECTIONS {
        for key in table_keys(section.kind).unwrap_or_default() {
            if section.name == "security" && key.name == "native_execution" {
                continue;
            }
            out.push(format!("{}.{}", section.name, key.name));
        }
    }
    out
}

/// The sections that hold a key of this name (for "this key belongs in `[x]`" notes).
pub fn sections_with_key(name: &str) -> Vec<&'static str> {
    SECTIONS
        .iter()
        .filter(|s| table_keys(s.kind).unwrap_or_default().iter().any(|k| k.name == name))
        .map(|s| s.name)
        .collect()
}
