//! The program's wiring, shared by the `tessera` binary and the HTTP crate's tests.

pub mod wire;
