//! SeaORM entities, one per table. Every table carries `commune_id`: one database can hold all
//! communes of a province.

pub mod audit;
pub mod commune;
pub mod commune_report;
pub mod commune_report_record;
pub mod document_number;
pub mod indicator;
pub mod indicator_section;
pub mod initiative_council;
pub mod initiative_decision;
pub mod initiative_round;
pub mod initiative_score;
pub mod login_throttle;
pub mod plan;
pub mod plan_reference;
pub mod province;
pub mod province_figure;
pub mod province_handoff;
pub mod register_file;
pub mod register_record;
pub mod report_file;
pub mod report_request;
pub mod report_version;
pub mod responsibility;
pub mod session;
pub mod target;
pub mod task;
pub mod task_group;
pub mod unit;
pub mod unit_group;
pub mod unit_group_member;
pub mod unit_report;
pub mod user;
