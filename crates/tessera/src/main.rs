//! The `tessera` binary: command-line parsing and wiring; the work lives in the library crates.

mod backup;
mod cli;
mod commands;
mod demo;
mod healthcheck;
mod key_rotation;
mod logging;
mod memory;
mod migrate_db;
mod open_files;
mod reindex;
mod serve;
mod shutdown;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: glibc keeps the memory of a burst of connections
/// for good (RSS ratchets up with every new peak), mimalloc gives it back once the burst is over
/// (bench/README.md, "Memory over time").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    memory::purge_at_once();
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tessera: {error:#}");
            ExitCode::from(2)
        }
    }
}
