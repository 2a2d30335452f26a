//! The real `tessera` binary, as an operator runs it: processes, ports, files, exit codes.

mod bad_input;
mod check_env;
mod provider;
mod replicas;
mod serving;
mod support;
