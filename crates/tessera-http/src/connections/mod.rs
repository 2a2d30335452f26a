//! Tessera accepts and serves its HTTP/1.1 connections itself rather than through `axum::serve`,
//! so that clients which only hold a socket cannot exhaust the server:
//!
//! - a new connection must send a whole request head within the header-read timeout, and so must
//!   a request begun on a kept-alive connection;
//! - a kept-alive connection with no new request closes after the idle timeout;
//! - at the connection cap, a new connection closes the one that has waited longest without a
//!   request in progress; if every connection is busy with a request, the new one gets a 503;
//! - out of file descriptors at `accept`, the longest-waiting connection is closed the same way.
//!
//! A connection is never closed by these rules while a request on it is being handled, so no
//! handler is cut off halfway. Request bodies that stall are answered 408 by `body.rs`.

mod accept;
mod connection;
mod limits;
mod registry;
mod tracked_io;

pub use accept::serve;
pub use limits::{ADMIN_CONNECTIONS, ConnectionLimits, api_connection_cap};
