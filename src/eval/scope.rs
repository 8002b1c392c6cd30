//! Variables: a stack of block scopes for one function or trigger body.
//!
//! There are no closures and no globals, so a call starts a fresh [`Scope`] holding only its
//! parameters; blocks push and pop frames inside it.

use super::Value;
use std::collections::HashMap;

/// The variables visible in one function or trigger body.
#[derive(Debug, Default)]
pub struct Scope {
    frames: Vec<HashMap<String, Value>>,
}

impl Scope {
    /// A scope with one (empty) frame.
    pub fn new() -> Self {
        Scope { frames: vec![HashMap::new()] }
    }

    /// Enters a block.
    pub fn push(&mut self) {
        self.frames.push(HashMap::new());
    }

    /// Leaves a block, dropping its variables. The outermost frame stays.
    pub fn pop(&mut self) {
        if self.frames.len() > 1 {
            self.frames.pop();
        }
    }

    /// How many frames are open (to restore after an error unwound blocks).
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Drops frames above `depth` (never the outermost one).
    pub fn truncate(&mut self, depth: usize) {
        self.frames.truncate(depth.max(1));
    }

    /// Declares (or shadows) a variable in the innermost block.
    pub fn define(&mut self, name: &str, value: Value) {
        if let Some(frame) = self.frames.last_mut() {
            frame.insert(name.to_string(), value);
        }
    }

    /// The variable's value, innermost first.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.frames.iter().rev().find_map(|f| f.get(name))
    }

    /// The variable, for assignment.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.frames.iter_mut().rev().find_map(|f| f.get_mut(name))
    }

    /// Every visible name, for did-you-mean.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.frames.iter().flat_map(|f| f.keys().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_blocks_shadow_and_their_variables_end_with_them() {
        let mut s = Scope::new();
        s.define("x", Value::Int(1));
        s.push();
        s.define("x", Value::Int(2));
        s.define("y", Value::Int(3));
        assert_eq!(s.get("x"), Some(&Value::Int(2)));
        s.pop();
        assert_eq!(s.get("x"), Some(&Value::Int(1)));
        assert_eq!(s.get("y"), None);
    }

    #[test]
    fn assignment_reaches_the_outer_variable() {
        let mut s = Scope::new();
        s.define("n", Value::Int(1));
        s.push();
        if let Some(v) = s.get_mut("n") {
            *v = Value::Int(5);
        }
        s.pop();
        assert_eq!(s.get("n"), Some(&Value::Int(5)));
    }
}
