//! Integration tests: fmt.
