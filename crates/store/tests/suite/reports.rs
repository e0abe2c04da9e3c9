//! Unit reports in the database: versions, conflicts, kept submissions, audit rows.

use chrono::{TimeZone, Utc};
use kehoach_domain::report::{ReportBody, ReportState};
use kehoach_domain::{Unit, UnitKind};
use kehoach_store::{Actor, ReportWrite, Store, WriteOutcome, on_both_databases};

const TEST: Actor<'static> = Actor { name: "ban-a", address: Some("10.0.0.7") };

async fn seeded(store: &Store) -> ReportBody {
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
    store.import_plan(&plan, TEST).await.unwrap();
    let village = Unit { code: "ban-a".into(), name: "Bản A (mẫu)".into(), kind: UnitKind::Village, sample: true };
    store.add_units("muong-la", &[village], TEST).await.unwrap();
    let plan = store.plan("muong-la-2026").await.unwrap().unwrap();
    ReportBody::prefilled(&plan, "ban-a")
}

fn write<'a>(body: &'a ReportBody, expected: i32, state: ReportState, action: &'a str) -> ReportWrite<'a> {
    ReportWrite {
        plan: "muong-la-2026",
        period: "2026-Q1",
        unit: "ban-a",
        expected_version: expected,
        state,
        late: false,
        body,
        return_reason: None,
        action,
        now: Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap(),
    }
}

fn written(outcome: WriteOutcome) -> kehoach_store::StoredReport {
    match outcome {
        WriteOutcome::Written(r) => r,
        WriteOutcome::Conflict(c) => panic!("unexpected conflict with {c:?}"),
    }
}

on_both_databases!(
    async fn a_village_report_through_its_cycle(store) {
        let mut body = seeded(&store).await;
        assert!(!body.tasks.is_empty(), "a village coordinates tasks through its group");
        body.activities = "Tổ chức 02 buổi tuyên truyền tại nhà văn hoá bản".into();
        let v1 = written(store.write_report(&write(&body, 0, ReportState::Draft, "report.save"), TEST).await.unwrap());
        assert_eq!((v1.version, v1.state), (1, ReportState::Draft));
        assert_eq!(v1.body, body);

        // A second writer who also started from nothing loses nothing and overwrites nothing.
        let mut other = body.clone();
        other.activities = "Bản khác".into();
        match store.write_report(&write(&other, 0, ReportState::Draft, "report.save"), TEST).await.unwrap() {
            WriteOutcome::Conflict(Some(current)) => assert_eq!(current.body.activities, body.activities),
            w => panic!("expected a conflict, got {w:?}"),
        }

        let v2 = written(store.write_report(&write(&body, 1, ReportState::Submitted, "report.submit"), TEST).await.unwrap());
        assert_eq!((v2.version, v2.state), (2, ReportState::Submitted));
        assert!(v2.submitted_at.is_some());
        let mut returned = write(&body, 2, ReportState::Returned, "report.return");
        returned.return_reason = Some("Bổ sung số lượt tuyên truyền");
        let v3 = written(store.write_report(&returned, TEST).await.unwrap());
        assert_eq!(v3.return_reason.as_deref(), Some("Bổ sung số lượt tuyên truyền"));
        body.activities = "Tổ chức 02 buổi tuyên truyền; bổ sung 03 lượt phát thanh".into();
        let v4 = written(store.write_report(&write(&body, 3, ReportState::Submitted, "report.submit"), TEST).await.unwrap());
        let versions = store.report_versions(v4.id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.number).collect::<Vec<_>>(), [1, 2], "each submission is kept");
        assert_eq!(versions[1].body.activities, "Tổ chức 02 buổi tuyên truyền; bổ sung 03 lượt phát thanh");
        assert_eq!(versions[0].body.activities, "Tổ chức 02 buổi tuyên truyền tại nhà văn hoá bản");

        let trail = store.audit_trail("report", "muong-la-2026/2026-Q1/ban-a").await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["report.save", "report.submit", "report.return", "report.submit"]);
        assert_eq!(trail[0].address.as_deref(), Some("10.0.0.7"));
        assert_eq!(store.reports("muong-la-2026", "2026-Q1").await.unwrap().len(), 1);
        assert!(store.reports("muong-la-2026", "2026-Q2").await.unwrap().is_empty());
    }
);

on_both_databases!(
    /// Two first saves at the same moment: one is written, the other told of a conflict, never
    /// two rows and never an error.
    async fn two_first_saves_at_once(store) {
        let body = seeded(&store).await;
        let mut other = body.clone();
        other.activities = "Người thứ hai".into();
        let first = write(&body, 0, ReportState::Draft, "report.save");
        let second = write(&other, 0, ReportState::Draft, "report.save");
        let (a, b) = tokio::join!(store.write_report(&first, TEST), store.write_report(&second, TEST));
        let outcomes = [a.unwrap(), b.unwrap()];
        let written = outcomes.iter().filter(|o| matches!(o, WriteOutcome::Written(_))).count();
        let conflicts = outcomes.iter().filter(|o| matches!(o, WriteOutcome::Conflict(Some(_)))).count();
        assert_eq!((written, conflicts), (1, 1), "{outcomes:?}");
        assert_eq!(store.reports("muong-la-2026", "2026-Q1").await.unwrap().len(), 1);
    }
);
