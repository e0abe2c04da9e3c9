//! How values are shown to people, the same on pages, in documents and in tables: interface
//! texts, labels, dates in the plan's time zone, numbers with the decimal comma.

mod labels;
mod numbers;
mod source;
mod time;
pub(crate) mod words;

pub use chrono_tz::Tz;
pub use labels::{
    ProgressCell, cell, change_line, day, next_period_in_document, period_in_document, period_label, standing_label,
    status_label, task_status_label, timeliness,
};
pub use numbers::{day_in_words, number, number_text, percent};
pub use source::source_label;
pub use time::{local_day, local_time, plan_zone, today};
pub use words::Tr;
