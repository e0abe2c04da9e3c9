//! The indicator engine on hand-made registers with known answers.

use chrono::NaiveDate;
use kehoach_domain::measure::{
    Condition, Evidence, Link, LinkWindow, Measure, Refinement, ReportFigure, Selection, Sources, Window, evaluate,
};
use kehoach_domain::progress::{Pacing, Status};
use kehoach_domain::register::Record;
use kehoach_domain::{Figure, Indicator, IndicatorKind, UnitRef, UnitRefKind};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn indicator(kind: IndicatorKind, target: Option<f64>) -> Indicator {
    Indicator {
        code: "X.1".into(),
        section: "X".into(),
        number: "1".into(),
        name: "Chỉ tiêu thử".into(),
        measure_unit: None,
        kind,
        baseline: Figure { text: String::new(), value: None },
        target: Figure { text: "t".into(), value: target },
        lead: UnitRef { kind: UnitRefKind::Unit, code: "vhxh".into() },
        coordinators: Vec::new(),
        coordinators_text: None,
        measure: None,
        province_indicator: None,
    }
}

fn record(id: i32, register: &str, date: NaiveDate, fields: Value) -> Record {
    let fields: Map<String, Value> = match fields {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    Record { id, register: register.into(), unit: "vhxh".into(), date, fields }
}

fn count_of(register: &str, window: Window, conditions: Vec<Condition>) -> Measure {
    Measure::Count {
        records: Selection { register: register.into(), window, refine: Refinement { conditions, linked: vec![] } },
        pacing: Pacing::ByQuarter,
    }
}

fn is(field: &str, values: &[Value]) -> Condition {
    Condition::Is { field: field.into(), values: values.to_vec() }
}

/// The commune's communication activities: IV.1 counts radio, village meetings and
/// conferences within the year.
#[test]
fn a_count_of_communication_activities() {
    let records = vec![
        record(1, "truyen_thong", day(2025, 12, 30), json!({"kenh": "hop_ban"})),
        record(2, "truyen_thong", day(2026, 1, 1), json!({"kenh": "hop_ban"})),
        record(3, "truyen_thong", day(2026, 3, 31), json!({"kenh": "truyen_thanh"})),
        record(4, "truyen_thong", day(2026, 4, 1), json!({"kenh": "website"})),
        record(5, "truyen_thong", day(2026, 7, 10), json!({"kenh": "hoi_nghi"})),
        record(6, "mo_hinh", day(2026, 2, 1), json!({"kenh": "hop_ban"})),
    ];
    let sources = Sources::new(&records, &[]);
    let m = count_of(
        "truyen_thong",
        Window::Year,
        vec![is("kenh", &[json!("truyen_thanh"), json!("hop_ban"), json!("hoi_nghi")])],
    );
    let ind = indicator(IndicatorKind::Count, Some(4.0));
    let at_march = evaluate(2026, &ind, &m, &sources, day(2026, 3, 31));
    assert_eq!(at_march.value, Some(2.0));
    assert_eq!(at_march.status, Status::OnTrack);
    assert_eq!(at_march.evidence, Evidence::Records { counted: vec![2, 3], over: vec![] });
    let july = evaluate(2026, &ind, &m, &sources, day(2026, 7, 15));
    assert_eq!(july.value, Some(3.0));
    assert_eq!(july.expected, Some(2.0));
    assert_eq!(july.status, Status::OnTrack);
    let next_year = evaluate(2026, &ind, &m, &sources, day(2027, 2, 1));
    assert_eq!(next_year.value, Some(3.0), "the year's value stops at 31 December");
    assert_eq!(next_year.status, Status::Behind);
}

fn dissemination() -> Measure {
    Measure::Ratio {
        records: Selection {
            register: "ket_qua_khcn".into(),
            window: Window::YearAndBefore { months: 12 },
            refine: Refinement { conditions: vec![is("phu_hop", &[json!(true)])], linked: vec![] },
        },
        counted: Refinement {
            conditions: vec![],
            linked: vec![Link {
                register: "pho_bien_ket_qua".into(),
                by: "ket_qua".into(),
                conditions: vec![],
                within: LinkWindow::MonthsAfter { months: 12 },
            }],
        },
        pacing: Pacing::Constant,
    }
}

/// CT.5: a result accepted on 15 March 2025 counts when disseminated by 15 March 2026, not a
/// day later; results not suited to the commune are not counted at all.
#[test]
fn the_twelve_month_dissemination_window_at_its_boundaries() {
    let ind = indicator(IndicatorKind::Ratio, Some(30.0));
    let results = |spread: NaiveDate| {
        vec![
            record(1, "ket_qua_khcn", day(2025, 3, 15), json!({"phu_hop": true})),
            record(2, "ket_qua_khcn", day(2025, 6, 1), json!({"phu_hop": false})),
            record(3, "pho_bien_ket_qua", spread, json!({"ket_qua": 1})),
            record(4, "pho_bien_ket_qua", day(2025, 7, 1), json!({"ket_qua": 2})),
        ]
    };
    let on_the_day = results(day(2026, 3, 15));
    let p = evaluate(2026, &ind, &dissemination(), &Sources::new(&on_the_day, &[]), day(2026, 6, 30));
    assert_eq!((p.numerator, p.denominator, p.value), (Some(1.0), Some(1.0), Some(100.0)));
    assert_eq!(p.status, Status::Achieved);

    let a_day_late = results(day(2026, 3, 16));
    let p = evaluate(2026, &ind, &dissemination(), &Sources::new(&a_day_late, &[]), day(2026, 6, 30));
    assert_eq!((p.numerator, p.denominator), (Some(0.0), Some(1.0)));
    assert_eq!(p.status, Status::Behind);

    let before_acceptance = results(day(2025, 3, 14));
    let p = evaluate(2026, &ind, &dissemination(), &Sources::new(&before_acceptance, &[]), day(2026, 6, 30));
    assert_eq!(p.numerator, Some(0.0), "spread before the result was accepted");

    // Accepted before the 12 months that reach into the year: not in the ratio.
    let old = vec![record(1, "ket_qua_khcn", day(2024, 12, 31), json!({"phu_hop": true}))];
    let p = evaluate(2026, &ind, &dissemination(), &Sources::new(&old, &[]), day(2026, 6, 30));
    assert_eq!(p.denominator, None);
    assert_eq!(p.status, Status::NotMeasurable);

    // Spread after the date of the computation: not yet.
    let later = results(day(2026, 3, 1));
    let p = evaluate(2026, &ind, &dissemination(), &Sources::new(&later, &[]), day(2026, 2, 28));
    assert_eq!(p.numerator, Some(0.0));
}

/// A ratio over nothing is not yet measurable, never a division error.
#[test]
fn a_ratio_with_a_zero_denominator() {
    let ind = indicator(IndicatorKind::Ratio, Some(100.0));
    let m = Measure::Ratio {
        records: Selection { register: "thu_tuc".into(), window: Window::Standing, refine: Refinement::default() },
        counted: Refinement { conditions: vec![is("truc_tuyen", &[json!(true)])], linked: vec![] },
        pacing: Pacing::Constant,
    };
    let p = evaluate(2026, &ind, &m, &Sources::new(&[], &[]), day(2026, 5, 1));
    assert_eq!(p.value, None);
    assert_eq!(p.status, Status::NotMeasurable);
}

/// CT.2: staff doing professional work, trained this year, among those standing on the date.
#[test]
fn trained_professional_staff_among_those_standing() {
    let staff = |id, from, left: Option<&str>, pro: bool| {
        let mut f = json!({"ho_ten": format!("Cán bộ {id}"), "chuyen_mon": pro});
        if let Some(l) = left {
            f["ngay_thoi"] = json!(l);
        }
        record(id, "can_bo", from, f)
    };
    let records = vec![
        staff(1, day(2020, 1, 1), None, true),
        staff(2, day(2020, 1, 1), None, true),
        staff(3, day(2020, 1, 1), Some("2026-04-30"), true),
        staff(4, day(2020, 1, 1), None, false),
        record(10, "boi_duong", day(2026, 3, 10), json!({"can_bo": 1, "hinh_thuc": "boi_duong", "dot": "Lớp 1"})),
        record(11, "boi_duong", day(2026, 3, 10), json!({"can_bo": 2, "hinh_thuc": "pho_bien", "dot": "Hội nghị"})),
        record(12, "boi_duong", day(2025, 11, 10), json!({"can_bo": 2, "hinh_thuc": "boi_duong", "dot": "Lớp cũ"})),
        record(13, "boi_duong", day(2026, 3, 10), json!({"can_bo": 4, "hinh_thuc": "boi_duong", "dot": "Lớp 1"})),
    ];
    let m = Measure::Ratio {
        records: Selection {
            register: "can_bo".into(),
            window: Window::Standing,
            refine: Refinement { conditions: vec![is("chuyen_mon", &[json!(true)])], linked: vec![] },
        },
        counted: Refinement {
            conditions: vec![],
            linked: vec![Link {
                register: "boi_duong".into(),
                by: "can_bo".into(),
                conditions: vec![is("hinh_thuc", &[json!("boi_duong")])],
                within: LinkWindow::Year,
            }],
        },
        pacing: Pacing::ByQuarter,
    };
    let ind = indicator(IndicatorKind::Ratio, Some(50.0));
    let sources = Sources::new(&records, &[]);
    let april = evaluate(2026, &ind, &m, &sources, day(2026, 4, 15));
    assert_eq!((april.numerator, april.denominator), (Some(1.0), Some(3.0)));
    assert_eq!(april.evidence, Evidence::Records { counted: vec![1], over: vec![1, 2, 3] });
    let may = evaluate(2026, &ind, &m, &sources, day(2026, 5, 2));
    assert_eq!((may.numerator, may.denominator), (Some(1.0), Some(2.0)), "staff 3 left on 30 April");
    assert_eq!(may.status, Status::Achieved);
}

/// "Deployed by the date": a date filled in later than the date does not count yet.
#[test]
fn a_present_date_counts_from_that_date() {
    let records = vec![
        record(1, "chi_dao", day(2026, 1, 5), json!({"ngay_trien_khai": "2026-01-20"})),
        record(2, "chi_dao", day(2026, 2, 5), json!({"ngay_trien_khai": "2026-04-02"})),
        record(3, "chi_dao", day(2026, 3, 5), json!({})),
    ];
    let m = Measure::Ratio {
        records: Selection { register: "chi_dao".into(), window: Window::Year, refine: Refinement::default() },
        counted: Refinement {
            conditions: vec![Condition::Present { field: "ngay_trien_khai".into() }],
            linked: vec![],
        },
        pacing: Pacing::Constant,
    };
    let ind = indicator(IndicatorKind::Ratio, Some(100.0));
    let sources = Sources::new(&records, &[]);
    let p = evaluate(2026, &ind, &m, &sources, day(2026, 3, 31));
    assert_eq!((p.numerator, p.denominator), (Some(1.0), Some(3.0)));
    let p = evaluate(2026, &ind, &m, &sources, day(2026, 4, 2));
    assert_eq!(p.numerator, Some(2.0));
}

/// A sum of figures from accepted quarterly reports, counted once their period is covered.
#[test]
fn a_sum_of_report_figures() {
    let figure = |unit: &str, period: &str, covers_to, value| ReportFigure {
        indicator: "X.1".into(),
        unit: unit.into(),
        period: period.into(),
        covers_to,
        value,
    };
    let figures = vec![
        figure("ban-a", "2026-Q1", day(2026, 3, 14), 2.0),
        figure("ban-b", "2026-Q1", day(2026, 3, 14), 1.0),
        figure("ban-a", "2026-Q2", day(2026, 6, 14), 3.0),
        ReportFigure { indicator: "Y.9".into(), ..figure("ban-a", "2026-Q1", day(2026, 3, 14), 50.0) },
    ];
    let ind = indicator(IndicatorKind::Count, Some(8.0));
    let m = Measure::ReportSum { pacing: Pacing::ByQuarter };
    let sources = Sources::new(&[], &figures);
    assert_eq!(evaluate(2026, &ind, &m, &sources, day(2026, 3, 13)).status, Status::NotMeasurable);
    let april = evaluate(2026, &ind, &m, &sources, day(2026, 4, 1));
    assert_eq!(april.value, Some(3.0));
    assert_eq!(april.status, Status::OnTrack);
    assert_eq!(evaluate(2026, &ind, &m, &sources, day(2026, 7, 1)).value, Some(6.0));
}

/// A qualitative indicator takes the latest assessment of the year.
#[test]
fn the_latest_assessment_is_in_force() {
    let a = |id, date, status: &str, code: &str| {
        record(id, "danh_gia", date, json!({"chi_tieu": code, "muc_do": status, "nhan_xet": "…"}))
    };
    let records = vec![
        a(1, day(2026, 3, 20), "on_track", "X.1"),
        a(2, day(2026, 6, 20), "at_risk", "X.1"),
        a(3, day(2026, 6, 25), "achieved", "Y.2"),
        a(4, day(2025, 12, 20), "achieved", "X.1"),
    ];
    let ind = indicator(IndicatorKind::Qualitative, None);
    let sources = Sources::new(&records, &[]);
    assert_eq!(evaluate(2026, &ind, &Measure::Assessment, &sources, day(2026, 1, 10)).status, Status::NotMeasurable);
    let p = evaluate(2026, &ind, &Measure::Assessment, &sources, day(2026, 5, 1));
    assert_eq!((p.status, p.evidence), (Status::OnTrack, Evidence::Assessment { record: Some(1) }));
    assert_eq!(evaluate(2026, &ind, &Measure::Assessment, &sources, day(2026, 7, 1)).status, Status::AtRisk);
}

fn arbitrary_records() -> impl Strategy<Value = Vec<Record>> {
    let one =
        (0u32..730, 0usize..3, any::<bool>(), 1i32..20, 0usize..4).prop_map(|(offset, channel, flag, target, reg)| {
            let date = day(2025, 6, 1) + chrono::Duration::days(i64::from(offset));
            let channels = ["hop_ban", "website", "truyen_thanh"];
            let (register, fields) = match reg {
                0 => ("truyen_thong", json!({"kenh": channels[channel], "dot_tuyen_truyen": flag})),
                1 => ("ket_qua_khcn", json!({"phu_hop": flag})),
                2 => ("pho_bien_ket_qua", json!({"ket_qua": target})),
                _ => (
                    "can_bo",
                    json!({"chuyen_mon": flag, "ngay_thoi": if flag { Value::Null } else { json!("2026-06-30") }}),
                ),
            };
            (register, date, fields)
        });
    prop::collection::vec(one, 0..60).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (register, date, fields))| record(i32::try_from(i).unwrap_or(0) + 1, register, date, fields))
            .collect()
    })
}

proptest! {
    /// The value never depends on the order in which records were entered.
    #[test]
    fn the_value_does_not_depend_on_record_order(records in arbitrary_records(), seed in any::<u64>(), month in 1u32..=12) {
        let mut shuffled = records.clone();
        // A deterministic shuffle from the seed.
        let n = shuffled.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = usize::try_from(s >> 33).unwrap_or(0) % (i + 1);
            shuffled.swap(i, j);
        }
        let at = day(2026, month, 28);
        let measures = [
            (indicator(IndicatorKind::Count, Some(4.0)), count_of("truyen_thong", Window::Year, vec![is("kenh", &[json!("hop_ban"), json!("truyen_thanh")])])),
            (indicator(IndicatorKind::Ratio, Some(30.0)), dissemination()),
            (indicator(IndicatorKind::Count, Some(2.0)), count_of("can_bo", Window::Standing, vec![])),
        ];
        for (ind, m) in &measures {
            let a = evaluate(2026, ind, m, &Sources::new(&records, &[]), at);
            let b = evaluate(2026, ind, m, &Sources::new(&shuffled, &[]), at);
            prop_assert_eq!(a, b);
        }
    }

    /// A ratio is always between 0% and 100%: its numerator is part of its denominator.
    #[test]
    fn a_ratio_stays_within_bounds(records in arbitrary_records(), month in 1u32..=12) {
        let p = evaluate(2026, &indicator(IndicatorKind::Ratio, Some(30.0)), &dissemination(), &Sources::new(&records, &[]), day(2026, month, 1));
        if let Some(v) = p.value {
            prop_assert!((0.0..=100.0).contains(&v));
            prop_assert!(p.numerator <= p.denominator);
        } else {
            prop_assert_eq!(p.status, Status::NotMeasurable);
        }
    }
}

#[test]
fn each_indicator_has_one_source_decided_by_its_measure() {
    use kehoach_domain::measure::{Source, measure_of, source_of};
    let count = |measure: Option<Measure>| Indicator { measure, ..indicator(IndicatorKind::Count, Some(4.0)) };
    let selection = Selection { register: "truyen_thong".into(), window: Window::Year, refine: Refinement::default() };
    let counted = count(Some(Measure::Count { records: selection.clone(), pacing: Pacing::ByQuarter }));
    assert_eq!(source_of(&counted), Source::Registers);
    let rate = Indicator {
        measure: Some(Measure::Ratio { records: selection, counted: Refinement::default(), pacing: Pacing::ByQuarter }),
        ..indicator(IndicatorKind::Ratio, Some(50.0))
    };
    assert_eq!(source_of(&rate), Source::Registers);
    assert_eq!(source_of(&count(Some(Measure::ReportSum { pacing: Pacing::ByQuarter }))), Source::UnitReports);
    assert_eq!(source_of(&count(Some(Measure::Assessment))), Source::Assessment);
    // A count the plan gives no measure for is what the units report; a rate without one is
    // nobody's to know.
    assert_eq!(source_of(&count(None)), Source::UnitReports);
    assert_eq!(measure_of(&count(None)), Some(Measure::ReportSum { pacing: Pacing::ByQuarter }));
    assert_eq!(source_of(&indicator(IndicatorKind::Ratio, Some(50.0))), Source::None);
    assert_eq!(source_of(&indicator(IndicatorKind::Qualitative, None)), Source::None);
}
