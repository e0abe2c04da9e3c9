//! Accounts: users, their sessions, failed-login counters; a unit's contact person.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    Username,
    FullName,
    Role,
    ProvinceCode,
    CommuneId,
    UnitCode,
    PasswordHash,
    MustChangePassword,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    CsrfToken,
    Address,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LoginThrottle {
    Table,
    Id,
    Key,
    Failures,
    WindowStart,
    LockedUntil,
}

#[derive(DeriveIden, Clone, Copy)]
enum Units {
    Table,
    ContactName,
    ContactPhone,
    ContactNote,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Communes {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .if_not_exists()
                .col(pk_auto(Users::Id))
                .col(string_uniq(Users::Username))
                .col(string(Users::FullName))
                .col(string(Users::Role))
                .col(string(Users::ProvinceCode))
                .col(integer_null(Users::CommuneId))
                .col(string_null(Users::UnitCode))
                .col(string(Users::PasswordHash))
                .col(boolean(Users::MustChangePassword))
                .col(boolean(Users::Disabled))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from_tbl(Users::Table)
                        .from_col(Users::CommuneId)
                        .to_tbl(Communes::Table)
                        .to_col(Communes::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .if_not_exists()
                .col(pk_auto(Sessions::Id))
                .col(string_uniq(Sessions::TokenHash))
                .col(integer(Sessions::UserId))
                .col(string(Sessions::CsrfToken))
                .col(string_null(Sessions::Address))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .from_tbl(Sessions::Table)
                        .from_col(Sessions::UserId)
                        .to_tbl(Users::Table)
                        .to_col(Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .if_not_exists()
                .col(pk_auto(LoginThrottle::Id))
                .col(string_uniq(LoginThrottle::Key))
                .col(integer(LoginThrottle::Failures))
                .col(timestamp_with_time_zone(LoginThrottle::WindowStart))
                .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                .to_owned(),
        )
        .await?;

        for col in [Units::ContactName, Units::ContactPhone, Units::ContactNote] {
            m.alter_table(Table::alter().table(Units::Table).add_column(string_null(col)).to_owned()).await?;
        }
        m.alter_table(
            Table::alter().table(Units::Table).add_column(timestamp_with_time_zone_null(Units::UpdatedAt)).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Units::ContactName, Units::ContactPhone, Units::ContactNote, Units::UpdatedAt] {
            m.alter_table(Table::alter().table(Units::Table).drop_column(col).to_owned()).await?;
        }
        for table in [Alias::new("login_throttle"), Alias::new("sessions"), Alias::new("users")] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
