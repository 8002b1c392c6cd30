//! The policy as the user meets it: `symbi check` and `symbi run` decide the same.

mod agreement;
mod embedding;
