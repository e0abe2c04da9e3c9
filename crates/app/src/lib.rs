//! The use cases: everything a user (through the pages or the API) or the command line can do,
//! each taking who acts and checked input, and answering domain values or an [`AppError`].
//!
//! Below this layer are the rules (`kehoach-domain`), the plan file (`kehoach-plan`), storage
//! (`kehoach-store`) and document writing (`kehoach-docs`); above it the web transport and the
//! command line, which only translate between people and these functions. Words for people
//! are made in one place, [`present`].

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod calendar;
pub mod commune_report;
pub mod contacts;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod initiatives;
pub mod input;
pub mod leaders;
pub mod nation;
pub mod password;
pub mod plans;
pub mod present;
pub mod progress;
pub mod province;
pub mod province_docs;
pub mod registers;
pub mod reporting;
pub mod requests;
pub mod tables;
pub mod units;

use std::sync::Arc;

use kehoach_domain::clock::Clock;
use kehoach_store::Store;

pub use error::{AppError, Msg, NotFound};

/// What every use case reaches: the store and the time.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// The time, through a seam: tests set it to any date.
    pub clock: Arc<dyn Clock>,
    /// Plans, progress and public answers kept while the database's revisions say they hold
    /// (shared by the clones of one `App`, never by two `App`s).
    pub caches: Arc<cache::Caches>,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> App {
        App { store, clock, caches: Arc::default() }
    }

    /// With the real time.
    pub fn at_system_time(store: Store) -> App {
        App { store, clock: Arc::new(SystemClock), caches: Arc::default() }
    }
}

/// The real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}
