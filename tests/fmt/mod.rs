//! Integration tests: fmt.

mod anywhere;
mod cases;
mod cli;
mod corpus;
