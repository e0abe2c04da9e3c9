//! Evidence files of a unit report: photos and PDFs, their type read from their content, their
//! size and number bounded; kept in the database, so in its backups too.

use kehoach_domain::report::{self, Step};
use kehoach_store::{Actor, FileInfo, NewFile};
use sha2::{Digest, Sha256};

use crate::App;
use crate::error::{AppError, Msg, NotFound};
use crate::reporting::{self, ReportContext, StepError};

/// The largest file: a phone photo is 2–5 MB.
pub const MAX_FILE: usize = 10 * 1024 * 1024;
/// The most files a report keeps.
pub const MAX_FILES: u64 = 10;
/// The largest upload body: one file and the form around it.
pub const MAX_UPLOAD: usize = MAX_FILE + 64 * 1024;

/// The type of a file, from its first bytes: JPEG, PNG, WebP, HEIC (iPhones) or PDF.
pub fn detect(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some("application/pdf"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [_, _, _, _, b'f', b't', b'y', b'p', brand @ ..]
            if brand.starts_with(b"heic") || brand.starts_with(b"heix") || brand.starts_with(b"mif1") =>
        {
            Some("image/heic")
        }
        _ => None,
    }
}

/// A name safe to keep and to send back: no directories, NFC, no control or direction
/// characters (a right-to-left override would make `gpj.exe` read as `exe.jpg`), at most 120
/// characters.
pub fn clean_name(name: &str) -> String {
    let cleaned = kehoach_domain::text::file_name(name);
    if cleaned.is_empty() { "tep".into() } else { cleaned }
}

/// A file that may be kept: its type read from its content, its size and the owner's count of
/// files bounded. Gives its type and SHA-256.
pub fn checked(bytes: &[u8], files_already: u64) -> Result<(&'static str, String), AppError> {
    if bytes.len() > MAX_FILE {
        return Err(AppError::invalid("file-too-large"));
    }
    let mime = detect(bytes).ok_or_else(|| AppError::invalid("file-bad-type"))?;
    if files_already >= MAX_FILES {
        return Err(AppError::Invalid(Msg::new("file-too-many").with("max", MAX_FILES)));
    }
    Ok((mime, hex::encode(Sha256::digest(bytes))))
}

/// Keeps a file with the unit's report, creating its draft if there is none yet. Refused when
/// the report cannot be changed now, saying why.
pub async fn attach(
    state: &App,
    ctx: &ReportContext,
    name: &str,
    bytes: &[u8],
    actor: Actor<'_>,
) -> Result<FileInfo, AppError> {
    // Type and size first: a wrong file must not create a draft.
    checked(bytes, 0)?;
    let period = ctx.period.id.to_string();
    let stored = match state.store.report(&ctx.plan.id, &period, &ctx.unit.code).await? {
        Some(r) => r,
        None => {
            match reporting::apply(state, ctx, Step::Save, 0, None, actor).await {
                Ok(_) | Err(StepError::Conflict(_)) => {}
                Err(StepError::Refused(refusal)) => return Err(AppError::conflict(reporting::refusal_key(refusal))),
                Err(StepError::App(e)) => return Err(e),
            }
            state
                .store
                .report(&ctx.plan.id, &period, &ctx.unit.code)
                .await?
                .ok_or_else(|| AppError::Internal("draft vanished".into()))?
        }
    };
    if let Some(refusal) =
        report::lock_reason(stored.state, state.clock.now(), ctx.period.deadline, ctx.plan.reporting.late_submission)
    {
        return Err(AppError::conflict(reporting::refusal_key(refusal)));
    }
    let (mime, sha) = checked(bytes, state.store.report_file_count(stored.id).await?)?;
    let key = format!("{}/{period}/{}", ctx.plan.id, ctx.unit.code);
    let file = NewFile { name, mime, sha256: &sha, data: bytes, now: state.clock.now() };
    Ok(state.store.add_report_file(stored.id, &file, &key, actor).await?)
}

/// Removes a file, when the report can still be changed.
pub async fn detach(state: &App, ctx: &ReportContext, file_id: i32, actor: Actor<'_>) -> Result<(), AppError> {
    let period = ctx.period.id.to_string();
    let stored =
        state.store.report(&ctx.plan.id, &period, &ctx.unit.code).await?.ok_or(AppError::NotFound(NotFound::Page))?;
    if let Some(refusal) =
        report::lock_reason(stored.state, state.clock.now(), ctx.period.deadline, ctx.plan.reporting.late_submission)
    {
        return Err(AppError::conflict(reporting::refusal_key(refusal)));
    }
    let key = format!("{}/{period}/{}", ctx.plan.id, ctx.unit.code);
    if state.store.remove_report_file(stored.id, file_id, &key, actor).await? {
        Ok(())
    } else {
        Err(AppError::NotFound(NotFound::Page))
    }
}

/// The files of the unit's report (none before its first save).
pub async fn list(state: &App, ctx: &ReportContext) -> Result<Vec<FileInfo>, AppError> {
    match state.store.report(&ctx.plan.id, &ctx.period.id.to_string(), &ctx.unit.code).await? {
        Some(r) => Ok(state.store.report_files(r.id).await?),
        None => Ok(Vec::new()),
    }
}

/// A file's content with its description.
pub async fn fetch(state: &App, ctx: &ReportContext, file_id: i32) -> Result<(FileInfo, Vec<u8>), AppError> {
    let r = state
        .store
        .report(&ctx.plan.id, &ctx.period.id.to_string(), &ctx.unit.code)
        .await?
        .ok_or(AppError::NotFound(NotFound::Page))?;
    state.store.report_file(r.id, file_id).await?.ok_or(AppError::NotFound(NotFound::Page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(detect(b"PNG"), None, "a name is not a content");
        assert_eq!(detect(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some("image/png"));
        assert_eq!(detect(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(detect(b"\0\0\0\x18ftypheic"), Some("image/heic"));
        assert_eq!(detect(b"MZ\x90\0"), None, "no programs");
        assert_eq!(detect(b"<html>"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn names_lose_their_directories() {
        assert_eq!(clean_name("C:\\Users\\x\\ảnh họp bản.jpg"), "ảnh họp bản.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\nc.pdf"), "abc.pdf");
        assert_eq!(clean_name(""), "tep");
    }
}
