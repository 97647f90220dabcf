//! The HTTP API's requests and answers (`/api/…`), typed once for the
//! server that answers them and the app that asks.
//!
//! Why here: the field names are the JSON on the wire, and more than the
//! two crates read it (the page script of `app/home.html` reads
//! [`Redeemed`], the end-to-end tests read members and invitations). One
//! definition, with serde on both sides, keeps them from drifting apart.
//! Answers that were written with `serde_json::json!` had their keys in
//! alphabetical order; the structs keep that order, so the bytes on the
//! wire are what they were.
//!
//! Every refusal is an [`ErrorBody`] with a fitting status. Ids of plans
//! are sent as strings (`automerge:…` or the bare id); times are
//! milliseconds since 1970.

mod access_log;
mod my_plans;
mod notifications;

use serde::{Deserialize, Serialize};

pub use access_log::{lines_in_words, AccessLogLine, OfflineReads, PlanAccessEntry};
pub use my_plans::{DateKind, MyPlan, NextDate};
pub use notifications::{EmailMode, NotificationSettings};

use crate::Role;

/// `POST /api/sign-in` and `POST /api/invitations/redeem`: the one-time
/// token of a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The part of the link after `#`.
    pub token: String,
}

/// `POST /api/sign-in`: the one-time token of a sign-in link, and whether
/// to sign out the account this browser is signed in as now (without it,
/// a browser signed in as someone else is refused with 409 and asked first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    /// The part of the link after `#`.
    pub token: String,
    /// Sign in even though the browser is signed in as someone else.
    #[serde(default)]
    pub replace: bool,
}

/// The answer to `POST /api/sign-in/check`: whose sign-in link it is (still
/// unused), and who this browser is signed in as now, if someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInCheck {
    /// The name of the account the link signs in.
    pub name: String,
    /// The name this browser is signed in as now, when that is someone else.
    pub signed_in_as: Option<String>,
}

/// The answer to `POST /api/sign-in` (the session is the cookie).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The account's name.
    pub name: String,
}

/// What kind of principal a session speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrincipalKind {
    /// A professional with an account.
    User,
    /// A device that redeemed an invitation.
    Device,
}

impl PrincipalKind {
    /// As sent (`"user"`, `"device"`).
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Device => "device",
        }
    }

    /// From its name.
    pub fn parse(name: &str) -> Option<PrincipalKind> {
        [PrincipalKind::User, PrincipalKind::Device].into_iter().find(|k| k.as_str() == name)
    }
}

/// The answer to `GET /api/me`: who the session speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// User or device.
    pub kind: PrincipalKind,
    /// The account's name or the device's label.
    pub name: String,
    /// Whether the session came from signing in with an identity provider
    /// (the app then offers "Logga ut": the person can sign in again on
    /// this device; a device that came by a link could not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_provider: bool,
}

/// The answer to `POST /api/invitations/redeem` (a new device's session
/// comes as the cookie).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redeemed {
    /// The plan the invitation is to.
    pub document_id: String,
    /// The role the redeemer has in it now.
    pub role: Role,
}

/// The answer to `GET /api/plans/{plan}/access`: the caller's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAccess {
    /// The caller's name.
    pub name: String,
    /// The caller's role in the plan.
    pub role: Role,
    /// The participant of the plan the caller is (its id in the plan's
    /// participants): whom the caller's records name. The app adds the
    /// caller to the participants under this id when it is not there yet.
    #[serde(default)]
    pub participant: String,
}

/// `POST /api/plans/{plan}/invitations`: a new invitation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    /// The role it gives. Read from a request, a name this version does not
    /// know is `None`, which the server refuses in words ("okänd roll").
    #[serde(with = "known_role")]
    pub role: Option<Role>,
    /// Who it is for, in the coordinator's words.
    pub label: String,
    /// How many days it is valid (the server's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Whether one use ends it (yes when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_use: Option<bool>,
    /// The participant of the plan it is for (their id): whoever opens it
    /// becomes that participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
}

/// The answer to a new invitation (status 201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    /// The link to send, with its token after `#`.
    pub link: String,
}

/// An invitation as its plan's coordinator sees it
/// (`GET /api/plans/{plan}/invitations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// Its id (to revoke it).
    pub id: i64,
    /// The role it gives.
    pub role: Role,
    /// Who it is for, in the coordinator's words.
    pub label: String,
    /// When it stops working.
    pub expires_at: i64,
    /// Whether one use ends it.
    pub single_use: bool,
    /// How often it was used.
    pub uses: i64,
    /// Whether it can still be used.
    pub usable: bool,
}

/// One member of a plan (`GET /api/plans/{plan}/members`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// `user:<id>` or `device:<id>`.
    pub principal: String,
    /// Name or device label.
    pub name: String,
    /// Role in this plan.
    pub role: Role,
    /// Sessions that are valid now.
    pub active_sessions: i64,
    /// Whether the person lets this member write self-reports for them.
    pub reports_for_person: bool,
    /// The member's devices (valid sessions); only the coordinator sees them.
    pub devices: Vec<Device>,
}

/// One signed-in device of a member: a valid session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// The session's id (to shut it out of the plan).
    pub session: i64,
    /// What kind of device ("Chrome på Android"), if known.
    pub description: String,
    /// When it was signed in.
    pub since: i64,
    /// Whether the coordinator shut it out of this plan.
    pub blocked: bool,
}

/// `PUT /api/plans/{plan}/members/{principal}/reports`: the person lets a
/// member write self-reports for them, or stops it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterRequest {
    /// Whether the member may.
    pub allowed: bool,
}

/// `POST /api/plans/{plan}/self-reports`: the plan's self-report document.
/// The answer is one too: the document linked to the plan, which is an
/// earlier one if the plan had one already (a plan has one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReportsRequest {
    /// The self-report document's id.
    pub document_id: String,
}

/// One actor of `GET /api/plans/{plan}/actors`: an Automerge actor id and
/// the name of whom it belongs to (for the history view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The actor id, in hex.
    pub actor: String,
    /// The member's name or device label.
    pub name: String,
}

/// Every refusal's body: `{"error": "<plain Swedish>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Why, for the person.
    pub error: String,
}

/// A role as a request names it: written as its name, read leniently so
/// that the server can refuse an unknown name in words instead of with a
/// JSON error.
mod known_role {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::Role;

    pub fn serialize<S: Serializer>(role: &Option<Role>, serializer: S) -> Result<S::Ok, S::Error> {
        role.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Role>, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(Role::parse(&name))
    }
}

#[cfg(test)]
mod tests;

/// One way to sign in through an identity provider, as
/// `GET /api/sign-in/providers` lists them: the sign-in page shows one
/// button per provider, which goes to `/auth/<id>/start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInProvider {
    /// The provider's id in the server's settings (in the URL).
    pub id: String,
    /// The button's text.
    pub label: String,
    /// Who signs in with it: `"staff"` or `"citizen"`.
    pub kind: String,
}
