//! The real `tessera` binary, as an operator runs it: processes, ports, files, exit codes.

mod backup;
mod bad_input;
mod browser;
mod check_env;
mod compose;
mod demo;
mod healthcheck;
mod identity;
mod idp;
mod ingest;
mod ingestion_client;
mod key_rotation;
mod migrate_db;
mod postgres_restart;
mod provider;
pub mod replicas;
mod sdk_roundtrip;
mod search_index;
mod serving;
mod signin;
mod slow_clients;
mod support;
mod topology;
