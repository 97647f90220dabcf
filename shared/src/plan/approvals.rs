//! Whether the plan as it is now is approved.
//!
//! Each participant approves the plan of the current meeting as it is; the
//! approval names the version (the document's heads). An approval still
//! holds when the plan now says what it said then, apart from approvals:
//! later approvals are not changes of the plan. The app's approval list and
//! the checklist both ask here, so that they never disagree.

use super::Plan;

/// What the approvals of the current meeting say of the plan as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalState {
    /// Nobody has approved the plan at its current meeting.
    NoneYet,
    /// There are approvals, but the plan changed after every one of them.
    ChangedAfter,
    /// At least one participant approved the plan as it is now.
    Current,
}

/// The plan without its approvals: what an approval is about.
pub fn approved_content(plan: &Plan) -> Plan {
    let mut plan = plan.clone();
    for meeting in plan.meetings.values_mut() {
        meeting.approvals.clear();
    }
    plan
}

/// The meeting approvals belong to: the latest by date (then id).
pub fn current_meeting(plan: &Plan) -> Option<&String> {
    plan.meetings.iter().max_by(|a, b| (&a.1.date, a.0).cmp(&(&b.1.date, b.0))).map(|(id, _)| id)
}

/// Whether the plan as it is now is approved. `plan_at` reads the plan as
/// it was at an approval's version (`None` when that version is unknown,
/// which counts as changed).
pub fn approval_state(plan: &Plan, mut plan_at: impl FnMut(&[String]) -> Option<Plan>) -> ApprovalState {
    let Some(meeting) = current_meeting(plan).and_then(|id| plan.meetings.get(id)) else {
        return ApprovalState::NoneYet;
    };
    if meeting.approvals.is_empty() {
        return ApprovalState::NoneYet;
    }
    let now = approved_content(plan);
    let mut versions: Vec<&Vec<String>> = meeting.approvals.values().map(|a| &a.0.heads).collect();
    versions.sort();
    versions.dedup();
    let current =
        versions.into_iter().any(|heads| plan_at(heads).is_some_and(|then| approved_content(&then) == now));
    if current {
        ApprovalState::Current
    } else {
        ApprovalState::ChangedAfter
    }
}

/// The participants whose approval at the current meeting holds for the
/// plan as it is now (the plan then, apart from approvals, is the plan
/// now). `plan_at` as for [`approval_state`].
pub fn holding_approvals(
    plan: &Plan,
    mut plan_at: impl FnMut(&[String]) -> Option<Plan>,
) -> std::collections::BTreeSet<String> {
    let mut holding = std::collections::BTreeSet::new();
    let Some(meeting) = current_meeting(plan).and_then(|id| plan.meetings.get(id)) else { return holding };
    let now = approved_content(plan);
    let mut same: std::collections::BTreeMap<&Vec<String>, bool> = std::collections::BTreeMap::new();
    for (participant, approval) in &meeting.approvals {
        let heads = &approval.0.heads;
        let holds = *same
            .entry(heads)
            .or_insert_with(|| plan_at(heads).is_some_and(|then| approved_content(&then) == now));
        if holds {
            holding.insert(participant.clone());
        }
    }
    holding
}

/// The plan in `doc` as it was at `heads` (hex change hashes), if the
/// document has that version.
pub fn plan_at(doc: &mut automerge::AutoCommit, heads: &[String]) -> Option<Plan> {
    let heads: Vec<automerge::ChangeHash> = heads.iter().filter_map(|h| h.parse().ok()).collect();
    let then = doc.fork_at(&heads).ok()?;
    super::read_plan(&then).ok()
}

#[cfg(test)]
mod tests;
