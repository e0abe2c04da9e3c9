//! What several test files share: the seed plan file and running the built binary.

use std::path::Path;
use std::process::{Command, Output};

/// The Mường La 2026 plan file, as `plan import` reads it.
pub const SEED: &str = include_str!("../../../../../plans/muong-la-2026.toml");

/// Runs the built `kehoach` in `dir` (its SQLite file there, not `KEHOACH_DATABASE_URL`).
pub fn kehoach(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kehoach"))
        .args(args)
        .current_dir(dir)
        .env_remove("KEHOACH_DATABASE_URL")
        .env("KEHOACH_LOG", "warn")
        .output()
        .expect("run kehoach")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
