//! Sign-in attempts counted per key, to slow guessing (see `Store::admit_sign_in`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttle")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `pair:NAME|ADDRESS` (one account from one address), `user:NAME` (the account from any
    /// address) or `addr:ADDRESS` (any account from the address).
    pub key: String,
    /// Attempts let through since `window_start`, less the successful ones given back.
    pub failures: i32,
    pub window_start: DateTimeUtc,
    /// Unused since the count and the check became one step (a key is refused while its count
    /// is over its limit within the window); kept so that existing databases need no migration.
    pub locked_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
