//! A member's role in one plan, as the server stores and enforces it and
//! as the app shows it.
//!
//! Why here: the server decides what a role may do and the app hides what
//! it may not; both read the same enum from the same JSON (`"reader"`,
//! `"editor"`, `"person"`, `"coordinator"`), so neither can drift into a
//! spelling the other does not know.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A member's role in one plan (least privilege first: `Ord` follows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the plan; never changes it.
    Reader,
    /// Edits the plan.
    Editor,
    /// The person the plan is for: edits the plan and writes their own
    /// self-reports.
    Person,
    /// Samordningsansvarig: manages participants and invitations, closes or
    /// deletes the plan.
    Coordinator,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Reader, Role::Editor, Role::Person, Role::Coordinator];

    /// As stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Person => "person",
            Role::Coordinator => "coordinator",
        }
    }

    /// From its stored name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Whether this role may change the plan document.
    pub fn can_edit(self) -> bool {
        self != Role::Reader
    }

    /// Whether an invitation may give this role (a plan has one coordinator,
    /// its creator).
    pub fn invitable(self) -> bool {
        self != Role::Coordinator
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
