//! The web layer's integration tests, in one binary: linking each file as a binary of its own
//! took most of the test build's time. Storage and HTTP tests run on SQLite and PostgreSQL.

mod common;
mod live;

mod access;
mod admin_scope;
mod bounded;
mod concurrency;
mod documents;
mod exports_safe;
mod forms;
mod handoff;
mod http;
mod initiatives;
mod input;
mod leaders;
mod live_numbers;
mod nation;
mod nation_scale;
mod openapi;
mod parity;
mod province;
mod province_docs;
mod records;
mod registers;
mod reporting;
mod sign_in_race;
mod tables;
mod vietnamese;
