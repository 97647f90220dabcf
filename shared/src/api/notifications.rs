//! `GET`/`PUT /api/notifications`: what a member is told about outside the
//! app, and how (`server::notifications`).

use serde::{Deserialize, Serialize};

/// How e-mail notices come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EmailMode {
    /// One e-mail per event, at once.
    #[default]
    Immediate,
    /// One summary a day of that day's events.
    Daily,
    /// No e-mail.
    None,
}

impl EmailMode {
    /// Every mode, in the order the settings show them.
    pub const ALL: [EmailMode; 3] = [EmailMode::Immediate, EmailMode::Daily, EmailMode::None];

    /// Its name in the database and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailMode::Immediate => "immediate",
            EmailMode::Daily => "daily",
            EmailMode::None => "none",
        }
    }

    /// The mode named `name`.
    pub fn parse(name: &str) -> Option<EmailMode> {
        EmailMode::ALL.into_iter().find(|mode| mode.as_str() == name)
    }

    /// Its label in the settings.
    pub fn label(self) -> &'static str {
        match self {
            EmailMode::Immediate => "Ett mejl direkt när något händer",
            EmailMode::Daily => "Ett mejl om dagen med allt som hänt",
            EmailMode::None => "Inga mejl",
        }
    }
}

/// What the member chose, and what this server can send at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    /// The address e-mail goes to ("" when none is given).
    pub email: String,
    /// How e-mail comes.
    pub email_mode: EmailMode,
    /// Whether push messages go to this member's devices that allowed them.
    pub push: bool,
    /// The kinds of event (`shared::notices::NoticeKind::as_str`) the
    /// member does not want to be told about, by any channel.
    #[serde(default)]
    pub muted: Vec<String>,
    /// Whether this server sends e-mail (an SMTP server is configured).
    #[serde(default)]
    pub email_available: bool,
    /// Whether this server sends push messages (a VAPID key is configured).
    #[serde(default)]
    pub push_available: bool,
}

impl Default for NotificationSettings {
    fn default() -> NotificationSettings {
        NotificationSettings {
            email: String::new(),
            email_mode: EmailMode::Immediate,
            push: true,
            muted: Vec::new(),
            email_available: false,
            push_available: false,
        }
    }
}
