//! "Mina planer" as a list: the plans the server says the signed-in
//! member has ([`MyPlan`], on any device) together with the plans this
//! device holds, searched by the person's name and filtered.
//!
//! Why here and not in the app: what is listed, in which order, and what
//! a search or a filter keeps are rules, tested natively; the start page
//! only draws the result.

use crate::api::{MyPlan, NextDate};
use crate::Role;

/// One plan in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPlan {
    /// The plan's document id.
    pub id: String,
    /// The plan's name, possibly empty.
    pub title: String,
    /// The person's name, possibly empty.
    pub person: String,
    /// The coordinator's name, possibly empty.
    pub coordinator: String,
    /// The first meeting or follow-up from today on.
    pub next: Option<NextDate>,
    /// Whether the plan is closed.
    pub closed: bool,
    /// The member's role in it, if known.
    pub role: Option<Role>,
    /// Whether the server told what is listed here (else only the device's
    /// name of the plan is known).
    pub known: bool,
}

impl ListedPlan {
    /// What the list calls the plan: the person's name, else the plan's
    /// name; `None` when neither is written.
    pub fn name(&self) -> Option<&str> {
        [self.person.as_str(), self.title.as_str()].into_iter().map(str::trim).find(|n| !n.is_empty())
    }

    fn from_server(plan: &MyPlan, today: &str) -> ListedPlan {
        ListedPlan {
            id: plan.document_id.clone(),
            title: plan.title.clone(),
            person: plan.person.clone(),
            coordinator: plan.coordinator.clone(),
            next: plan.next_date(today),
            closed: plan.closed,
            role: Some(plan.role),
            known: true,
        }
    }
}

/// A plan on this device: its id and the name it had when last saved here,
/// and this device's role in it as last known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePlan {
    /// The plan's document id.
    pub id: String,
    /// Its name when last saved on the device.
    pub title: String,
    /// The role last known on this device.
    pub role: Option<Role>,
}

/// Where the server's list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The server answered now: every plan it lists, and the device's plans
    /// it does not list (made offline, not yet synced).
    Server,
    /// The device has no contact (or no session): only the plans on the
    /// device, with what the server said of them last time.
    DeviceOnly,
}

/// The list: `server`'s plans and the device's, each plan once, in the
/// order of their names (Swedish alphabet), `today` being YYYY-MM-DD.
pub fn merge(server: &[MyPlan], device: &[DevicePlan], source: Source, today: &str) -> Vec<ListedPlan> {
    let on_device = |id: &str| device.iter().find(|d| d.id == id);
    let mut list: Vec<ListedPlan> = server
        .iter()
        .filter(|plan| source == Source::Server || on_device(&plan.document_id).is_some())
        .map(|plan| {
            let mut listed = ListedPlan::from_server(plan, today);
            // A name written here that the server does not have yet.
            if listed.title.trim().is_empty() {
                if let Some(device) = on_device(&plan.document_id) {
                    listed.title.clone_from(&device.title);
                }
            }
            listed
        })
        .collect();
    for plan in device {
        if !list.iter().any(|listed| listed.id == plan.id) {
            list.push(ListedPlan {
                id: plan.id.clone(),
                title: plan.title.clone(),
                person: String::new(),
                coordinator: String::new(),
                next: None,
                closed: false,
                role: plan.role,
                known: false,
            });
        }
    }
    list.sort_by_cached_key(|plan| (swedish_order(plan.name().unwrap_or_default()), plan.id.clone()));
    list
}

/// Which plans a filter keeps by their state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Every plan.
    #[default]
    All,
    /// Plans not closed ("Pågående").
    Open,
    /// Closed plans ("Avslutade").
    Closed,
}

/// What the member searches for and filters by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanFilter {
    /// Words of the person's name (or the plan's name), in any case.
    pub query: String,
    /// Which plans by their state.
    pub status: Status,
    /// Only plans where the member is the coordinator.
    pub mine_as_coordinator: bool,
}

impl PlanFilter {
    /// Whether `plan` is shown: every word of the query is in the person's
    /// or the plan's name, and the plan passes the filters.
    pub fn keeps(&self, plan: &ListedPlan) -> bool {
        let names = format!("{} {}", plan.person, plan.title).to_lowercase();
        let found = self.query.to_lowercase().split_whitespace().all(|word| names.contains(word));
        let status = match self.status {
            Status::All => true,
            Status::Open => !plan.closed,
            Status::Closed => plan.closed,
        };
        found && status && (!self.mine_as_coordinator || plan.role == Some(Role::Coordinator))
    }
}

/// `name` as a key that sorts in the Swedish alphabet: case does not
/// count, and å, ä, ö come after z in that order.
fn swedish_order(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => '\u{7b}',
            'ä' => '\u{7c}',
            'ö' => '\u{7d}',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests;
