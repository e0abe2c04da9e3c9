//! The binary's integration tests, in one binary: each file linked as a test binary of its own
//! (each with the whole web stack) made the test build link one more large executable per file;
//! as modules of one binary they link once. They run the built `kehoach`
//! (`CARGO_BIN_EXE_kehoach`); backups are restored into PostgreSQL too; the browser test needs
//! Chromium and chromedriver (`.ci/run` installs them).

mod common;

mod backup;
mod browser;
mod browser_approval;
mod browser_handoff;
mod browser_province;
mod cli;
mod demo_province;
mod generate;
mod kill9;
mod province;
mod two_servers;
mod users;
