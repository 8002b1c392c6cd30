//! Integration tests: fmt.

mod cases;
mod cli;
mod corpus;
