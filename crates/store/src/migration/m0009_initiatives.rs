//! The initiative recognition cycle (sáng kiến): a round per commune and year, its council,
//! the members' score sheets and the leader's decisions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum InitiativeRounds {
    Table,
    Id,
    CommuneId,
    PlanId,
    Year,
    State,
    RulesJson,
    OpenedBy,
    OpenedAt,
    ClosedBy,
    ClosedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InitiativeCouncil {
    Table,
    Id,
    RoundId,
    Username,
}

#[derive(DeriveIden, Clone, Copy)]
enum InitiativeScores {
    Table,
    Id,
    RoundId,
    RecordId,
    Member,
    ScoresJson,
    ScoredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InitiativeDecisions {
    Table,
    Id,
    RoundId,
    RecordId,
    Recognised,
    Note,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Communes {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Plans {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum RegisterRecords {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use InitiativeRounds as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .if_not_exists()
                .col(pk_auto(R::Id))
                .col(integer(R::CommuneId))
                .col(integer(R::PlanId))
                .col(integer(R::Year))
                .col(string(R::State))
                .col(text(R::RulesJson))
                .col(string(R::OpenedBy))
                .col(timestamp_with_time_zone(R::OpenedAt))
                .col(string_null(R::ClosedBy))
                .col(timestamp_with_time_zone_null(R::ClosedAt))
                .foreign_key(&mut cascade(R::Table, R::CommuneId, Communes::Table, Communes::Id))
                .foreign_key(&mut cascade(R::Table, R::PlanId, Plans::Table, Plans::Id))
                .to_owned(),
        )
        .await?;
        // One round a year per commune: a second one is refused by the database too.
        m.create_index(
            Index::create()
                .name("ux_initiative_rounds_year")
                .table(R::Table)
                .col(R::CommuneId)
                .col(R::Year)
                .unique()
                .to_owned(),
        )
        .await?;

        use InitiativeCouncil as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .if_not_exists()
                .col(pk_auto(C::Id))
                .col(integer(C::RoundId))
                .col(string(C::Username))
                .foreign_key(&mut cascade(C::Table, C::RoundId, R::Table, R::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_initiative_council")
                .table(C::Table)
                .col(C::RoundId)
                .col(C::Username)
                .unique()
                .to_owned(),
        )
        .await?;

        use InitiativeScores as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .if_not_exists()
                .col(pk_auto(S::Id))
                .col(integer(S::RoundId))
                .col(integer(S::RecordId))
                .col(string(S::Member))
                .col(text(S::ScoresJson))
                .col(timestamp_with_time_zone(S::ScoredAt))
                .foreign_key(&mut cascade(S::Table, S::RoundId, R::Table, R::Id))
                .foreign_key(&mut cascade(S::Table, S::RecordId, RegisterRecords::Table, RegisterRecords::Id))
                .to_owned(),
        )
        .await?;
        // One sheet per member per initiative: scoring again replaces it.
        m.create_index(
            Index::create()
                .name("ux_initiative_scores")
                .table(S::Table)
                .col(S::RoundId)
                .col(S::RecordId)
                .col(S::Member)
                .unique()
                .to_owned(),
        )
        .await?;

        use InitiativeDecisions as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .if_not_exists()
                .col(pk_auto(D::Id))
                .col(integer(D::RoundId))
                .col(integer(D::RecordId))
                .col(boolean(D::Recognised))
                .col(text(D::Note))
                .col(string(D::DecidedBy))
                .col(timestamp_with_time_zone(D::DecidedAt))
                .foreign_key(&mut cascade(D::Table, D::RoundId, R::Table, R::Id))
                .foreign_key(&mut cascade(D::Table, D::RecordId, RegisterRecords::Table, RegisterRecords::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_initiative_decisions")
                .table(D::Table)
                .col(D::RoundId)
                .col(D::RecordId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["initiative_decisions", "initiative_scores", "initiative_council", "initiative_rounds"] {
            m.drop_table(Table::drop().table(Alias::new(table)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
