//! The server's list of the member's plans (`GET /api/plans`), and the
//! last one kept on the device (localStorage), so that without contact the
//! plans on the device still show their person, coordinator and dates.

use shared::api::MyPlan;

use crate::api::{js_value, ApiError};

/// Where the last list is kept.
const KEPT: &str = "samplan-mina-planer";

/// What the server said of the member's plans.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerList {
    /// Its answer now.
    Fresh(Vec<MyPlan>),
    /// No contact; the list kept from last time.
    Offline(Vec<MyPlan>),
    /// No session (nothing is kept then).
    NotSignedIn,
    /// It refused, with its reason; the list kept from last time.
    Failed(String, Vec<MyPlan>),
}

/// Ask the server for the member's plans, and keep its answer.
pub async fn fetch() -> ServerList {
    match crate::api::get::<Vec<MyPlan>>("/api/plans").await {
        Ok(list) => {
            keep(Some(list.as_slice()));
            ServerList::Fresh(list)
        }
        Err(ApiError::Offline) => ServerList::Offline(kept()),
        Err(ApiError::NotSignedIn) => {
            keep(None);
            ServerList::NotSignedIn
        }
        Err(ApiError::Refused(reason)) => ServerList::Failed(reason, kept()),
    }
}

/// The list kept from the server's last answer (empty if none).
pub fn kept() -> Vec<MyPlan> {
    storage()
        .and_then(|s| s.get_item(KEPT).ok().flatten())
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .and_then(|value| js_value::from_value(value).ok())
        .unwrap_or_default()
}

/// Keep `list` for later (or forget the kept one).
fn keep(list: Option<&[MyPlan]>) {
    let Some(storage) = storage() else { return };
    let text = list
        .and_then(|list| js_value::to_value(&list).ok())
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .map(String::from);
    let _ = match text {
        Some(text) => storage.set_item(KEPT, &text),
        None => storage.remove_item(KEPT),
    };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
