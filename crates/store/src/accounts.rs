//! Users, sessions and the failed-login counters.

use chrono::{DateTime, Duration, Utc};
use kehoach_domain::{Principal, Role};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::entity::{commune, login_throttle, session, unit, user};
use crate::{Store, StoreError};

/// The answer of [`Store::admit_sign_in`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Counted. `full_until`: this attempt took a key's last place; should it fail, that key
    /// refuses until then.
    Admitted { full_until: Option<DateTime<Utc>> },
    /// A key is full: nothing counted; try again after `until`.
    Refused { until: DateTime<Utc> },
}

/// A user as stored, without the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRecord {
    pub id: i32,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub province: String,
    pub commune: Option<String>,
    pub unit: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
}

impl UserRecord {
    pub fn principal(&self) -> Principal {
        Principal {
            user_id: self.id,
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            role: self.role,
            province: self.province.clone(),
            commune: self.commune.clone(),
            unit: self.unit.clone(),
        }
    }
}

/// A user to create. The password arrives hashed: the store never sees it in clear.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Required for `cap_tren` and a province's admin; otherwise taken from the commune.
    pub province: Option<String>,
    pub commune: Option<String>,
    pub unit: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: i32,
    pub user: UserRecord,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Why a new user is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserProblem {
    UsernameTaken,
    UnknownCommune,
    UnknownUnit,
    /// `don_vi` needs a unit; `cap_tren` needs a province and no commune; others a commune.
    WrongBinding,
}

async fn record_of<C: sea_orm::ConnectionTrait>(conn: &C, u: user::Model) -> Result<UserRecord, StoreError> {
    let commune = match u.commune_id {
        Some(id) => commune::Entity::find_by_id(id).one(conn).await?.map(|c| c.code),
        None => None,
    };
    Ok(UserRecord {
        role: Role::from_key(&u.role).ok_or_else(|| StoreError::Corrupt(format!("role {}", u.role)))?,
        id: u.id,
        username: u.username,
        full_name: u.full_name,
        province: u.province_code,
        commune,
        unit: u.unit_code,
        must_change_password: u.must_change_password,
        disabled: u.disabled,
    })
}

impl Store {
    pub async fn user_count(&self) -> Result<u64, StoreError> {
        Ok(user::Entity::find().count(&self.db).await?)
    }

    /// Creates a user, checking that its commune and unit exist and fit its role.
    pub async fn add_user(
        &self,
        new: &NewUser,
        actor: Actor<'_>,
    ) -> Result<Result<UserRecord, UserProblem>, StoreError> {
        let txn = self.write().await?;
        if user::Entity::find().filter(user::Column::Username.eq(&new.username)).one(&txn).await?.is_some() {
            return Ok(Err(UserProblem::UsernameTaken));
        }
        let commune = match &new.commune {
            Some(code) => {
                let mut found = commune::Entity::find().filter(commune::Column::Code.eq(code));
                if let Some(p) = &new.province {
                    found = found.filter(commune::Column::ProvinceCode.eq(p));
                }
                match found.all(&txn).await?.as_slice() {
                    [one] => Some(one.clone()),
                    _ => return Ok(Err(UserProblem::UnknownCommune)),
                }
            }
            None => None,
        };
        let binding_ok = match new.role {
            Role::CapTren => commune.is_none() && new.unit.is_none() && new.province.is_some(),
            Role::TrungUong => commune.is_none() && new.unit.is_none() && new.province.is_none(),
            Role::DonVi => commune.is_some() && new.unit.is_some(),
            Role::Admin => (commune.is_some() || new.province.is_some()) && new.unit.is_none(),
            Role::LanhDao | Role::DauMoi => commune.is_some() && new.unit.is_none(),
        };
        if !binding_ok {
            return Ok(Err(UserProblem::WrongBinding));
        }
        if let (Some(c), Some(code)) = (&commune, &new.unit) {
            let exists = unit::Entity::find()
                .filter(unit::Column::CommuneId.eq(c.id))
                .filter(unit::Column::Code.eq(code))
                .one(&txn)
                .await?
                .is_some();
            if !exists {
                return Ok(Err(UserProblem::UnknownUnit));
            }
        }
        let province = match (&commune, &new.province) {
            (Some(c), _) => c.province_code.clone(),
            (None, Some(p)) => p.clone(),
            // The Ministry's accounts belong to no province.
            (None, None) if new.role == Role::TrungUong => String::new(),
            (None, None) => return Ok(Err(UserProblem::WrongBinding)),
        };
        let now = Utc::now();
        let row = user::ActiveModel {
            username: Set(new.username.clone()),
            full_name: Set(new.full_name.clone()),
            role: Set(new.role.key().into()),
            province_code: Set(province),
            commune_id: Set(commune.as_ref().map(|c| c.id)),
            unit_code: Set(new.unit.clone()),
            password_hash: Set(new.password_hash.clone()),
            must_change_password: Set(new.must_change_password),
            disabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let record = record_of(&txn, row).await?;
        audit::record_in_province(
            &txn,
            &record.province,
            audit::Entry {
                commune_id: commune.as_ref().map(|c| c.id),
                actor,
                action: "user.add",
                record_kind: "user",
                record_key: &record.username,
                before: None,
                after: Some(&record),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Ok(record))
    }

    /// Users, in user-name order; `commune` limits them to one commune, `province` to one
    /// province.
    pub async fn users(&self, province: Option<&str>, commune: Option<&str>) -> Result<Vec<UserRecord>, StoreError> {
        let mut query = user::Entity::find().order_by_asc(user::Column::Username);
        if let Some(p) = province {
            query = query.filter(user::Column::ProvinceCode.eq(p));
        }
        let rows = query.all(&self.db).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let record = record_of(&self.db, row).await?;
            if commune.is_none() || record.commune.as_deref() == commune {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// The user and their password hash, for signing in.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(UserRecord, String)>, StoreError> {
        match user::Entity::find().filter(user::Column::Username.eq(username)).one(&self.db).await? {
            Some(row) => {
                let hash = row.password_hash.clone();
                Ok(Some((record_of(&self.db, row).await?, hash)))
            }
            None => Ok(None),
        }
    }

    pub async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        Ok(self.user_for_login(username).await?.map(|(u, _)| u))
    }

    /// Sets a new password and ends every session of the user, in one transaction.
    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        must_change: bool,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        let action = if must_change { "user.reset_password" } else { "user.change_password" };
        self.change_user(username, action, actor, |active| {
            active.password_hash = Set(password_hash.to_owned());
            active.must_change_password = Set(must_change);
        })
        .await
    }

    /// Disables a user (never deletes): their sessions end, their records keep their name.
    pub async fn disable_user(&self, username: &str, actor: Actor<'_>) -> Result<(), StoreError> {
        self.change_user(username, "user.disable", actor, |active| active.disabled = Set(true)).await
    }

    /// Changes a user's row as `change` says, ends all their sessions (a change of password or
    /// of standing must not leave an old session alive) and writes the audit row, placed at the
    /// user's province and commune so that the admins above the account see it; one
    /// transaction.
    async fn change_user(
        &self,
        username: &str,
        action: &str,
        actor: Actor<'_>,
        change: impl FnOnce(&mut user::ActiveModel),
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let row = user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user `{username}`")))?;
        let before = record_of(&txn, row.clone()).await?;
        let mut active = user::ActiveModel::from(row);
        change(&mut active);
        active.updated_at = Set(Utc::now());
        let after = record_of(&txn, active.update(&txn).await?).await?;
        session::Entity::delete_many().filter(session::Column::UserId.eq(after.id)).exec(&txn).await?;
        let commune_id = user_commune_id(&txn, &after).await?;
        audit::record_in_province(
            &txn,
            &after.province,
            audit::Entry {
                commune_id,
                actor,
                action,
                record_kind: "user",
                record_key: username,
                before: Some(&before),
                after: Some(&after),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        user_id: i32,
        token_hash: &str,
        csrf_token: &str,
        address: Option<&str>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        session::ActiveModel {
            token_hash: Set(token_hash.to_owned()),
            user_id: Set(user_id),
            csrf_token: Set(csrf_token.to_owned()),
            address: Set(address.map(str::to_owned)),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(expires_at),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// The live session with this token hash: not expired, its user not disabled.
    pub async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>, StoreError> {
        let Some(s) = session::Entity::find()
            .filter(session::Column::TokenHash.eq(token_hash))
            .filter(session::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let Some(u) = user::Entity::find_by_id(s.user_id).one(&self.db).await? else {
            return Ok(None);
        };
        if u.disabled {
            return Ok(None);
        }
        Ok(Some(SessionRecord {
            id: s.id,
            user: record_of(&self.db, u).await?,
            csrf_token: s.csrf_token,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        }))
    }

    /// Moves a session's expiry on: it lives while it is used.
    pub async fn touch_session(
        &self,
        id: i32,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
            .filter(session::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        session::Entity::delete_many().filter(session::Column::TokenHash.eq(token_hash)).exec(&self.db).await?;
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    pub async fn session_count(&self, user_id: i32) -> Result<u64, StoreError> {
        Ok(session::Entity::find().filter(session::Column::UserId.eq(user_id)).count(&self.db).await?)
    }

    /// Admits one sign-in attempt, or refuses it. Each `(key, limit)` counts the attempts let
    /// through within `window` of the key's first one; the attempt is counted under every key
    /// unless one has already let `limit` through, and then nothing is counted. The check and the count are one write transaction whose
    /// increment is a single `INSERT … ON CONFLICT DO UPDATE`: however many attempts arrive at
    /// once, no more than `limit` get through.
    pub async fn admit_sign_in(
        &self,
        keys: &[(String, i32)],
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Admission, StoreError> {
        let txn = self.write().await?;
        // A counter whose window is over counts nothing: dropped, so that the table holds no more
        // than a quarter of an hour of attempts however many names and addresses are tried.
        login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::WindowStart.lt(now - window))
            .exec(&txn)
            .await?;
        let mut full_until = None;
        for (key, limit) in keys {
            login_throttle::Entity::insert(login_throttle::ActiveModel {
                key: Set(key.clone()),
                failures: Set(1),
                window_start: Set(now),
                locked_until: Set(None),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::column(login_throttle::Column::Key)
                    .value(
                        login_throttle::Column::Failures,
                        Expr::col((login_throttle::Entity, login_throttle::Column::Failures)).add(1),
                    )
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
            // Read back under the lock the increment took (the row on PostgreSQL, the database
            // on SQLite): no other attempt on this key can come between.
            let row = login_throttle::Entity::find()
                .filter(login_throttle::Column::Key.eq(key.as_str()))
                .one(&txn)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("sign-in counter {key} vanished")))?;
            if now - row.window_start > window {
                // The last window is over: this attempt opens a new one.
                login_throttle::Entity::update_many()
                    .col_expr(login_throttle::Column::Failures, Expr::value(1))
                    .col_expr(login_throttle::Column::WindowStart, Expr::value(now))
                    .filter(login_throttle::Column::Id.eq(row.id))
                    .exec(&txn)
                    .await?;
                if *limit <= 1 {
                    full_until = Ord::max(full_until, Some(now + window));
                }
            } else if row.failures > *limit {
                // Rolled back: a refused attempt counts under no key, so that flooding one
                // account from one address cannot fill the account's or the address's count.
                drop(txn);
                return Ok(Admission::Refused { until: row.window_start + window });
            } else if row.failures == *limit {
                full_until = Ord::max(full_until, Some(row.window_start + window));
            }
        }
        txn.commit().await?;
        Ok(Admission::Admitted { full_until })
    }

    /// After a successful sign-in: the counter `forget` starts again from nothing, and each of
    /// `give_back` returns the attempt it counted, so that only failures stay counted there.
    pub async fn sign_in_succeeded(&self, forget: &str, give_back: &[String]) -> Result<(), StoreError> {
        let txn = self.write().await?;
        login_throttle::Entity::delete_many().filter(login_throttle::Column::Key.eq(forget)).exec(&txn).await?;
        login_throttle::Entity::update_many()
            .col_expr(
                login_throttle::Column::Failures,
                Expr::col((login_throttle::Entity, login_throttle::Column::Failures)).sub(1),
            )
            .filter(login_throttle::Column::Key.is_in(give_back.iter().cloned()))
            .filter(login_throttle::Column::Failures.gt(0))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The attempts counted under `key` in its current window (0 without a counter): for tests
    /// and diagnosis.
    pub async fn sign_in_attempts(&self, key: &str) -> Result<i32, StoreError> {
        let row = login_throttle::Entity::find().filter(login_throttle::Column::Key.eq(key)).one(&self.db).await?;
        Ok(row.map_or(0, |r| r.failures))
    }
}

async fn user_commune_id<C: sea_orm::ConnectionTrait>(conn: &C, u: &UserRecord) -> Result<Option<i32>, StoreError> {
    Ok(match &u.commune {
        Some(code) => commune::Entity::find()
            .filter(commune::Column::Code.eq(code))
            .filter(commune::Column::ProvinceCode.eq(&u.province))
            .one(conn)
            .await?
            .map(|c| c.id),
        None => None,
    })
}
