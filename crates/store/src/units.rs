//! A commune's units and unit groups: kept by the plan file and by the commune's admin.

use chrono::{DateTime, Utc};
use kehoach_domain::text::{fold, sort_vi_by};
use kehoach_domain::{Commune, Unit, UnitGroup, UnitKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TryIntoModel,
};

use crate::audit::{self, Actor};
use crate::entity::{commune, unit, unit_group, unit_group_member};
use crate::plans::commune_of;
use crate::{Store, StoreError};

impl Store {
    /// Every commune in the database.
    pub async fn communes(&self) -> Result<Vec<Commune>, StoreError> {
        let mut communes: Vec<Commune> = commune::Entity::find().all(&self.db).await?.iter().map(commune_of).collect();
        sort_vi_by(&mut communes, |c| &c.name);
        Ok(communes)
    }

    /// The commune with this code. A code shared by communes of two provinces must be written
    /// `province/commune`.
    async fn find_commune(&self, code: &str) -> Result<commune::Model, StoreError> {
        let (province, code) = match code.split_once('/') {
            Some((p, c)) => (Some(p), c),
            None => (None, code),
        };
        let mut query = commune::Entity::find().filter(commune::Column::Code.eq(code));
        if let Some(p) = province {
            query = query.filter(commune::Column::ProvinceCode.eq(p));
        }
        let mut found = query.all(&self.db).await?;
        match found.len() {
            0 => Err(StoreError::NotFound(format!("commune `{code}`"))),
            1 => Ok(found.remove(0)),
            _ => Err(StoreError::Conflict(format!(
                "several provinces have a commune `{code}`: write it as province/{code}"
            ))),
        }
    }

    /// The commune's active units, by kind then in Vietnamese alphabetical order.
    pub async fn units(&self, commune: &str) -> Result<Vec<Unit>, StoreError> {
        let commune = self.find_commune(commune).await?;
        load_units(&self.db, commune.id).await
    }

    /// Adds units to a commune, all or none: a code already used by a unit or group refuses
    /// the whole batch.
    pub async fn add_units(&self, commune: &str, units: &[Unit], actor: Actor<'_>) -> Result<usize, StoreError> {
        let commune = self.find_commune(commune).await?;
        let txn = self.write().await?;
        let taken: Vec<String> = unit::Entity::find()
            .filter(unit::Column::CommuneId.eq(commune.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|u| u.code)
            .chain(
                unit_group::Entity::find()
                    .filter(unit_group::Column::CommuneId.eq(commune.id))
                    .all(&txn)
                    .await?
                    .into_iter()
                    .map(|g| g.code),
            )
            .collect();
        let clashes: Vec<&str> =
            units.iter().map(|u| u.code.as_str()).filter(|c| taken.iter().any(|t| t == c)).collect();
        if !clashes.is_empty() {
            return Err(StoreError::Conflict(format!("codes already in use: {}", clashes.join(", "))));
        }
        let now = Utc::now();
        for u in units {
            // A plain insert, not the plan import's upsert: on PostgreSQL another transaction
            // may have added the same code since the check above (each statement sees what is
            // committed), and the unique index must then refuse it (a conflict), not let this
            // one overwrite it.
            unit::ActiveModel {
                commune_id: Set(commune.id),
                code: Set(u.code.clone()),
                name: Set(u.name.clone()),
                name_key: Set(fold(&u.name)),
                kind: Set(u.kind.key().into()),
                sample: Set(u.sample),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?;
            audit::record(
                &txn,
                audit::Entry {
                    commune_id: Some(commune.id),
                    actor,
                    action: "unit.add",
                    record_kind: "unit",
                    record_key: &format!("{}/{}", commune.code, u.code),
                    before: None,
                    after: Some(u),
                },
            )
            .await?;
        }
        crate::revisions::plan_of_commune(&txn, commune.id).await?;
        txn.commit().await?;
        Ok(units.len())
    }
}

pub(crate) async fn upsert_commune<C: ConnectionTrait>(
    conn: &C,
    c: &Commune,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let existing = commune::Entity::find()
        .filter(commune::Column::ProvinceCode.eq(&c.province_code))
        .filter(commune::Column::Code.eq(&c.code))
        .one(conn)
        .await?;
    let mut row = match existing {
        Some(row) => commune::ActiveModel::from(row),
        None => commune::ActiveModel {
            code: Set(c.code.clone()),
            province_code: Set(c.province_code.clone()),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.name = Set(c.name.clone());
    row.kind = Set(c.kind.clone());
    row.province = Set(c.province.clone());
    Ok(row.save(conn).await?.try_into_model()?.id)
}

pub(crate) async fn upsert_unit<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    u: &Unit,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let existing = unit::Entity::find()
        .filter(unit::Column::CommuneId.eq(commune_id))
        .filter(unit::Column::Code.eq(&u.code))
        .one(conn)
        .await?;
    let mut row = match existing {
        Some(row) => unit::ActiveModel::from(row),
        None => unit::ActiveModel {
            commune_id: Set(commune_id),
            code: Set(u.code.clone()),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.name = Set(u.name.clone());
    row.name_key = Set(fold(&u.name));
    row.kind = Set(u.kind.key().into());
    row.sample = Set(u.sample);
    row.active = Set(true);
    Ok(row.save(conn).await?.try_into_model()?.id)
}

pub(crate) async fn upsert_group<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    g: &UnitGroup,
) -> Result<(), StoreError> {
    let existing = unit_group::Entity::find()
        .filter(unit_group::Column::CommuneId.eq(commune_id))
        .filter(unit_group::Column::Code.eq(&g.code))
        .one(conn)
        .await?;
    let mut row = match existing {
        Some(row) => unit_group::ActiveModel::from(row),
        None => {
            unit_group::ActiveModel { commune_id: Set(commune_id), code: Set(g.code.clone()), ..Default::default() }
        }
    };
    row.name = Set(g.name.clone());
    row.kinds = Set(g.kinds.iter().map(|k| k.key()).collect::<Vec<_>>().join(","));
    let group_id = row.save(conn).await?.try_into_model()?.id;

    unit_group_member::Entity::delete_many().filter(unit_group_member::Column::GroupId.eq(group_id)).exec(conn).await?;
    for code in &g.members {
        let unit = unit::Entity::find()
            .filter(unit::Column::CommuneId.eq(commune_id))
            .filter(unit::Column::Code.eq(code))
            .one(conn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("unit `{code}`")))?;
        unit_group_member::ActiveModel {
            commune_id: Set(commune_id),
            group_id: Set(group_id),
            unit_id: Set(unit.id),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

fn kind_order(kind: UnitKind) -> usize {
    UnitKind::ALL.iter().position(|k| *k == kind).unwrap_or(usize::MAX)
}

pub(crate) async fn load_units<C: ConnectionTrait>(conn: &C, commune_id: i32) -> Result<Vec<Unit>, StoreError> {
    let mut units = unit::Entity::find()
        .filter(unit::Column::CommuneId.eq(commune_id))
        .filter(unit::Column::Active.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| {
            Ok(Unit {
                kind: UnitKind::from_key(&u.kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("unit kind {}", u.kind)))?,
                code: u.code,
                name: u.name,
                sample: u.sample,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    sort_vi_by(&mut units, |u| &u.name);
    units.sort_by_key(|u| kind_order(u.kind));
    Ok(units)
}

pub(crate) async fn load_groups<C: ConnectionTrait>(conn: &C, commune_id: i32) -> Result<Vec<UnitGroup>, StoreError> {
    let groups = unit_group::Entity::find()
        .filter(unit_group::Column::CommuneId.eq(commune_id))
        .order_by_asc(unit_group::Column::Id)
        .all(conn)
        .await?;
    let members =
        unit_group_member::Entity::find().filter(unit_group_member::Column::CommuneId.eq(commune_id)).all(conn).await?;
    let units = unit::Entity::find().filter(unit::Column::CommuneId.eq(commune_id)).all(conn).await?;
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let kinds = g
            .kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| UnitKind::from_key(k).ok_or_else(|| StoreError::Corrupt(format!("unit kind {k}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let members = members
            .iter()
            .filter(|m| m.group_id == g.id)
            .filter_map(|m| units.iter().find(|u| u.id == m.unit_id).map(|u| u.code.clone()))
            .collect();
        out.push(UnitGroup { code: g.code, name: g.name, kinds, members });
    }
    Ok(out)
}

/// A unit's contact person for the plan's work (đầu mối liên hệ, plan IV.2). Personal data: not
/// public.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnitContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
}

impl Store {
    /// The province and commune a plan belongs to: the scope its routes act in.
    pub async fn plan_scope(&self, plan_id: &str) -> Result<Option<(String, String)>, StoreError> {
        use crate::entity::plan;
        let Some(p) = plan::Entity::find().filter(plan::Column::Slug.eq(plan_id)).one(&self.db).await? else {
            return Ok(None);
        };
        Ok(commune::Entity::find_by_id(p.commune_id).one(&self.db).await?.map(|c| (c.province_code, c.code)))
    }

    async fn unit_row(
        &self,
        province: &str,
        commune_code: &str,
        unit_code: &str,
    ) -> Result<Option<(commune::Model, unit::Model)>, StoreError> {
        let Some(c) = commune::Entity::find()
            .filter(commune::Column::ProvinceCode.eq(province))
            .filter(commune::Column::Code.eq(commune_code))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let u = unit::Entity::find()
            .filter(unit::Column::CommuneId.eq(c.id))
            .filter(unit::Column::Code.eq(unit_code))
            .one(&self.db)
            .await?;
        Ok(u.map(|u| (c, u)))
    }

    pub async fn unit_contact(
        &self,
        province: &str,
        commune: &str,
        unit_code: &str,
    ) -> Result<Option<UnitContact>, StoreError> {
        Ok(self.unit_row(province, commune, unit_code).await?.map(|(_, u)| UnitContact {
            name: u.contact_name,
            phone: u.contact_phone,
            note: u.contact_note,
        }))
    }

    /// Replaces a unit's contact person, with its audit row, in one transaction.
    pub async fn set_unit_contact(
        &self,
        province: &str,
        commune: &str,
        unit_code: &str,
        contact: &UnitContact,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let (c, u) = unit_for_update(&txn, province, commune, unit_code).await?;
        let before =
            UnitContact { name: u.contact_name.clone(), phone: u.contact_phone.clone(), note: u.contact_note.clone() };
        let mut row = unit::ActiveModel::from(u);
        row.contact_name = Set(contact.name.clone());
        row.contact_phone = Set(contact.phone.clone());
        row.contact_note = Set(contact.note.clone());
        row.updated_at = Set(Some(Utc::now()));
        row.update(&txn).await?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(c.id),
                actor,
                action: "unit.contact",
                record_kind: "unit",
                record_key: &format!("{}/{}", c.code, unit_code),
                before: Some(&before),
                after: Some(contact),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// What the audit row of a new calendar link says: that it changed, never the secret itself.
#[derive(serde::Serialize)]
struct CalendarLink {
    renewed: bool,
}

impl Store {
    /// The secret of a unit's private calendar link, if it has one.
    pub async fn calendar_secret(
        &self,
        province: &str,
        commune: &str,
        unit_code: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self.unit_row(province, commune, unit_code).await?.and_then(|(_, u)| u.calendar_secret))
    }

    /// Gives a unit's private calendar link a new secret: the old link stops working at once.
    /// The audit row says who did it, not the secret.
    pub async fn renew_calendar_secret(
        &self,
        province: &str,
        commune: &str,
        unit_code: &str,
        secret: &str,
        actor: Actor<'_>,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let (c, u) = unit_for_update(&txn, province, commune, unit_code).await?;
        let renewed = u.calendar_secret.is_some();
        let mut row = unit::ActiveModel::from(u);
        row.calendar_secret = Set(Some(secret.to_owned()));
        row.update(&txn).await?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(c.id),
                actor,
                action: "unit.calendar_secret",
                record_kind: "unit",
                record_key: &format!("{}/{}", c.code, unit_code),
                before: None,
                after: Some(&CalendarLink { renewed }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// A commune's unit, read through the write transaction `txn` (a writer holds SQLite's write
/// lock and must not wait for another connection) with its row locked until the transaction
/// ends (`FOR UPDATE` on PostgreSQL): two changes at once are one after the other, and each
/// audit row's "before" is what it replaced.
async fn unit_for_update<C: ConnectionTrait>(
    txn: &C,
    province: &str,
    commune: &str,
    unit_code: &str,
) -> Result<(commune::Model, unit::Model), StoreError> {
    let c = commune::Entity::find()
        .filter(commune::Column::ProvinceCode.eq(province))
        .filter(commune::Column::Code.eq(commune))
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("commune `{commune}`")))?;
    let u = unit::Entity::find()
        .filter(unit::Column::CommuneId.eq(c.id))
        .filter(unit::Column::Code.eq(unit_code))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("unit `{unit_code}`")))?;
    Ok((c, u))
}
