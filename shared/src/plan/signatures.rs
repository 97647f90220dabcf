//! Who may sign what: an approval of the plan is made by the participant
//! it names, and an oral approval ("godkänt muntligt på mötet") by the
//! meeting's chair or the plan's coordinator, who is named as its author.
//! Every other record that names who wrote it (consent decisions, goal
//! status, status reports, revisions, deviations, the closing) names the
//! writer: their participant id as `author` and their name as it stands in
//! the plan's participants ([`records`]).
//!
//! Why here: a SIP plan is a record that people sign. The server links
//! each member to one participant of the plan (`members.participant`), and
//! the relay asks [`check`] of every change a writer sends, so that nobody
//! approves in someone else's name, even with a client of their own making.
//! The app follows the same rules to show the approval button on one's own
//! row only.
//!
//! How: [`Signatures::read`] notes every approval stored (which meeting,
//! whose, the op that wrote it, its author), cheaply: approvals are few,
//! and where every other signed record is, with the op that wrote it.
//! [`check`] compares the notes before and after a change and reads only
//! the records that are new or were written again.

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, Value, ROOT};
use autosurgeon::{hydrate_prop, ReadDoc};

use super::{Approval, Record};

/// Who is writing, as the server knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signer<'a> {
    /// The participant of the plan the writer is (their id).
    pub participant: &'a str,
    /// Whether the writer is the plan's coordinator.
    pub coordinator: bool,
}

/// Why a change was refused, in the words the writer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureRefusal {
    /// An approval in another participant's name, or one that does not
    /// name its writer as author.
    #[error("Var och en godkänner planen själv, i sitt eget namn. Ändringen sparades inte.")]
    NotYourApproval,
    /// An oral approval recorded by someone other than the meeting's chair
    /// or the plan's coordinator.
    #[error("Bara mötets ordförande eller samordningsansvarig kan anteckna att någon godkänt muntligt. Ändringen sparades inte.")]
    NotTheChair,
    /// Someone else's approval was taken away.
    #[error("Bara den som godkände, eller samordningsansvarig, kan ta bort ett godkännande. Ändringen sparades inte.")]
    NotYoursToRemove,
    /// A record (consent, status, report, revision, deviation, closing)
    /// that does not name its writer, by id and by their name in the plan.
    #[error(
        "Det du antecknar sparas i ditt eget namn, som det står bland deltagarna. Ändringen sparades inte."
    )]
    NotYourRecord,
    /// Someone else's record was taken away (not with the goal or
    /// intervention it belongs to).
    #[error("Bara den som skrev in en uppgift, eller samordningsansvarig, kan ta bort den. Ändringen sparades inte.")]
    NotYourRecordToRemove,
}

/// One stored approval, as noted.
#[derive(Debug, Clone, PartialEq)]
struct Noted {
    /// The op that wrote it: a new one means a new or rewritten approval.
    op: automerge::ObjId,
    /// Who wrote it (empty when unreadable or older than authors).
    author: String,
}

/// The approvals of a plan, by meeting and participant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signatures {
    approvals: BTreeMap<(String, String), Noted>,
    /// Every other signed record, with the op that wrote it.
    records: BTreeMap<records::Place, ObjId>,
}

impl Signatures {
    /// The approvals stored in `doc`.
    pub fn read(doc: &impl ReadDoc) -> Signatures {
        let mut approvals = BTreeMap::new();
        let records = records::read(doc).into_iter().collect();
        let Some(meetings) = map_at(doc, &ROOT, "meetings") else { return Signatures { approvals, records } };
        for meeting in doc.map_range(&meetings, ..) {
            let Some(list) = map_at(doc, &meeting.id, "approvals") else { continue };
            for approval in doc.map_range(&list, ..) {
                let author = approval_at(doc, &list, approval.key).map(|a| a.author).unwrap_or_default();
                approvals.insert(
                    (meeting.key.to_string(), approval.key.to_string()),
                    Noted { op: approval.id.clone(), author },
                );
            }
        }
        Signatures { approvals, records }
    }
}

/// Signed records that went with what they belonged to (a goal, a
/// sub-goal, an intervention), kept for a while by the relay: putting the
/// item back ("Ångra", `plan::undo`) writes them again, as they were, in
/// their authors' names, and that is not writing in someone else's name.
#[derive(Debug, Default)]
pub struct RecentlyRemoved {
    /// The record's key (a random id) and its stored bytes.
    records: std::collections::HashMap<String, Vec<u8>>,
}

/// How many removed records are kept (the oldest go first, all at once).
const RECENTLY_REMOVED_KEPT: usize = 4096;

impl RecentlyRemoved {
    fn keep(&mut self, key: &str, bytes: Vec<u8>) {
        if self.records.len() >= RECENTLY_REMOVED_KEPT {
            self.records.clear();
        }
        self.records.insert(key.to_string(), bytes);
    }

    /// Whether `bytes` at `key` is a record removed lately, as it was.
    fn put_back(&self, key: &str, bytes: Option<Vec<u8>>) -> bool {
        bytes.is_some_and(|bytes| self.records.get(key) == Some(&bytes))
    }
}

/// May `signer` change the approvals from `before` to `after` (read from
/// `doc`, the plan after the change)?
pub fn check(
    signer: Signer<'_>,
    before: &Signatures,
    after: &Signatures,
    doc: &impl ReadDoc,
) -> Result<(), SignatureRefusal> {
    check_keeping(signer, before, after, doc, &mut RecentlyRemoved::default())
}

/// [`check`], noting the records that go with their goal or intervention
/// in `removed` and letting them be put back as they were.
pub fn check_keeping(
    signer: Signer<'_>,
    before: &Signatures,
    after: &Signatures,
    doc: &impl ReadDoc,
    removed: &mut RecentlyRemoved,
) -> Result<(), SignatureRefusal> {
    for ((meeting, participant), noted) in &after.approvals {
        if before.approvals.get(&(meeting.clone(), participant.clone())).is_some_and(|b| b.op == noted.op) {
            continue;
        }
        let approval = map_at(doc, &ROOT, "meetings")
            .and_then(|m| map_at(doc, &m, meeting))
            .and_then(|m| map_at(doc, &m, "approvals"))
            .and_then(|list| approval_at(doc, &list, participant))
            .ok_or(SignatureRefusal::NotYourApproval)?;
        check_approval(signer, meeting, participant, &approval, doc)?;
    }
    for ((meeting, participant), noted) in &before.approvals {
        let gone = !after.approvals.contains_key(&(meeting.clone(), participant.clone()));
        let meeting_kept = map_at(doc, &ROOT, "meetings").and_then(|m| map_at(doc, &m, meeting)).is_some();
        if gone && meeting_kept && !signer.coordinator && noted.author != signer.participant {
            return Err(SignatureRefusal::NotYoursToRemove);
        }
    }
    check_records(signer, before, after, doc, removed)
}

/// Whether `signer` may have written the records new in `after`, and taken
/// away those gone from `before`.
fn check_records(
    signer: Signer<'_>,
    before: &Signatures,
    after: &Signatures,
    doc: &impl ReadDoc,
    removed: &mut RecentlyRemoved,
) -> Result<(), SignatureRefusal> {
    for place in before.records.keys() {
        // Opening a closed plan again is the plan's rules' to judge.
        if place.kind == records::Kind::Closing || after.records.contains_key(place) {
            continue;
        }
        if records::parent_kept(doc, place) {
            if !signer.coordinator {
                return Err(SignatureRefusal::NotYourRecordToRemove);
            }
        } else if let Some(bytes) = records::bytes(doc, place) {
            removed.keep(&place.key, bytes);
        }
    }
    for (place, op) in &after.records {
        if before.records.get(place) == Some(op) {
            continue;
        }
        let signed = records::signed(doc, place).ok_or(SignatureRefusal::NotYourRecord)?;
        let own_name = records::participant_name(doc, signer.participant);
        let own = signed.author == signer.participant
            && own_name.as_deref().map(str::trim) == Some(signed.name.trim());
        if !own && !removed.put_back(&place.key, records::bytes(doc, place)) {
            return Err(SignatureRefusal::NotYourRecord);
        }
    }
    Ok(())
}

/// Whether `signer` may have written `approval`, of `participant` at `meeting`.
fn check_approval(
    signer: Signer<'_>,
    meeting: &str,
    participant: &str,
    approval: &Approval,
    doc: &impl ReadDoc,
) -> Result<(), SignatureRefusal> {
    if approval.author != signer.participant {
        return Err(SignatureRefusal::NotYourApproval);
    }
    // The names in it are the plan's: the approver's, and who recorded it.
    let named =
        |id: &str, name: &str| records::participant_name(doc, id).is_some_and(|n| n.trim() == name.trim());
    if !named(participant, &approval.name)
        || (approval.oral && !named(signer.participant, &approval.recorded_by))
    {
        return Err(SignatureRefusal::NotYourApproval);
    }
    if !approval.oral {
        return if participant == signer.participant {
            Ok(())
        } else {
            Err(SignatureRefusal::NotYourApproval)
        };
    }
    if participant == signer.participant {
        // One's own approval is made, not recorded as oral.
        return Err(SignatureRefusal::NotYourApproval);
    }
    let chair: Option<String> = map_at(doc, &ROOT, "meetings")
        .and_then(|m| map_at(doc, &m, meeting))
        .and_then(|m| hydrate_prop(doc, &m, "chair").ok())
        .flatten();
    if signer.coordinator || chair.as_deref() == Some(signer.participant) {
        Ok(())
    } else {
        Err(SignatureRefusal::NotTheChair)
    }
}

/// The map at `key` of map `obj`, if there is one.
fn map_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(obj, key).ok()?? {
        (Value::Object(ObjType::Map), id) => Some(id),
        _ => None,
    }
}

/// The approval at `key` of the approvals map `list`, if it reads as one.
fn approval_at(doc: &impl ReadDoc, list: &ObjId, key: &str) -> Option<Approval> {
    hydrate_prop::<_, Record<Approval>, _, _>(doc, list, key).ok().map(|record| record.0)
}

mod records;

#[cfg(test)]
mod tests;
