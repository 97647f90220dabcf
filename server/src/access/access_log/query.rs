//! Reading the access log: what the person sees of their plan ("who
//! looked"), and log review (loggkontroll) with filters, a random sample
//! and CSV, for the API (`GET /api/access-log`) and the command line
//! (`samplan-server audit`) alike.
//!
//! CSV is written with the `csv` crate: names and organisations hold
//! commas, quotes and line breaks, and quoting them by hand is where CSV
//! goes wrong; the crate is small and has no dependencies beyond serde.

use crate::storage::sql::{self, Value};

use super::Action;

/// At most this many lines in one answer without a sample.
pub const MAX_LINES: u32 = 10_000;
/// At most this many entries in the person's view (newest first).
pub const MAX_PERSON_LINES: u32 = 2_000;

/// Which entries a reviewer asks for; every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The plan (document id).
    pub plan: Option<String>,
    /// The person the plan is about (part of the name, any case).
    pub person: Option<String>,
    /// The account or device: its principal id (`user:3`) or part of its name.
    pub account: Option<String>,
    /// Part of the organisation's name.
    pub organisation: Option<String>,
    /// From this time (ms since 1970), inclusive.
    pub from: Option<i64>,
    /// Up to this time (ms since 1970), inclusive.
    pub to: Option<i64>,
    /// A random sample of this many entries (for the regular check).
    pub sample: Option<u32>,
}

impl Filter {
    /// The filter in words, for the review's own log entry.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                parts.push(format!("{key}={value}"));
            }
        };
        add("plan", self.plan.clone());
        add("person", self.person.clone());
        add("account", self.account.clone());
        add("organisation", self.organisation.clone());
        add("from", self.from.map(|v| v.to_string()));
        add("to", self.to.map(|v| v.to_string()));
        add("sample", self.sample.map(|v| v.to_string()));
        parts.join(" ")
    }
}

/// One entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Its place in the log.
    pub id: i64,
    /// When (ms since 1970).
    pub at: i64,
    /// Who: `user:<id>`, `device:<id>` or `okänd`.
    pub principal: String,
    /// Their name when it was logged.
    pub name: String,
    /// Their organisation (accounts; empty for devices).
    pub organisation: String,
    /// Their role in the plan (empty if none).
    pub role: String,
    /// The plan (document id), if any.
    pub plan: Option<String>,
    /// The person the plan is about, when it was logged.
    pub person: String,
    /// What was done, as stored (`read.sync` …); see [`Action`].
    pub action: String,
    /// The session.
    pub session_id: Option<i64>,
    /// The kind of device of the session.
    pub device: String,
    /// Made offline, reported later.
    pub offline: bool,
    /// More.
    pub detail: String,
}

impl Line {
    /// The action, if this server knows it.
    pub fn action(&self) -> Option<Action> {
        Action::parse(&self.action)
    }
}

const COLUMNS: &str =
    "id, at, principal, name, organisation, role, plan, person, action, session_id, device, offline, detail";

/// The entries that `filter` selects, oldest first (a sample too).
/// Names are matched without regard to case (`lower` on both sides: on
/// SQLite as its `LIKE` did, on PostgreSQL also beyond ASCII).
pub async fn review(pool: &sql::Pool, filter: &Filter) -> Result<Vec<Line>, sqlx::Error> {
    let mut text = format!("SELECT {COLUMNS} FROM access_log WHERE 1 = 1");
    let mut values: Vec<Value> = Vec::new();
    let mut and = |condition: &str, bound: Vec<Value>| {
        text.push_str(condition);
        values.extend(bound);
    };
    if let Some(plan) = &filter.plan {
        and(" AND plan = ?", vec![plan.into()]);
    }
    if let Some(person) = &filter.person {
        and(" AND lower(person) LIKE lower(?)", vec![like(person).into()]);
    }
    if let Some(account) = &filter.account {
        and(" AND (principal = ? OR lower(name) LIKE lower(?))", vec![account.into(), like(account).into()]);
    }
    if let Some(organisation) = &filter.organisation {
        and(" AND lower(organisation) LIKE lower(?)", vec![like(organisation).into()]);
    }
    if let Some(from) = filter.from {
        and(" AND at >= ?", vec![from.into()]);
    }
    if let Some(to) = filter.to {
        and(" AND at <= ?", vec![to.into()]);
    }
    match filter.sample {
        Some(n) => and(" ORDER BY random() LIMIT ?", vec![i64::from(n.min(MAX_LINES)).into()]),
        None => and(" ORDER BY id LIMIT ?", vec![i64::from(MAX_LINES).into()]),
    }
    let query = values.into_iter().fold(sql::query(&text), sql::Query::bind);
    let mut lines = query.fetch_all(pool).await?.iter().map(line).collect::<Result<Vec<_>, _>>()?;
    lines.sort_by_key(|l| l.id);
    Ok(lines)
}

/// What the person (and the coordinator) sees of plan `plan`: reads and
/// changes, newest first.
pub async fn for_person(pool: &sql::Pool, plan: &str) -> Result<Vec<Line>, sqlx::Error> {
    let shown: Vec<&str> =
        Action::ALL.into_iter().filter(|a| a.shown_to_person()).map(Action::as_str).collect();
    let marks = vec!["?"; shown.len()].join(", ");
    let text = format!(
        "SELECT {COLUMNS} FROM access_log WHERE plan = ? AND action IN ({marks}) ORDER BY at DESC, id DESC LIMIT ?"
    );
    let query = shown.into_iter().fold(sql::query(&text).bind(plan), sql::Query::bind);
    query.bind(i64::from(MAX_PERSON_LINES)).fetch_all(pool).await?.iter().map(line).collect()
}

fn line(r: &sql::Row) -> Result<Line, sqlx::Error> {
    Ok(Line {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        principal: r.try_get("principal")?,
        name: r.try_get("name")?,
        organisation: r.try_get("organisation")?,
        role: r.try_get("role")?,
        plan: r.try_get("plan")?,
        person: r.try_get("person")?,
        action: r.try_get("action")?,
        session_id: r.try_get("session_id")?,
        device: r.try_get("device")?,
        offline: r.try_get("offline")?,
        detail: r.try_get("detail")?,
    })
}

/// `%text%` with LIKE's own characters taken literally (`\` escapes are
/// not on by default, so they are dropped instead).
fn like(text: &str) -> String {
    let plain: String = text.chars().filter(|c| !matches!(c, '%' | '_')).collect();
    format!("%{plain}%")
}

/// The lines as CSV with a header (times in UTC, `YYYY-MM-DD HH:MM:SS`).
pub fn to_csv(lines: &[Line]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "tid (UTC)",
        "vem",
        "namn",
        "organisation",
        "roll",
        "plan",
        "person",
        "händelse",
        "session",
        "enhet",
        "offline",
        "detaljer",
    ])?;
    for l in lines {
        let at = utc_time(l.at);
        let session = l.session_id.map(|s| s.to_string()).unwrap_or_default();
        writer.write_record([
            at.as_str(),
            l.principal.as_str(),
            l.name.as_str(),
            l.organisation.as_str(),
            l.role.as_str(),
            l.plan.as_deref().unwrap_or_default(),
            l.person.as_str(),
            l.action.as_str(),
            session.as_str(),
            l.device.as_str(),
            if l.offline { "ja" } else { "nej" },
            l.detail.as_str(),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A date `YYYY-MM-DD` (UTC) as ms since 1970: its first millisecond, or
/// its last with `end_of_day`; or a number of ms as it is.
pub fn parse_time(text: &str, end_of_day: bool) -> Option<i64> {
    let text = text.trim();
    if let Ok(millis) = text.parse::<i64>() {
        return Some(millis);
    }
    let mut parts = text.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days since 1970 from a civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let start = days * 86_400_000;
    Some(if end_of_day { start + 86_400_000 - 1 } else { start })
}

/// Milliseconds since 1970 as "YYYY-MM-DD HH:MM:SS" (UTC).
pub fn utc_time(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}
