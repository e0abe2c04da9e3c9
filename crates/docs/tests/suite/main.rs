//! The docs crate's integration tests, in one binary: each file linked as a binary of its own
//! made the test build link one more executable per file; as modules of one binary they link
//! once. The LibreOffice tests need `soffice` and poppler-utils (`.ci/run` installs them).

mod docx;
mod libreoffice;
mod xlsx;
mod province_report;
