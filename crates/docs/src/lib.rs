//! Official documents (.docx in the layout of Decree 30/2020/NĐ-CP) and tables (.xlsx, .csv),
//! written from domain values. No I/O: every writer gives bytes.

pub mod docx;
pub mod tables;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("docx: {0}")]
    Docx(String),
}
