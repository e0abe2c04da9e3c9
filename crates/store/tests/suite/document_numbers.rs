//! Document numbers: a yearly sequence per type, a subject keeps its number, no number twice,
//! even when two documents are issued at once.

use chrono::{NaiveDate, Utc};
use kehoach_store::{Actor, AuditFilter, on_both_databases};

const TEST: Actor<'static> = Actor { name: "test", address: None };
const PLAN: &str = "muong-la-2026";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

on_both_databases!(
    async fn numbers_run_per_type_and_year_and_are_kept(store) {
        store.import_plan(&kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap(), TEST).await.unwrap();
        let issue = |subject: &'static str, doc_type: &'static str, on: NaiveDate| {
            let store = store.clone();
            async move { store.issue_number(PLAN, doc_type, subject, on, TEST, Utc::now()).await.unwrap() }
        };
        assert_eq!(issue("report:q1", "BC", day(2026, 3, 5)).await.number, 1);
        assert_eq!(issue("report:q2", "BC", day(2026, 6, 5)).await.number, 2);
        assert_eq!(issue("plan", "KH", day(2026, 1, 10)).await.number, 1, "each type its own sequence");
        let again = issue("report:q1", "BC", day(2026, 7, 1)).await;
        assert_eq!((again.number, again.issued_on), (1, day(2026, 3, 5)), "a subject keeps its number and date");
        assert_eq!(issue("report:2027-q1", "BC", day(2027, 3, 5)).await.number, 1, "a new year starts at 01");
        assert_eq!(store.document_number(PLAN, "report:q2").await.unwrap().map(|n| n.number), Some(2));
        assert_eq!(store.document_number(PLAN, "report:q3").await.unwrap(), None);

        // Two documents issued at the same moment take two numbers.
        let (a, b) = tokio::join!(issue("report:r1", "BC", day(2026, 8, 1)), issue("report:r2", "BC", day(2026, 8, 1)));
        let mut both = [a.number, b.number];
        both.sort_unstable();
        assert_eq!(both, [3, 4]);

        let audit = store.audit(&AuditFilter { record_kind: Some("document".into()), limit: 100, ..AuditFilter::default() }).await.unwrap();
        assert_eq!(audit.len(), 6, "one audit row per number issued, none for a number read again");
    }
);
