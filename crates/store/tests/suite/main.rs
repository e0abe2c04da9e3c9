//! The store's integration tests, in one binary: each file linked as a binary of its own made
//! the test build link one more executable per file; as modules of one binary they link once.
//! Storage tests run on SQLite and PostgreSQL (`on_both_databases!`).

mod common;

mod accounts;
mod backup;
mod document_numbers;
mod initiatives;
mod plans;
mod reports;
mod throttle;
