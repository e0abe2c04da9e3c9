//! Official documents (.docx in the layout of Decree 30/2020/NĐ-CP) and tables (.xlsx, .csv),
//! written from domain values. No I/O: every writer gives bytes.

pub mod docx;
pub mod province_report;
pub mod tables;

/// Why a document or a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("docx: {0}")]
    Docx(String),
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("csv: {0}")]
    Io(#[from] std::io::Error),
}
