//! Users, sessions and the failed-login counters.

use chrono::{DateTime, Duration, Utc};
use kehoach_domain::{Principal, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::entity::{commune, login_throttle, session, unit, user};
use crate::{Store, StoreError};

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
        let txn = self.db.begin().await?;
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
        let txn = self.db.begin().await?;
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

    /// Until when the latest lock among `keys` holds, if any does now.
    pub async fn locked_until(&self, keys: &[String], now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        let rows = login_throttle::Entity::find()
            .filter(login_throttle::Column::Key.is_in(keys.iter().cloned()))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().filter_map(|r| r.locked_until).filter(|t| *t > now).max())
    }

    /// Counts a failed sign-in under `key`; after `limit` failures within `window`, locks the
    /// key for `lock`. A lock in force is never lifted by a failure counted during it (a request
    /// that passed the check before the lock was set). Returns the end of the lock in force after
    /// this failure, if any.
    pub async fn count_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        limit: i32,
        window: Duration,
        lock: Duration,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let txn = self.db.begin().await?;
        let existing = login_throttle::Entity::find().filter(login_throttle::Column::Key.eq(key)).one(&txn).await?;
        let in_force = existing.as_ref().and_then(|r| r.locked_until).filter(|t| *t > now);
        let (mut row, failures) = match existing {
            Some(r) if now - r.window_start <= window => {
                let failures = r.failures + 1;
                (login_throttle::ActiveModel::from(r), failures)
            }
            Some(r) => {
                let mut a = login_throttle::ActiveModel::from(r);
                a.window_start = Set(now);
                (a, 1)
            }
            None => (
                login_throttle::ActiveModel { key: Set(key.to_owned()), window_start: Set(now), ..Default::default() },
                1,
            ),
        };
        let locked = (failures >= limit).then(|| now + lock);
        row.failures = Set(if locked.is_some() { 0 } else { failures });
        let until = locked.max(in_force);
        row.locked_until = Set(until);
        if locked.is_some() {
            row.window_start = Set(now);
        }
        row.save(&txn).await?;
        txn.commit().await?;
        Ok(until)
    }

    /// Forgets the failures under `key` (after a successful sign-in).
    pub async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        login_throttle::Entity::delete_many().filter(login_throttle::Column::Key.eq(key)).exec(&self.db).await?;
        Ok(())
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
