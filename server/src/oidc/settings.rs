//! One identity provider's settings, read from one `--oidc-provider` value
//! (or `SAMPLAN_OIDC_PROVIDERS`, several separated by `;`).
//!
//! A value is `key=value` pairs separated by spaces, e.g.
//! `id=siths kind=staff issuer=https://idp.example label="SITHS-kort" client-id=samplan`.
//! The client secret should come from the environment
//! (`SAMPLAN_OIDC_<ID>_CLIENT_SECRET`, read by `main.rs`), not from the
//! command line, where every user of the machine can see it.

use std::str::FromStr;

/// Who signs in with a provider: staff get accounts (`user:`), people
/// bind invitations to their identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// Professionals (SITHS eID through a region's or municipality's IdP).
    Staff,
    /// The person the plan is about (BankID, Freja eID).
    Citizen,
}

/// What happens to a staff member the provider knows and Samplan does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownUsers {
    /// Refused with a message that says who can add them (the default).
    Refuse,
    /// An account is made on first sign-in, if their organisation is trusted.
    Create,
}

/// One provider, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    /// Short name in URLs (`/auth/<id>/start`): letters, digits, `-`.
    pub id: String,
    /// The button's text ("Logga in med SITHS-kort").
    pub label: String,
    /// Staff or citizen.
    pub kind: ProviderKind,
    /// The issuer URL; discovery is `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret; `None`: a public client (PKCE only).
    pub client_secret: Option<String>,
    /// Scopes besides `openid`.
    pub scopes: Vec<String>,
    /// The claim that names the person (staff: `employeeHsaId`).
    pub id_claim: String,
    /// Claims that name the organisation, the first present wins.
    pub organisation_claims: Vec<String>,
    /// The claim with the name people see.
    pub name_claim: String,
    /// Organisations (by the organisation claim) whose staff are trusted.
    pub trusted_organisations: Vec<String>,
    /// Unknown staff from a trusted organisation: refuse or create.
    pub unknown_users: UnknownUsers,
}

/// Why a provider's settings could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    /// A part without `=`.
    #[error("inställningen {0:?} saknar '=' (skriv nyckel=värde)")]
    NotAPair(String),
    /// An unknown key.
    #[error("okänd inställning {0:?} för en identitetsleverantör")]
    UnknownKey(String),
    /// A required key is missing.
    #[error("identitetsleverantören saknar {0}")]
    Missing(&'static str),
    /// A value that is not one of the allowed ones.
    #[error("{key}={value}: tillåtna värden är {allowed}")]
    BadValue { key: &'static str, value: String, allowed: &'static str },
}

/// `a,b, c` as a list.
fn list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Split at spaces, except inside double quotes.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

impl FromStr for ProviderSettings {
    type Err = SettingsError;

    fn from_str(text: &str) -> Result<ProviderSettings, SettingsError> {
        let mut id = None;
        let mut label = None;
        let mut kind = ProviderKind::Staff;
        let mut issuer = None;
        let mut client_id = None;
        let mut client_secret = None;
        let mut scopes = vec!["profile".to_string()];
        let mut id_claim = None;
        let mut organisation_claims =
            vec!["healthCareProviderHsaId".to_string(), "commissionHsaId".to_string()];
        let mut name_claim = "name".to_string();
        let mut trusted_organisations = Vec::new();
        let mut unknown_users = UnknownUsers::Refuse;
        for word in words(text) {
            let (key, value) = word.split_once('=').ok_or_else(|| SettingsError::NotAPair(word.clone()))?;
            let value = value.trim().to_string();
            match key.trim() {
                "id" => id = Some(value),
                "label" => label = Some(value),
                "kind" => {
                    kind = match value.as_str() {
                        "staff" => ProviderKind::Staff,
                        "citizen" => ProviderKind::Citizen,
                        _ => {
                            return Err(SettingsError::BadValue {
                                key: "kind",
                                value,
                                allowed: "staff, citizen",
                            })
                        }
                    }
                }
                "issuer" => issuer = Some(value),
                "client-id" => client_id = Some(value),
                "client-secret" => client_secret = Some(value),
                "scopes" => scopes = list(&value).into_iter().filter(|s| s != "openid").collect(),
                "id-claim" => id_claim = Some(value),
                "organisation-claims" => organisation_claims = list(&value),
                "name-claim" => name_claim = value,
                "trusted-organisations" => trusted_organisations = list(&value),
                "unknown-users" => {
                    unknown_users = match value.as_str() {
                        "refuse" => UnknownUsers::Refuse,
                        "create" => UnknownUsers::Create,
                        _ => {
                            return Err(SettingsError::BadValue {
                                key: "unknown-users",
                                value,
                                allowed: "refuse, create",
                            })
                        }
                    }
                }
                other => return Err(SettingsError::UnknownKey(other.to_string())),
            }
        }
        let id = id.ok_or(SettingsError::Missing("id="))?;
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(SettingsError::BadValue {
                key: "id",
                value: id,
                allowed: "bokstäver a–z, siffror och -",
            });
        }
        let default_claim = match kind {
            ProviderKind::Staff => "employeeHsaId",
            ProviderKind::Citizen => "personalIdentityNumber",
        };
        Ok(ProviderSettings {
            label: label.unwrap_or_else(|| format!("Logga in med {id}")),
            id,
            kind,
            issuer: issuer.ok_or(SettingsError::Missing("issuer="))?,
            client_id: client_id.ok_or(SettingsError::Missing("client-id="))?,
            client_secret,
            scopes,
            id_claim: id_claim.unwrap_or_else(|| default_claim.to_string()),
            organisation_claims,
            name_claim,
            trusted_organisations,
            unknown_users,
        })
    }
}

#[cfg(test)]
mod tests;
