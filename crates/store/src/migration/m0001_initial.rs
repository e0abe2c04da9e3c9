//! Communes, their units and groups, plans with their indicators and tasks, the audit trail.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Communes {
    Table,
    Id,
    Code,
    Name,
    Kind,
    ProvinceCode,
    Province,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Units {
    Table,
    Id,
    CommuneId,
    Code,
    Name,
    NameKey,
    Kind,
    Sample,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UnitGroups {
    Table,
    Id,
    CommuneId,
    Code,
    Name,
    Kinds,
}

#[derive(DeriveIden, Clone, Copy)]
enum UnitGroupMembers {
    Table,
    Id,
    CommuneId,
    GroupId,
    UnitId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Plans {
    Table,
    Id,
    CommuneId,
    Slug,
    Year,
    Title,
    Number,
    Symbol,
    IssuedOn,
    TextJson,
    ImportedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IndicatorSections {
    Table,
    CommuneId,
    PlanId,
    Position,
    Code,
    Title,
    InAppendix,
}

#[derive(DeriveIden, Clone, Copy)]
enum Indicators {
    Table,
    CommuneId,
    PlanId,
    Position,
    Code,
    SectionCode,
    Number,
    Name,
    MeasureUnit,
    Kind,
    BaselineText,
    BaselineValue,
    TargetText,
    TargetValue,
    CoordinatorsText,
}

#[derive(DeriveIden, Clone, Copy)]
enum Targets {
    Table,
    CommuneId,
    PlanId,
    Position,
    Text,
    IndicatorCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum TaskGroups {
    Table,
    CommuneId,
    PlanId,
    Position,
    Code,
    Title,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tasks {
    Table,
    CommuneId,
    PlanId,
    Position,
    Code,
    GroupCode,
    Number,
    Content,
    Description,
    CoordinatorsText,
    TimeFrame,
    TimeFrameYear,
}

#[derive(DeriveIden, Clone, Copy)]
enum Responsibilities {
    Table,
    CommuneId,
    PlanId,
    SubjectKind,
    SubjectCode,
    Role,
    Position,
    RefKind,
    RefCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    CommuneId,
    At,
    Actor,
    Address,
    Action,
    RecordKind,
    RecordKey,
    BeforeJson,
    AfterJson,
}

/// The columns every plan child table starts with: id, commune, plan, position.
fn plan_child(
    table: impl IntoIden + Copy + 'static,
    commune: impl IntoIden + Copy,
    plan: impl IntoIden + Copy,
    position: impl IntoIden,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .if_not_exists()
        .col(pk_auto(Alias::new("id")))
        .col(integer(commune))
        .col(integer(plan))
        .col(integer(position))
        .foreign_key(&mut cascade(table, commune, Communes::Table, Communes::Id))
        .foreign_key(&mut cascade(table, plan, Plans::Table, Plans::Id))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Communes::Table)
                .if_not_exists()
                .col(pk_auto(Communes::Id))
                .col(string(Communes::Code))
                .col(string(Communes::Name))
                .col(string(Communes::Kind))
                .col(string(Communes::ProvinceCode))
                .col(string(Communes::Province))
                .col(timestamp_with_time_zone(Communes::CreatedAt))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_communes_code", Communes::Table, &[Communes::ProvinceCode, Communes::Code]).await?;

        m.create_table(
            Table::create()
                .table(Units::Table)
                .if_not_exists()
                .col(pk_auto(Units::Id))
                .col(integer(Units::CommuneId))
                .col(string(Units::Code))
                .col(string(Units::Name))
                .col(string(Units::NameKey))
                .col(string(Units::Kind))
                .col(boolean(Units::Sample))
                .col(boolean(Units::Active))
                .col(timestamp_with_time_zone(Units::CreatedAt))
                .foreign_key(&mut cascade(Units::Table, Units::CommuneId, Communes::Table, Communes::Id))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_units_code", Units::Table, &[Units::CommuneId, Units::Code]).await?;

        m.create_table(
            Table::create()
                .table(UnitGroups::Table)
                .if_not_exists()
                .col(pk_auto(UnitGroups::Id))
                .col(integer(UnitGroups::CommuneId))
                .col(string(UnitGroups::Code))
                .col(string(UnitGroups::Name))
                .col(string(UnitGroups::Kinds))
                .foreign_key(&mut cascade(UnitGroups::Table, UnitGroups::CommuneId, Communes::Table, Communes::Id))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_unit_groups_code", UnitGroups::Table, &[UnitGroups::CommuneId, UnitGroups::Code]).await?;

        m.create_table(
            Table::create()
                .table(UnitGroupMembers::Table)
                .if_not_exists()
                .col(pk_auto(UnitGroupMembers::Id))
                .col(integer(UnitGroupMembers::CommuneId))
                .col(integer(UnitGroupMembers::GroupId))
                .col(integer(UnitGroupMembers::UnitId))
                .foreign_key(&mut cascade(
                    UnitGroupMembers::Table,
                    UnitGroupMembers::CommuneId,
                    Communes::Table,
                    Communes::Id,
                ))
                .foreign_key(&mut cascade(
                    UnitGroupMembers::Table,
                    UnitGroupMembers::GroupId,
                    UnitGroups::Table,
                    UnitGroups::Id,
                ))
                .foreign_key(&mut cascade(UnitGroupMembers::Table, UnitGroupMembers::UnitId, Units::Table, Units::Id))
                .to_owned(),
        )
        .await?;
        unique(
            m,
            "ux_unit_group_members",
            UnitGroupMembers::Table,
            &[UnitGroupMembers::GroupId, UnitGroupMembers::UnitId],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Plans::Table)
                .if_not_exists()
                .col(pk_auto(Plans::Id))
                .col(integer(Plans::CommuneId))
                .col(string(Plans::Slug))
                .col(integer(Plans::Year))
                .col(text(Plans::Title))
                .col(string_null(Plans::Number))
                .col(string(Plans::Symbol))
                .col(date_null(Plans::IssuedOn))
                .col(text(Plans::TextJson))
                .col(timestamp_with_time_zone(Plans::ImportedAt))
                .col(timestamp_with_time_zone(Plans::UpdatedAt))
                .foreign_key(&mut cascade(Plans::Table, Plans::CommuneId, Communes::Table, Communes::Id))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_plans_slug", Plans::Table, &[Plans::Slug]).await?;

        m.create_table(
            plan_child(
                IndicatorSections::Table,
                IndicatorSections::CommuneId,
                IndicatorSections::PlanId,
                IndicatorSections::Position,
            )
            .col(string(IndicatorSections::Code))
            .col(text(IndicatorSections::Title))
            .col(boolean(IndicatorSections::InAppendix))
            .to_owned(),
        )
        .await?;
        unique(
            m,
            "ux_indicator_sections",
            IndicatorSections::Table,
            &[IndicatorSections::PlanId, IndicatorSections::Code],
        )
        .await?;

        m.create_table(
            plan_child(Indicators::Table, Indicators::CommuneId, Indicators::PlanId, Indicators::Position)
                .col(string(Indicators::Code))
                .col(string(Indicators::SectionCode))
                .col(string(Indicators::Number))
                .col(text(Indicators::Name))
                .col(string_null(Indicators::MeasureUnit))
                .col(string(Indicators::Kind))
                .col(text(Indicators::BaselineText))
                .col(double_null(Indicators::BaselineValue))
                .col(text(Indicators::TargetText))
                .col(double_null(Indicators::TargetValue))
                .col(text_null(Indicators::CoordinatorsText))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_indicators", Indicators::Table, &[Indicators::PlanId, Indicators::Code]).await?;

        m.create_table(
            plan_child(Targets::Table, Targets::CommuneId, Targets::PlanId, Targets::Position)
                .col(text(Targets::Text))
                .col(string(Targets::IndicatorCode))
                .to_owned(),
        )
        .await?;

        m.create_table(
            plan_child(TaskGroups::Table, TaskGroups::CommuneId, TaskGroups::PlanId, TaskGroups::Position)
                .col(string(TaskGroups::Code))
                .col(text(TaskGroups::Title))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_task_groups", TaskGroups::Table, &[TaskGroups::PlanId, TaskGroups::Code]).await?;

        m.create_table(
            plan_child(Tasks::Table, Tasks::CommuneId, Tasks::PlanId, Tasks::Position)
                .col(string(Tasks::Code))
                .col(string(Tasks::GroupCode))
                .col(string(Tasks::Number))
                .col(text(Tasks::Content))
                .col(text(Tasks::Description))
                .col(text_null(Tasks::CoordinatorsText))
                .col(string(Tasks::TimeFrame))
                .col(integer_null(Tasks::TimeFrameYear))
                .to_owned(),
        )
        .await?;
        unique(m, "ux_tasks", Tasks::Table, &[Tasks::PlanId, Tasks::Code]).await?;

        m.create_table(
            plan_child(
                Responsibilities::Table,
                Responsibilities::CommuneId,
                Responsibilities::PlanId,
                Responsibilities::Position,
            )
            .col(string(Responsibilities::SubjectKind))
            .col(string(Responsibilities::SubjectCode))
            .col(string(Responsibilities::Role))
            .col(string(Responsibilities::RefKind))
            .col(string(Responsibilities::RefCode))
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_responsibilities_ref")
                .table(Responsibilities::Table)
                .col(Responsibilities::CommuneId)
                .col(Responsibilities::RefCode)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .if_not_exists()
                .col(pk_auto(AuditLog::Id))
                .col(integer_null(AuditLog::CommuneId))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(string(AuditLog::Actor))
                .col(string_null(AuditLog::Address))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::RecordKind))
                .col(string(AuditLog::RecordKey))
                .col(text_null(AuditLog::BeforeJson))
                .col(text_null(AuditLog::AfterJson))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_record")
                .table(AuditLog::Table)
                .col(AuditLog::RecordKind)
                .col(AuditLog::RecordKey)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Alias::new("audit_log"),
            Alias::new("responsibilities"),
            Alias::new("tasks"),
            Alias::new("task_groups"),
            Alias::new("targets"),
            Alias::new("indicators"),
            Alias::new("indicator_sections"),
            Alias::new("plans"),
            Alias::new("unit_group_members"),
            Alias::new("unit_groups"),
            Alias::new("units"),
            Alias::new("communes"),
        ] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

async fn unique<T: IntoIden + Copy + 'static>(
    m: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[T],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table).unique();
    for col in cols {
        index.col(*col);
    }
    m.create_index(index.to_owned()).await
}
