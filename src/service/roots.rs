//! What `symbi up` serves: its paths and its `--exclude` patterns, kept together because a
//! reload and `--watch` walk them again exactly as the start did (the walker of `symbi check`,
//! with `.symbiignore` files and the same patterns).

use crate::syntax::walk::{self, Excludes, Problem};
use std::path::PathBuf;

/// The paths given to `symbi up` and the patterns left out inside its folders.
#[derive(Clone, Debug, Default)]
pub struct Roots {
    /// Agent files and folders.
    pub paths: Vec<PathBuf>,
    /// `--exclude` patterns (`.symbiignore` files apply on top).
    pub excludes: Excludes,
}

impl Roots {
    /// The files to serve, in order, with a problem in place of each path that cannot be used.
    pub fn walk(&self) -> Vec<Result<PathBuf, Problem>> {
        walk::files(&self.paths, &self.excludes)
    }
}
