//! 連絡帳 across offices: recipients registered with consent, teams, posts, 既読 and 確認, the
//! urgent email, closing, and who may do what — checked in careboard itself, not only at the
//! gateway.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod api_client;
mod authz;
mod consents;
mod fhir;
mod files;
mod files_authz;
mod files_crash;
mod forms;
mod idempotency;
mod mail_and_live;
mod races;
mod reads;
mod s3_server;
mod search;
mod statements;
mod stream_end;
mod timeline;
mod world;
mod writing;
