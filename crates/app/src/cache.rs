//! What a process keeps between requests, and only while the database says it is still true:
//! every entry is stored with the [`Revisions`] it was made at, and a reader asks the store for
//! the revisions now (one query) before it reuses one. A change in any process raises them in
//! its own transaction, so no process serves a copy older than the change once it is committed
//! (see `docs/performance.md`, "Live numbers without a rebuild").
//!
//! The maps are small and bounded: past their size they are emptied and fill again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use kehoach_domain::Plan;
use kehoach_domain::measure::Progress;
use kehoach_domain::province::Province;
use kehoach_store::{ProvinceRevision, Revisions};

/// Plans kept at once (a province's server hosts about 75 communes, a year or two each).
const PLANS: usize = 512;
/// Days of progress kept per plan (today, the reports' dates).
const DAYS: usize = 32;
/// Rendered answers kept at once.
const ANSWERS: usize = 2048;

/// An answer made once and served again while its revisions hold: a public page or its JSON.
#[derive(Debug)]
pub struct Rendered {
    /// The validator: the same bytes have the same tag.
    pub etag: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// The same bytes gzip-compressed once, when kept, for every client that accepts gzip:
    /// a kept answer is not compressed again on each request.
    pub gzip: Option<Vec<u8>>,
}

#[derive(Default)]
pub struct Caches {
    plans: Mutex<HashMap<String, (Revisions, Arc<Plan>)>>,
    progress: Mutex<HashMap<String, (Revisions, HashMap<NaiveDate, Arc<Vec<Progress>>>)>>,
    answers: Mutex<HashMap<String, (Revisions, Arc<Rendered>)>>,
    /// Parsed province files by slug (34 at most in the country).
    provinces: Mutex<HashMap<String, (ProvinceRevision, Arc<Province>)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves a map that is still a valid map.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The same plan: its row and the revision of what the plan reads (data is not part of it).
fn same_plan(a: &Revisions, b: &Revisions) -> bool {
    a.plan_row == b.plan_row && a.plan == b.plan
}

impl Caches {
    pub(crate) fn plan(&self, slug: &str, now: &Revisions) -> Option<Arc<Plan>> {
        lock(&self.plans).get(slug).filter(|(at, _)| same_plan(at, now)).map(|(_, p)| p.clone())
    }

    pub(crate) fn keep_plan(&self, slug: &str, at: Revisions, plan: Arc<Plan>) {
        let mut plans = lock(&self.plans);
        if plans.len() >= PLANS && !plans.contains_key(slug) {
            plans.clear();
        }
        plans.insert(slug.to_owned(), (at, plan));
    }

    pub(crate) fn progress(&self, slug: &str, now: &Revisions, date: NaiveDate) -> Option<Arc<Vec<Progress>>> {
        lock(&self.progress).get(slug).filter(|(at, _)| at == now).and_then(|(_, days)| days.get(&date).cloned())
    }

    pub(crate) fn keep_progress(&self, slug: &str, at: Revisions, date: NaiveDate, progress: Arc<Vec<Progress>>) {
        let mut all = lock(&self.progress);
        if all.len() >= PLANS && !all.contains_key(slug) {
            all.clear();
        }
        let entry = all.entry(slug.to_owned()).or_insert_with(|| (at, HashMap::new()));
        if entry.0 != at {
            *entry = (at, HashMap::new());
        }
        if entry.1.len() >= DAYS {
            entry.1.clear();
        }
        entry.1.insert(date, progress);
    }

    /// The province file parsed at `now`, if kept.
    pub(crate) fn province(&self, now: &ProvinceRevision) -> Option<Arc<Province>> {
        lock(&self.provinces).get(&now.slug).filter(|(at, _)| at == now).map(|(_, p)| p.clone())
    }

    pub(crate) fn keep_province(&self, at: ProvinceRevision, province: Arc<Province>) {
        let mut all = lock(&self.provinces);
        if all.len() >= PLANS && !all.contains_key(&at.slug) {
            all.clear();
        }
        all.insert(at.slug.clone(), (at, province));
    }

    /// A rendered answer under `key` (its path, language and version), if made at `now`.
    pub fn answer(&self, key: &str, now: &Revisions) -> Option<Arc<Rendered>> {
        lock(&self.answers).get(key).filter(|(at, _)| same_plan(at, now)).map(|(_, r)| r.clone())
    }

    pub fn keep_answer(&self, key: &str, at: Revisions, rendered: Arc<Rendered>) {
        let mut answers = lock(&self.answers);
        if answers.len() >= ANSWERS && !answers.contains_key(key) {
            answers.clear();
        }
        answers.insert(key.to_owned(), (at, rendered));
    }
}
