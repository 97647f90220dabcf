//! Integration tests: a real server on a real socket, real SQLite on disk
//! (or a real PostgreSQL, with `SAMPLAN_TEST_DATABASE`: see `harness`), and
//! clients that speak the protocol with `shared::sync_client`.

mod access;
mod access_log;
mod app_files;
mod backup;
mod crash;
mod ephemeral;
mod gallring;
mod harness;
mod identity;
mod limits;
mod metrics;
mod my_plans;
mod notifications;
mod oidc;
mod operations;
mod protocol;
mod relays;
mod rules;
mod security;
mod sync;
