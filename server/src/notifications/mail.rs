//! The e-mail: a short text that says only that something in "a plan in
//! Samplan" needs the reader, with a link (as 1177 does), and for a meeting
//! called or moved its calendar file (`shared::notices::meeting_calendar_file`:
//! day, time and kind of place, no names). Built with lettre; sent over SMTP.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shared::notices::NoticeKind;

/// One line of a message: what happened and where to read about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What happened.
    pub kind: NoticeKind,
    /// The link to the plan.
    pub link: String,
}

/// A calendar file to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    /// Its name ("mote.ics").
    pub name: String,
    /// Its text (RFC 5545).
    pub text: String,
}

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The sender or recipient is not an address.
    #[error("ogiltig e-postadress: {0}")]
    Address(#[from] lettre::address::AddressError),
    /// The message could not be put together.
    #[error("meddelandet kunde inte byggas: {0}")]
    Build(#[from] lettre::error::Error),
    /// An attachment's content type is wrong.
    #[error("fel innehållstyp: {0}")]
    ContentType(String),
    /// The SMTP address could not be used.
    #[error("SMTP-adressen fungerar inte: {0}")]
    Transport(#[from] lettre::transport::smtp::Error),
}

/// The subject of a message of `lines` (a summary when `digest`).
pub fn subject(digest: bool) -> &'static str {
    if digest {
        "Sammanfattning från Samplan"
    } else {
        "Något i en plan i Samplan väntar på dig"
    }
}

/// The text of a message: each line once, with its link.
pub fn body(lines: &[Line], digest: bool) -> String {
    let mut text = String::from("Hej!\n\n");
    if digest {
        text.push_str("Det här har hänt i dina planer i Samplan sedan förra sammanfattningen:\n\n");
    }
    for line in lines {
        text.push_str(line.kind.words());
        text.push_str("\nLogga in och läs: ");
        text.push_str(&line.link);
        text.push_str("\n\n");
    }
    text.push_str(
        "Det här mejlet innehåller inga uppgifter ur planen. Du kan inte svara på det.\n\
         Vad du får veta och hur väljer du under \"Aviseringar\" i Samplan.\n",
    );
    text
}

/// The whole message. `id` makes its Message-ID, the same each time the
/// same outbox rows are sent, so a receiving server can see a repeat.
pub fn message(
    from: &str,
    to: &str,
    id: &str,
    lines: &[Line],
    digest: bool,
    calendars: &[CalendarFile],
) -> Result<Message, MailError> {
    let builder = Message::builder()
        .from(from.parse::<Mailbox>()?)
        .to(to.parse::<Mailbox>()?)
        .subject(subject(digest))
        .message_id(Some(format!("<{id}@samplan>")));
    let text = SinglePart::plain(body(lines, digest));
    if calendars.is_empty() {
        return Ok(builder.singlepart(text)?);
    }
    let mut parts = MultiPart::mixed().singlepart(text);
    for calendar in calendars {
        let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
            .map_err(|error| MailError::ContentType(error.to_string()))?;
        parts = parts.singlepart(Attachment::new(calendar.name.clone()).body(calendar.text.clone(), kind));
    }
    Ok(builder.multipart(parts)?)
}

/// How a sending ended, as the sender needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server accepted the message.
    Accepted,
    /// Try again later (4xx, or the server could not be reached).
    Temporary(String),
    /// The server refused it for good (5xx).
    Permanent(String),
}

/// The longest one SMTP sending may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// An SMTP connection setting (`--smtp-url`), opened per sending.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    /// The transport for `url` (lettre's form: `smtp://host:port`,
    /// `smtps://user:password@host`, `smtp://host?tls=required`).
    pub fn new(url: &str) -> Result<Smtp, MailError> {
        let transport =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.timeout(Some(SMTP_TIMEOUT)).build();
        Ok(Smtp { transport })
    }

    /// Send `message`.
    pub async fn send(&self, message: Message) -> Delivery {
        match self.transport.send(message).await {
            Ok(_) => Delivery::Accepted,
            Err(error) if error.is_permanent() => Delivery::Permanent(error.to_string()),
            Err(error) => Delivery::Temporary(error.to_string()),
        }
    }
}
