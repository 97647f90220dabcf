//! The repo's core driven natively: a tab ([`Tab`]) with a device that
//! keeps chunks as IndexedDB would, a server that is a plain Automerge
//! peer, timers that fire when told, and a clock moved by hand.

mod harness;
mod heartbeat;
mod properties;
mod rules;
mod touched;
