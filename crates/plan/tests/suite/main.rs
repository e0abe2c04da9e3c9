//! The plan crate's integration tests, in one binary: each file linked as a binary of its own
//! made the test build link (and wait for) one more executable per file; as modules of one
//! binary they link once. The fixtures stay in `tests/fixtures/`.

mod check;
mod seed;
