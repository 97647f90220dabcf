//! The functional core of Samplan, shared by the app and the server.
//!
//! Nothing here does IO: the app (browser) and the server (relay) are the
//! shells around it, and both speak the vocabulary defined here.
//!
//! - [`api`]: the HTTP API's requests and answers (`/api/…`), for the
//!   server's handlers and the app's calls.
//! - [`role`]: a member's role in a plan ([`Role`]).
//! - [`document_id`]: automerge-repo document ids (`automerge:<bs58check>`).
//! - [`wire`]: the automerge-repo WebSocket messages, typed, with CBOR
//!   encoding and decoding that tolerates what the JS client sends.
//! - [`plan`]: the SIP plan as an Automerge document (typed with autosurgeon),
//!   its edits, completeness checklist and validation.
//! - [`plan_list`]: "Mina planer": the server's plans and the device's,
//!   searched and filtered.
//! - [`plan_summary`]: what a list of plans shows of one plan, read
//!   without reading the whole plan.
//! - [`self_reports`]: the person's own progress reports, a document per plan.
//! - [`storage_layout`]: the app's IndexedDB database, stores and keys
//!   (also carried by `public/early-read.js`).
//! - [`sync_client`]: the client side of the sync protocol as a state
//!   machine without IO; the app drives it over a WebSocket, tests drive it
//!   over channels.
//! - [`repo_core`]: the app's repo (its open documents, their device copy
//!   and their sync) as a state machine without IO; the app is its shell.
//! - [`swedish_time`]: dates as Swedish text ("12 mars 2027") and Swedish
//!   local time (Europe/Stockholm).
//! - [`icalendar`]: a calendar event as an iCalendar file (RFC 5545).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod document_id;
pub mod icalendar;
pub mod notices;
pub mod plan;
pub mod plan_list;
pub mod plan_summary;
pub mod presence;
pub mod preview;
pub mod repo_core;
pub mod role;
pub mod self_reports;
pub mod storage_layout;
pub mod swedish_time;
pub mod sync_client;
pub mod wire;

pub use document_id::DocumentId;
pub use role::Role;
pub use wire::{Message, PeerId};
