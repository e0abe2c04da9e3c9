//! Registers: a record from a form or an API body, CSV in and out in one shape, and the writes
//! with the register's own rule of who may write.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kehoach_domain::register::{self, FieldError, FieldProblem, RegisterDef, check_fields};
use kehoach_domain::rows;
use kehoach_domain::{Lang, Plan, Principal};
use kehoach_store::{
    Actor, RecordCursor, RecordFilter, RecordInput, RecordOutcome, RowError, StoreError, StoredRecord,
};

use crate::App;
use crate::error::{AppError, Msg, NotFound};
use crate::present::Tr;

/// The register with this key, or not found.
pub fn def(key: &str) -> Result<&'static RegisterDef, AppError> {
    register::register(key).ok_or(AppError::NotFound(NotFound::Page))
}

/// Whether the user may see this record.
pub fn may_read(p: &Principal, record: &StoredRecord) -> bool {
    rows::may_read_unit_row(p, &record.record.unit)
}

/// Refused unless the user may add to (or change records of) this register for this unit.
pub fn may_write(p: &Principal, def: &RegisterDef, unit: &str) -> Result<(), AppError> {
    if rows::may_write_register(p, def.writers, unit) { Ok(()) } else { Err(AppError::refused("register-forbidden")) }
}

/// The unit a new record is owned by when none is given: the user's unit, or the unit units
/// report through (the focal officer's).
pub fn default_unit(p: &Principal, plan: &Plan) -> String {
    p.unit.clone().unwrap_or_else(|| plan.reporting.report_to.code.clone())
}

/// A record from what was typed: unit, date, and fields as text, its dates near the plan's
/// `year`, the record's own date not after `today` (the plan's today: a register keeps what
/// happened, see docs/progress.md). Every problem is reported.
pub fn input(
    def: &RegisterDef,
    year: i32,
    today: NaiveDate,
    unit: &str,
    date: &str,
    fields: &BTreeMap<String, String>,
    sample: bool,
) -> Result<RecordInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    if unit.trim().is_empty() {
        errors.push(FieldError { field: "unit".into(), problem: FieldProblem::Missing });
    } else if let Err(problem) = kehoach_domain::text::line(unit) {
        errors.push(FieldError { field: "unit".into(), problem: FieldProblem::Text { problem } });
    }
    let date = match register::parse_date(date) {
        Some(d) => Some(d),
        None => {
            let problem = if date.trim().is_empty() { FieldProblem::Missing } else { FieldProblem::NotADate };
            errors.push(FieldError { field: "date".into(), problem });
            None
        }
    };
    let checked = check_fields(def, date.unwrap_or(NaiveDate::MIN), fields);
    match (date, checked) {
        (Some(date), Ok(fields)) => {
            errors.extend(register::check_dates(def, date, &fields, year));
            if date > today {
                errors.push(FieldError { field: "date".into(), problem: FieldProblem::AfterToday { today } });
            }
            if errors.is_empty() {
                Ok(RecordInput { unit: unit.trim().to_owned(), date, fields, sample })
            } else {
                Err(errors)
            }
        }
        (_, Err(mut more)) => {
            errors.append(&mut more);
            Err(errors)
        }
        _ => Err(errors),
    }
}

/// A field's label, `unit` and `date` included.
pub fn label(def: &RegisterDef, field: &str, t: &Tr) -> String {
    match field {
        "unit" => t.get("register-unit"),
        "date" => def.date_label(t.lang).to_owned(),
        key => def.field(key).map_or_else(|| key.to_owned(), |f| f.label(t.lang).to_owned()),
    }
}

fn problem_text(e: &FieldError, t: &Tr) -> String {
    match (&e.problem, e.field.as_str()) {
        (FieldProblem::NoSuchRecord { register }, "unit") if register == "unit" => t.get("register-no-such-unit"),
        (p, _) => p.message(t.lang),
    }
}

/// "Hình thức: phải là một trong …"; for an import, "Dòng 3, Hình thức: …".
pub fn messages(def: &RegisterDef, errors: &[RowError], t: &Tr, rows: bool) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            let text = format!("{}: {}", label(def, &e.error.field, t), problem_text(&e.error, t));
            if rows { format!("{} {}, {text}", t.get("register-row"), e.row) } else { text }
        })
        .collect()
}

/// Field errors of one record as row errors.
pub fn as_rows(row: usize, errors: Vec<FieldError>) -> Vec<RowError> {
    errors.into_iter().map(|error| RowError { row, error }).collect()
}

/// The refusal of a write as the user reads it.
pub fn refused(def: &RegisterDef, errors: &[RowError], rows: bool) -> AppError {
    AppError::Invalid(Msg::composed(|lang| {
        let t = Tr::new(lang);
        let mut text = if rows { t.get("register-import-refused") } else { t.get("register-refused") };
        for m in messages(def, errors, &t, rows) {
            text.push('\n');
            text.push_str(&m);
        }
        text
    }))
}

/// The CSV column of a record's number, and of its unit's code.
const ID_COLUMN: &str = "Mã bản ghi";
const UNIT_COLUMN: &str = "Mã đơn vị";

/// The CSV columns of a register as its readers name them (the file is for people and
/// spreadsheets): "Mã bản ghi", "Mã đơn vị", the date's label, then its fields' labels.
/// [`from_csv`] reads these names back, and the columns' keys (`unit`, `date`, `kenh` …) too.
pub fn csv_header(def: &RegisterDef) -> Vec<&'static str> {
    [ID_COLUMN, UNIT_COLUMN, def.date_label(Lang::Vi)]
        .into_iter()
        .chain(def.fields.iter().map(|f| f.label(Lang::Vi)))
        .collect()
}

/// The key of a CSV column named by its key or by its label in either language, folded (case
/// and diacritics do not matter); the name as given when it is none of them.
fn column_key(def: &RegisterDef, name: &str) -> String {
    use kehoach_domain::text::fold;
    let folded = fold(name);
    let is = |names: &[&str]| names.iter().any(|n| fold(n) == folded);
    if is(&["id", ID_COLUMN, "Record number"]) {
        return "id".into();
    }
    if is(&["unit", UNIT_COLUMN, "Unit code", "Đơn vị", "Unit"]) {
        return "unit".into();
    }
    if is(&["date", def.date_label(Lang::Vi), def.date_label(Lang::En)]) {
        return "date".into();
    }
    def.fields
        .iter()
        .find(|f| is(&[f.key, f.label(Lang::Vi), f.label(Lang::En)]))
        .map_or_else(|| name.to_owned(), |f| f.key.to_owned())
}

/// Reads a CSV file of records: every row checked, and every bad row reported with its line
/// number in the file. The `id` column is ignored (an import adds records); a system column
/// (an initiative's recognition) is ignored too.
pub fn from_csv(
    def: &RegisterDef,
    year: i32,
    today: NaiveDate,
    bytes: &[u8],
) -> Result<Vec<(usize, RecordInput)>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| AppError::invalid("register-csv-not-utf8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::Invalid(Msg::new("register-csv-unreadable-because").with("cause", e)))?
        .iter()
        .map(|h| column_key(def, &kehoach_domain::text::nfc(h.trim())))
        .collect();
    for required in ["unit", "date"] {
        if !header.iter().any(|h| h == required) {
            let named = move |lang: Lang| match (required, lang) {
                ("unit", Lang::Vi) => UNIT_COLUMN.to_owned(),
                ("unit", Lang::En) => "Unit code".to_owned(),
                (_, lang) => def.date_label(lang).to_owned(),
            };
            return Err(AppError::Invalid(Msg::new("register-csv-missing-column").with_words("column", named)));
        }
    }
    let unknown: Vec<&str> = header
        .iter()
        .filter(|h| !["id", "unit", "date"].contains(&h.as_str()) && def.field(h).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::Invalid(Msg::new("register-csv-unknown-columns").with("columns", unknown.join(", "))));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, result) in reader.records().enumerate() {
        let line = result
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| usize::try_from(p.line()).unwrap_or(i + 2));
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                return Err(AppError::Invalid(Msg::new("register-row-unreadable").with("line", line).with("cause", e)));
            }
        };
        let mut unit = String::new();
        let mut date = String::new();
        let mut fields = BTreeMap::new();
        for (column, value) in header.iter().zip(record.iter()) {
            // What the export marked as text (`'=1+1`) comes back as it was typed.
            let value = kehoach_docs::tables::csv_value(value);
            match column.as_str() {
                "id" => {}
                "unit" => unit = value.trim().to_owned(),
                "date" => date = value.to_owned(),
                key if def.field(key).is_some_and(|f| f.system) => {}
                key => {
                    fields.insert(key.to_owned(), value.to_owned());
                }
            }
        }
        match input(def, year, today, &unit, &date, &fields, false) {
            Ok(r) => rows.push((line, r)),
            Err(e) => errors.extend(as_rows(line, e)),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(AppError::invalid("register-csv-empty"));
    }
    if errors.is_empty() { Ok(rows) } else { Err(refused(def, &errors, true)) }
}

/// A record as typed, the same on every surface: a form's fields, or an API body's values
/// written as text (dates `31/12/2026` or `2026-12-31`, "có"/"không", option keys or names).
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// The owning unit's code; none for the default (see [`add`] and [`update`]).
    pub unit: Option<String>,
    pub date: String,
    pub fields: BTreeMap<String, String>,
}

/// Why a record was not written. As an [`AppError`] (`?` converts it): a refusal listing every
/// problem ([`AppError::Invalid`]), a conflict, or the error itself.
#[derive(Debug)]
pub enum NotWritten {
    /// The record breaks the register's rules, as typed or against what is stored (a unit or a
    /// record pointed at that does not exist): every problem, by field, for a form to show
    /// beside each field.
    Refused { def: &'static RegisterDef, errors: Vec<FieldError> },
    /// Someone else changed the record first: here it is now, for a form to show what was typed
    /// again at the version now stored.
    Stale(Box<StoredRecord>),
    /// Anything else: not found, not allowed, the store failing.
    Failed(AppError),
}

impl NotWritten {
    /// The problems of each field; none unless the record was refused.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            NotWritten::Refused { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The record as it is stored now, when someone else changed it first.
    pub fn stored_now(&self) -> Option<&StoredRecord> {
        match self {
            NotWritten::Stale(now) => Some(now),
            _ => None,
        }
    }
}

impl From<NotWritten> for AppError {
    fn from(e: NotWritten) -> AppError {
        match e {
            NotWritten::Refused { def, errors } => refused(def, &as_rows(1, errors), false),
            NotWritten::Stale(_) => AppError::conflict("register-conflict"),
            NotWritten::Failed(e) => e,
        }
    }
}

impl From<AppError> for NotWritten {
    fn from(e: AppError) -> NotWritten {
        NotWritten::Failed(e)
    }
}

impl From<StoreError> for NotWritten {
    fn from(e: StoreError) -> NotWritten {
        NotWritten::Failed(e.into())
    }
}

/// The record from what was typed, or every problem with it.
fn checked(
    state: &App,
    def: &'static RegisterDef,
    plan: &Plan,
    unit: &str,
    typed: &Typed,
    sample: bool,
) -> Result<RecordInput, NotWritten> {
    let today = crate::present::today(plan, state.clock.now());
    input(def, plan.year, today, unit, &typed.date, &typed.fields, sample)
        .map_err(|errors| NotWritten::Refused { def, errors })
}

/// What the store answered, as the user reads it.
fn written(def: &'static RegisterDef, outcome: RecordOutcome) -> Result<StoredRecord, NotWritten> {
    match outcome {
        RecordOutcome::Written(r) => Ok(r),
        RecordOutcome::Refused(errors) => {
            Err(NotWritten::Refused { def, errors: errors.into_iter().map(|e| e.error).collect() })
        }
        RecordOutcome::Conflict(now) => Err(NotWritten::Stale(now)),
    }
}

/// Adds a record to a register of the plan. Its unit is by default the user's (or the unit
/// units report through); the user must be one of the register's writers for that unit.
pub async fn add(
    state: &App,
    who: &Principal,
    plan: &Plan,
    def: &'static RegisterDef,
    typed: &Typed,
    actor: Actor<'_>,
) -> Result<StoredRecord, NotWritten> {
    let unit = typed.unit.clone().unwrap_or_else(|| default_unit(who, plan));
    may_write(who, def, &unit)?;
    let record = checked(state, def, plan, &unit, typed, false)?;
    written(def, state.store.add_record(&plan.id, def.key, &record, actor, state.clock.now()).await?)
}

/// Changes a record the user may see, at the `version` the user read (none is refused: an
/// API body may leave it out). The user must be one of the register's writers both for the
/// record's unit and for its new one (by default the same); a sample record stays a sample.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    state: &App,
    who: &Principal,
    plan: &Plan,
    def: &'static RegisterDef,
    id: i32,
    version: Option<i32>,
    typed: &Typed,
    actor: Actor<'_>,
) -> Result<StoredRecord, NotWritten> {
    let current = readable(state, who, &plan.id, def, id).await?;
    may_write(who, def, &current.record.unit)?;
    let unit = typed.unit.clone().unwrap_or_else(|| current.record.unit.clone());
    may_write(who, def, &unit)?;
    let version = version.ok_or_else(|| AppError::invalid("register-version-missing"))?;
    let record = checked(state, def, plan, &unit, typed, current.sample)?;
    written(def, state.store.update_record(&plan.id, id, version, &record, actor, state.clock.now()).await?)
}

/// Deletes a record the user may see and write, or says which records point at it.
pub async fn delete(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
    actor: Actor<'_>,
) -> Result<(), AppError> {
    let current = readable(state, who, plan_id, def, id).await?;
    may_write(who, def, &current.record.unit)?;
    let pointing = state.store.delete_record(plan_id, id, actor).await?;
    if pointing.is_empty() {
        return Ok(());
    }
    let list = |lang: Lang| -> String {
        let names: Vec<String> = pointing
            .iter()
            .map(|(r, id)| format!("{} #{id}", register::register(r).map_or(r.as_str(), |d| d.name(lang))))
            .collect();
        names.join(", ")
    };
    Err(AppError::Conflict(Msg::new("register-delete-referenced").with_words("records", list)))
}

/// Imports a CSV file into a register: all rows or none. A unit's reporter imports only its
/// own unit's rows.
pub async fn import(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    bytes: &[u8],
    actor: Actor<'_>,
) -> Result<usize, AppError> {
    let plan = state.store.plan(plan_id).await?.ok_or(AppError::NotFound(NotFound::Plan))?;
    let today = crate::present::today(&plan, state.clock.now());
    let rows = from_csv(def, plan.year, today, bytes)?;
    let mut forbidden = Vec::new();
    for (line, row) in &rows {
        if may_write(who, def, &row.unit).is_err() {
            forbidden.push(RowError {
                row: *line,
                error: FieldError {
                    field: "unit".into(),
                    problem: FieldProblem::NoSuchRecord { register: "unit".into() },
                },
            });
        }
    }
    if !forbidden.is_empty() {
        return Err(refused(def, &forbidden, true));
    }
    match state.store.import_records(plan_id, def.key, &rows, actor, state.clock.now()).await? {
        Ok(n) => Ok(n),
        Err(errors) => Err(refused(def, &errors, true)),
    }
}

/// A record the user may see, of this register; otherwise not found.
pub async fn readable(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
) -> Result<StoredRecord, AppError> {
    state
        .store
        .record(plan_id, id)
        .await?
        .filter(|r| r.record.register == def.key && may_read(who, r))
        .ok_or(AppError::NotFound(NotFound::Page))
}

/// Keeps an evidence file with a record the user may write.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
    name: &str,
    bytes: &[u8],
    actor: Actor<'_>,
) -> Result<kehoach_store::FileInfo, AppError> {
    let current = readable(state, who, plan_id, def, id).await?;
    may_write(who, def, &current.record.unit)?;
    let (mime, sha) = crate::evidence::checked(bytes, state.store.record_file_count(id).await?)?;
    let file = kehoach_store::NewFile { name, mime, sha256: &sha, data: bytes, now: state.clock.now() };
    Ok(state.store.add_record_file(id, &file, actor).await?)
}

/// An evidence file of a record the user may see, with its description.
pub async fn file(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
    file: i32,
) -> Result<(kehoach_store::FileInfo, Vec<u8>), AppError> {
    readable(state, who, plan_id, def, id).await?;
    state.store.record_file(id, file).await?.ok_or(AppError::NotFound(NotFound::Page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truyen_thong() -> &'static RegisterDef {
        def("truyen_thong").expect("the communication register")
    }

    #[test]
    fn a_refused_record_reads_as_one_refusal_listing_each_field() {
        let def = truyen_thong();
        let typed = Typed {
            unit: None,
            date: "31/02/2026".into(),
            fields: BTreeMap::from([("kenh".into(), "loa kéo".into())]),
        };
        let today = NaiveDate::from_ymd_opt(2026, 12, 31).expect("a date");
        let errors = input(def, 2026, today, "vhxh", &typed.date, &typed.fields, false).expect_err("a bad record");
        let refusal = NotWritten::Refused { def, errors };
        let fields: Vec<&str> = refusal.field_errors().iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"date") && fields.contains(&"kenh"), "{fields:?}");
        let AppError::Invalid(m) = AppError::from(refusal) else { panic!("not a refusal of the input") };
        let words = m.words(Lang::Vi);
        let mut lines = words.lines();
        assert_eq!(lines.next(), Some(Tr::new(Lang::Vi).get("register-refused").as_str()));
        assert!(lines.any(|l| l.starts_with("Hình thức: phải là một trong")), "{words}");
        assert!(words.contains("Ngày thực hiện: "), "{words}");
    }

    /// A register keeps what happened: a record dated after the plan's today is refused, in
    /// words, beside its date; today itself is fine; other date fields (a deadline) may lie ahead.
    #[test]
    fn a_record_dated_after_today_is_refused_beside_its_date() {
        let def = truyen_thong();
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date");
        let fields = BTreeMap::from([
            ("kenh".into(), "truyen_thanh".into()),
            ("chu_de".into(), "Chuyển đổi số".into()),
            ("so_nguoi".into(), "30".into()),
        ]);
        assert!(input(def, 2026, today, "vhxh", "01/03/2026", &fields, false).is_ok());
        let errors = input(def, 2026, today, "vhxh", "02/03/2026", &fields, false).expect_err("after today");
        assert_eq!(errors, vec![FieldError { field: "date".into(), problem: FieldProblem::AfterToday { today } }]);
        let AppError::Invalid(m) = AppError::from(NotWritten::Refused { def, errors }) else { panic!("not a refusal") };
        let words = m.words(Lang::Vi);
        assert!(words.contains("Ngày thực hiện: không được sau ngày hôm nay (01/03/2026)"), "{words}");
        let csv =
            "unit,date,kenh,chu_de,so_nguoi\nvhxh,01/03/2026,truyen_thanh,A,3\nvhxh,15/03/2026,truyen_thanh,B,3\n";
        let Err(AppError::Invalid(m)) = from_csv(def, 2026, today, csv.as_bytes()) else { panic!("imported") };
        assert!(
            m.words(Lang::Vi).contains("Dòng 3, Ngày thực hiện: không được sau ngày hôm nay"),
            "{}",
            m.words(Lang::Vi)
        );
        let deadlines = super::def("yeu_cau_so_lieu").expect("the requests register");
        let asked = BTreeMap::from([
            ("co_quan".into(), "Sở KH&CN".into()),
            ("noi_dung".into(), "Số liệu".into()),
            ("han".into(), "30/04/2026".into()),
        ]);
        assert!(input(deadlines, 2026, today, "vhxh", "01/03/2026", &asked, false).is_ok());
    }

    /// The export names its columns in words; the import reads them back, and keys too.
    #[test]
    fn csv_columns_are_named_in_words_and_read_back() {
        let def = truyen_thong();
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date");
        let header = csv_header(def).join(",");
        assert!(header.starts_with("Mã bản ghi,Mã đơn vị,Ngày thực hiện,Hình thức"), "{header}");
        assert!(!header.contains('_'), "{header}");
        let quoted: Vec<String> = csv_header(def).iter().map(|c| format!("\"{c}\"")).collect();
        let named = format!("{}\n,vhxh,01/03/2026,Đài truyền thanh xã,Chủ đề,,30,không\n", quoted.join(","));
        let rows = from_csv(def, 2026, today, named.as_bytes()).expect("read by its labels");
        assert_eq!(rows[0].1.fields.get("kenh").and_then(|v| v.as_str()), Some("truyen_thanh"));
        let keyed = "unit,date,kenh,chu_de\nvhxh,01/03/2026,hop_ban,A\n";
        assert_eq!(from_csv(def, 2026, today, keyed.as_bytes()).expect("read by its keys").len(), 1);
        let unknown = "unit,date,kenh,chu_de,mau_sac\nvhxh,01/03/2026,hop_ban,A,đỏ\n";
        assert!(from_csv(def, 2026, today, unknown.as_bytes()).is_err());
    }

    #[test]
    fn a_write_lost_to_someone_else_is_a_conflict_and_anything_else_stays_itself() {
        let now = StoredRecord {
            record: kehoach_domain::register::Record {
                id: 7,
                register: "truyen_thong".into(),
                unit: "vhxh".into(),
                date: NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date"),
                fields: serde_json::Map::new(),
            },
            sample: false,
            version: 2,
            created_by: "dau-moi".into(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_by: "dau-moi".into(),
            updated_at: chrono::DateTime::UNIX_EPOCH,
        };
        let stale = NotWritten::Stale(Box::new(now));
        assert_eq!(stale.stored_now().map(|r| r.version), Some(2));
        assert!(matches!(AppError::from(stale), AppError::Conflict(ref m) if m.key == "register-conflict"));
        let e = AppError::from(NotWritten::Failed(AppError::refused("register-forbidden")));
        assert!(matches!(e, AppError::Refused(ref m) if m.key == "register-forbidden"), "{e:?}");
        let e: NotWritten = StoreError::NotFound("record 1".into()).into();
        assert!(e.field_errors().is_empty() && e.stored_now().is_none());
        assert!(matches!(AppError::from(e), AppError::Store(StoreError::NotFound(_))));
    }
}

/// How many records each register of the plan holds.
pub async fn counts(state: &App, plan_id: &str) -> Result<std::collections::BTreeMap<String, u64>, AppError> {
    Ok(state.store.register_counts(plan_id).await?)
}

/// Which records a reader asks for: a unit's, between two days.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub unit: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The store's filter for what `who` may see of what was asked: a unit's reporter sees its own
/// unit's records, whatever unit it names.
fn visible<'a>(who: &'a Principal, def: &RegisterDef, wanted: &'a Wanted) -> RecordFilter<'a> {
    RecordFilter {
        register: Some(def.key),
        unit: rows::own_unit(who).or(wanted.unit.as_deref()),
        from: wanted.from,
        to: wanted.to,
        ids: None,
        limit: None,
    }
}

/// The records of a register the reader may see, newest first: at most `limit`, and how many
/// there are in all.
pub async fn records(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    wanted: &Wanted,
    limit: Option<u64>,
) -> Result<(Vec<StoredRecord>, u64), AppError> {
    let filter = RecordFilter { limit, ..visible(who, def, wanted) };
    let records = state.store.records(plan_id, &filter).await?;
    let total = match limit {
        Some(_) => state.store.record_count(plan_id, &filter).await?,
        None => records.len() as u64,
    };
    Ok((records, total))
}

/// A page of the records the reader may see: `limit` of them after `after`.
pub async fn records_after(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    wanted: &Wanted,
    after: Option<RecordCursor>,
    limit: u64,
) -> Result<Vec<StoredRecord>, AppError> {
    Ok(state.store.records_after(plan_id, &visible(who, def, wanted), after, limit).await?)
}

/// The evidence files of a record the reader may see, without their content.
pub async fn files(
    state: &App,
    who: &Principal,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
) -> Result<Vec<kehoach_store::FileInfo>, AppError> {
    readable(state, who, plan_id, def, id).await?;
    Ok(state.store.record_files(id).await?)
}
