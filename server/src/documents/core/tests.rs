//! The core driven the way the task drives it, with storage, the actor
//! table and the peers in memory.

use std::collections::HashMap;
use std::sync::Arc;

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, Automerge, Change, ReadDoc};
use proptest::prelude::*;
use shared::plan::edit::{close_plan, record_consent, set_text_at};
use shared::plan::fixture::{closing, withdrawal};
use shared::plan::rules::{Authority, ClosingState, Guarded};
use shared::plan::{new_plan_document, ClosingReason, Participant, PlanText};
use shared::{DocumentId, Message, PeerId};

use super::*;

#[derive(Debug, Clone)]
struct Peer {
    id: PeerId,
    socket: u32,
}

impl Link for Peer {
    fn peer_id(&self) -> &PeerId {
        &self.id
    }

    fn same_socket(&self, other: &Self) -> bool {
        self.socket == other.socket
    }
}

/// Who a test client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Coordinator,
    Member,
    Person,
    Reader,
}

/// A participant's device: its copy of the plan and its sync with the relay.
struct Client {
    name: &'static str,
    role: Role,
    doc: AutoCommit,
    state: sync::State,
    socket: u32,
}

impl Client {
    fn writer(&self) -> Option<Writer> {
        let principal: Arc<str> = format!("user:{}", self.name).into();
        match self.role {
            Role::Reader => None,
            role => Some(Writer {
                principal,
                session_id: 1,
                authority: match role {
                    Role::Coordinator => Authority::Coordinator,
                    Role::Person => Authority::Person,
                    Role::Member | Role::Reader => Authority::Member,
                },
                participant: Arc::from(self.name),
            }),
        }
    }

    fn peer(&self) -> Peer {
        Peer { id: self.name.to_string(), socket: self.socket }
    }

    /// Its next sync message, if it has something to say.
    fn sync(&mut self) -> Option<Input<Peer>> {
        let message = self.doc.sync().generate_sync_message(&mut self.state)?;
        Some(Input::sync(self.peer(), &message.encode(), false, self.writer()))
    }

    /// Disconnected: it comes back on a new socket and syncs afresh.
    fn reconnect(&mut self) {
        self.socket += 1;
        self.state = sync::State::new();
    }
}

/// The relay's side: the core, what is on disk, the actor table, and what
/// each peer was sent.
struct Relay {
    core: DocumentCore<Peer>,
    chunks: Vec<Vec<u8>>,
    audit: Vec<AuditEntry>,
    owners: HashMap<String, Arc<str>>,
    fail_writes: bool,
    fail_lookups: bool,
    sent: HashMap<PeerId, Vec<Message>>,
    refused: Vec<(PeerId, Refusal)>,
    disconnected: Vec<PeerId>,
}

const LIMITS: CoreLimits = CoreLimits { max_document_bytes: 1 << 20, compact_after_chunks: 4 };

fn document_id() -> DocumentId {
    DocumentId::from_bytes([7; 16])
}

impl Relay {
    /// A relay that has stored `chunks`.
    fn with_chunks(chunks: Vec<Vec<u8>>) -> Relay {
        Relay {
            core: DocumentCore::new(document_id(), "server".into(), LIMITS, loaded(&chunks)),
            chunks,
            audit: Vec::new(),
            owners: HashMap::new(),
            fail_writes: false,
            fail_lookups: false,
            sent: HashMap::new(),
            refused: Vec::new(),
            disconnected: Vec::new(),
        }
    }

    /// A relay that stores `initial`, made by `by`.
    fn new(initial: &mut AutoCommit, by: &Client) -> Relay {
        let mut relay = Relay::with_chunks(vec![initial.save()]);
        let principal = by.writer().map(|w| w.principal).expect("a writer");
        relay.owners.insert(initial.get_actor().to_hex_string(), principal);
        relay
    }

    fn stored(&self) -> Automerge {
        loaded(&self.chunks).doc
    }

    /// What the task does with a batch (`DocumentTask::apply`).
    fn run(&mut self, mut batch: Vec<Input<Peer>>) -> Vec<Stop> {
        let mut stops = Vec::new();
        loop {
            let mut lookups = ActorLookups::default();
            for query in self.core.actor_queries(&batch) {
                let owner = self.owners.entry(query.actor.clone()).or_insert_with(|| query.principal.clone());
                let binding = match (self.fail_lookups, *owner == query.principal) {
                    (true, _) => Binding::Failed,
                    (false, true) => Binding::Ours,
                    (false, false) => Binding::Theirs,
                };
                lookups.insert(query, binding);
            }
            let step = self.core.apply(batch, &lookups);
            stops.push(step.stop);
            self.carry_out(step.effects);
            match step.stop {
                Stop::Deleted => return stops,
                Stop::Reload => {
                    let effects = self.core.reloaded(Some(loaded(&self.chunks)));
                    self.carry_out(effects);
                }
                Stop::CatchUp => {
                    // As the task: persist and answer, read what "another
                    // relay" stored (it is in `chunks` too), answer again.
                    if self.answer() {
                        let chunks: Vec<(i64, Vec<u8>)> = (0..).zip(self.chunks.iter().cloned()).collect();
                        if self.core.caught_up(&chunks, 0) == CaughtUp::Recheck {
                            let effects = self.core.reloaded_to_recheck(Some(loaded(&self.chunks)));
                            self.carry_out(effects);
                        }
                        self.answer();
                    }
                }
                Stop::Answer => {
                    self.answer();
                    if step.rest.is_empty() {
                        return stops;
                    }
                }
            }
            batch = step.rest;
        }
    }

    /// Persist what is new, then answer (`DocumentTask::answer`); false
    /// if the write failed.
    fn answer(&mut self) -> bool {
        if let Some(unsaved) = self.core.unsaved() {
            if self.fail_writes {
                let effects = self.core.persist_failed();
                self.carry_out(effects);
                let effects = self.core.reloaded(Some(loaded(&self.chunks)));
                self.carry_out(effects);
                return false;
            }
            let bytes = unsaved.chunk.len();
            self.chunks.push(unsaved.chunk);
            self.audit.extend(unsaved.audit);
            self.core.persisted(unsaved.heads, bytes);
        }
        let effects = self.core.answers();
        self.carry_out(effects);
        true
    }

    fn carry_out(&mut self, effects: Vec<Effect<Peer>>) {
        for effect in effects {
            match effect {
                Effect::Send(peer, message) => {
                    if matches!(message, Message::Sync { .. }) {
                        // (What is stored may hold more: another relay's
                        // changes this one has not read.)
                        let stored = self.stored();
                        let heads = self.core.doc().get_heads();
                        assert!(
                            heads.iter().all(|head| stored.get_change_by_hash(head).is_some()),
                            "a sync message goes out only when everything applied is stored"
                        );
                    }
                    self.sent.entry(peer.id).or_default().push(message);
                }
                Effect::Refuse(peer, refusal, message) => {
                    self.refused.push((peer.id.clone(), refusal));
                    self.sent.entry(peer.id.clone()).or_default().push(message);
                    self.disconnected.push(peer.id);
                }
                Effect::Disconnect(peer) => self.disconnected.push(peer.id),
            }
        }
    }

    /// Hand the client what it was sent; true if it was disconnected.
    fn deliver(&mut self, client: &mut Client) -> bool {
        for message in self.sent.remove(client.name).unwrap_or_default() {
            if let Message::Sync { data, .. } = message {
                let message = sync::Message::decode(&data).expect("the relay's message decodes");
                client.doc.sync().receive_sync_message(&mut client.state, message).expect("applies");
            }
        }
        let before = self.disconnected.len();
        self.disconnected.retain(|id| id != client.name);
        self.disconnected.len() != before
    }

    fn refusals(&self) -> Vec<Refusal> {
        self.refused.iter().map(|(_, refusal)| *refusal).collect()
    }
}

fn loaded(chunks: &[Vec<u8>]) -> Loaded {
    let mut doc = Automerge::new();
    for chunk in chunks {
        doc.load_incremental(chunk).expect("stored chunks load");
    }
    let stored_bytes = chunks.iter().map(|c| c.len() as u64).sum();
    Loaded { doc, incremental_chunks: 0, unreadable_chunks: 0, stored_bytes, last_chunk: None }
}

fn client(name: &'static str, role: Role, plan: &mut AutoCommit) -> Client {
    Client { name, role, doc: plan.fork(), state: sync::State::new(), socket: 0 }
}

/// A plan made by the coordinator and stored, with a member and a reader
/// who have it too.
fn setup() -> (Relay, [Client; 3]) {
    let mut plan = new_plan_document("Annas plan").expect("plan");
    // Each is a participant whose id is their name (what they sign with).
    for name in ["eva", "per", "ida"] {
        let participant = Participant { name: name.into(), ..Participant::default() };
        shared::plan::edit::add_participant_as(&mut plan, name, participant).expect("participant");
    }
    let coordinator = client("eva", Role::Coordinator, &mut plan);
    let relay = Relay::new(&mut plan, &coordinator);
    let member = client("per", Role::Member, &mut plan);
    let reader = client("ida", Role::Reader, &mut plan);
    (relay, [coordinator, member, reader])
}

/// Sync `clients` with the relay until nobody has anything to say; where
/// the relay's runs stopped.
fn settle(relay: &mut Relay, clients: &mut [Client]) -> Vec<Stop> {
    let mut stops = Vec::new();
    for _ in 0..20 {
        let batch: Vec<_> = clients.iter_mut().filter_map(Client::sync).collect();
        if batch.is_empty() {
            break;
        }
        stops.extend(relay.run(batch));
        for client in clients.iter_mut() {
            if relay.deliver(client) {
                client.reconnect();
            }
        }
    }
    stops
}

fn rename(client: &mut Client, name: &str) {
    set_text_at(&mut client.doc, &shared::plan::TextPath::PersonName, name).expect("edit");
}

fn person_name(doc: &Automerge) -> String {
    let person = doc.get(automerge::ROOT, "person").expect("read").expect("a person").1;
    let name = doc.get(&person, "name").expect("read").map(|(_, id)| id);
    name.map(|id| doc.text(&id).expect("text")).unwrap_or_default()
}

#[test]
fn a_writers_change_is_stored_with_who_made_it_before_it_is_acknowledged() {
    let (mut relay, [mut eva, mut per, _]) = setup();
    rename(&mut per, "Anna Berg");
    settle(&mut relay, std::slice::from_mut(&mut per));
    assert_eq!(person_name(&relay.stored()), "Anna Berg");
    assert_eq!(relay.audit.len(), 1, "one audit entry for the change");
    assert_eq!(relay.audit[0].principal, "user:per");
    assert!(relay.refused.is_empty());
    settle(&mut relay, std::slice::from_mut(&mut eva));
    assert_eq!(person_name(eva.doc.document()), "Anna Berg", "the others get it");
}

#[test]
fn a_reader_who_sends_a_change_is_refused_and_nothing_is_stored() {
    let (mut relay, [_, _, mut ida]) = setup();
    let stored = relay.stored().get_heads();
    rename(&mut ida, "Ida");
    let stops = settle(&mut relay, std::slice::from_mut(&mut ida));
    assert!(!stops.contains(&Stop::Reload), "refused before anything was applied: {stops:?}");
    assert_eq!(relay.refusals()[0], Refusal::ReadOnly);
    assert!(relay.refusals().iter().all(|r| *r == Refusal::ReadOnly));
    assert_eq!(relay.stored().get_heads(), stored);
}

#[test]
fn a_change_in_another_principals_name_is_refused() {
    let (mut relay, [_, mut per, _]) = setup();
    rename(&mut per, "Anna Berg");
    settle(&mut relay, std::slice::from_mut(&mut per));
    // Eva sends a change made with Per's actor id (after Per's own).
    let mut thief = Client {
        name: "eva",
        role: Role::Coordinator,
        doc: per.doc.fork().with_actor(per.doc.get_actor().clone()),
        state: sync::State::new(),
        socket: 1,
    };
    rename(&mut thief, "Någon annan");
    settle(&mut relay, std::slice::from_mut(&mut thief));
    assert!(!relay.refused.is_empty());
    assert!(relay.refusals().iter().all(|r| *r == Refusal::ForeignActor), "{:?}", relay.refusals());
    assert_eq!(person_name(&relay.stored()), "Anna Berg");
}

#[test]
fn an_actor_that_cannot_be_looked_up_is_refused_not_trusted() {
    let (mut relay, [_, mut per, _]) = setup();
    relay.fail_lookups = true;
    rename(&mut per, "Anna Berg");
    settle(&mut relay, std::slice::from_mut(&mut per));
    assert!(relay.refusals().iter().all(|r| *r == Refusal::Unchecked) && !relay.refused.is_empty());
    assert_eq!(person_name(&relay.stored()), "");
}

#[test]
fn the_person_removes_nothing_and_the_coordinator_may() {
    let (mut relay, [mut eva, _, _]) = setup();
    settle(&mut relay, std::slice::from_mut(&mut eva));
    let mut anna = client("anna", Role::Person, &mut eva.doc);
    shared::plan::edit::remove_participant(&mut anna.doc, "ida").expect("remove");
    let stops = settle(&mut relay, std::slice::from_mut(&mut anna));
    assert!(stops.contains(&Stop::Reload), "refused after it was applied: {stops:?}");
    assert!(relay.refusals().contains(&Refusal::Rule(rules::Refusal::RemovalIsNotThePersons)));
    assert!(Guarded::read(&relay.stored()).items.contains("participants/ida"), "kept on disk");
    assert!(Guarded::read(relay.core.doc()).items.contains("participants/ida"), "and in memory");

    // The person writes as everyone does; the coordinator removes.
    let mut anna = client("anna", Role::Person, &mut eva.doc);
    rename(&mut anna, "Anna Berg");
    settle(&mut relay, std::slice::from_mut(&mut anna));
    assert_eq!(person_name(&relay.stored()), "Anna Berg");
    let mut eva = client("eva", Role::Coordinator, &mut anna.doc);
    shared::plan::edit::remove_participant(&mut eva.doc, "ida").expect("remove");
    settle(&mut relay, std::slice::from_mut(&mut eva));
    assert!(!Guarded::read(&relay.stored()).items.contains("participants/ida"));
}

#[test]
fn only_the_coordinator_closes_the_plan_and_anyone_records_a_withdrawal() {
    let (mut relay, [mut eva, mut per, _]) = setup();
    close_plan(&mut per.doc, &closing(ClosingReason::GoalsMet, "per")).expect("close");
    let stops = settle(&mut relay, std::slice::from_mut(&mut per));
    assert!(stops.contains(&Stop::Reload), "refused after it was applied: {stops:?}");
    assert!(relay.refusals().contains(&Refusal::Rule(rules::Refusal::ClosingIsTheCoordinators)));
    assert_eq!(Guarded::read(&relay.stored()).closing, ClosingState::Open);
    assert_eq!(Guarded::read(relay.core.doc()).closing, ClosingState::Open, "rolled back in memory too");

    let mut per = client("per", Role::Member, &mut eva.doc);
    record_consent(&mut per.doc, &withdrawal("per")).expect("withdraw");
    settle(&mut relay, std::slice::from_mut(&mut per));
    let ClosingState::Closed(closed) = Guarded::read(&relay.stored()).closing else { panic!("closed") };
    assert_eq!(closed.reason, Some(ClosingReason::ConsentWithdrawn));

    settle(&mut relay, std::slice::from_mut(&mut eva));
    close_plan(&mut eva.doc, &closing(ClosingReason::Other, "eva")).expect("close");
    settle(&mut relay, std::slice::from_mut(&mut eva));
    let ClosingState::Closed(closed) = Guarded::read(&relay.stored()).closing else { panic!("closed") };
    assert_eq!(closed.reason, Some(ClosingReason::Other), "the coordinator may change the closing");
}

#[test]
fn a_change_that_makes_the_document_too_large_is_refused_and_rolled_back() {
    let (mut relay, [_, mut per, _]) = setup();
    relay.core.limits.max_document_bytes = relay.stored().save().len() as u64 + 200;
    // Text that does not compress: 3,000 letters of a pseudo-random sequence.
    let mut seed = 7u64;
    let noise: String = (0..3000)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            char::from(b'a' + (seed >> 59) as u8 % 26)
        })
        .collect();
    rename(&mut per, &noise);
    settle(&mut relay, std::slice::from_mut(&mut per));
    assert!(relay.refusals().contains(&Refusal::TooLarge));
    assert_eq!(person_name(&relay.stored()), "");
    assert_eq!(relay.stored().get_heads(), relay.core.doc().get_heads());
}

#[test]
fn a_peers_second_message_waits_for_the_answer_to_its_first() {
    let (mut relay, [_, per, _]) = setup();
    let message = AutoCommit::new().sync().generate_sync_message(&mut sync::State::new()).expect("a message");
    let bytes = message.encode();
    let first = Input::sync(per.peer(), &bytes, false, per.writer());
    let second = Input::sync(per.peer(), &bytes, false, per.writer());
    let step = relay.core.apply(vec![first, second], &ActorLookups::default());
    assert_eq!(step.stop, Stop::Answer);
    assert_eq!(step.rest.len(), 1, "the second waits");
}

#[test]
fn a_failed_write_acknowledges_nothing_and_every_peer_is_told() {
    let (mut relay, [mut eva, mut per, _]) = setup();
    settle(&mut relay, std::slice::from_mut(&mut eva));
    relay.fail_writes = true;
    rename(&mut per, "Anna Berg");
    settle(&mut relay, std::slice::from_mut(&mut per));
    assert!(relay.refusals().contains(&Refusal::NotSaved));
    assert!(relay.refused.iter().any(|(peer, _)| peer == "eva"), "the others are told too");
    assert_eq!(person_name(&relay.stored()), "");
    assert_eq!(relay.core.doc().get_heads(), relay.stored().get_heads(), "forgotten in memory");
    relay.fail_writes = false;
    per.reconnect();
    settle(&mut relay, std::slice::from_mut(&mut per));
    assert_eq!(person_name(&relay.stored()), "Anna Berg", "sent again, stored");
}

/// Per has a change that reached the database through another relay (a
/// new name, "Anna"), which this relay has not read, and makes `edit` on
/// top of it; this relay gets Per's message with Per's change only (a
/// Bloom-filter false positive, or a peer that moved from the other
/// relay). The other relay's change, and Per's message.
fn behind_a_change_the_relay_lacks(
    per: &mut Client,
    edit: impl FnOnce(&mut Client),
) -> (Change, Input<Peer>) {
    let mut other = per.doc.fork();
    set_text_at(&mut other, &shared::plan::TextPath::PersonName, "Anna").expect("edit");
    let elsewhere = other.get_last_local_change().expect("a change").clone();
    per.doc.merge(&mut other).expect("merge");
    edit(per);
    let own = per.doc.get_last_local_change().expect("a change").raw_bytes().to_vec();
    let mut message = per.doc.sync().generate_sync_message(&mut per.state).expect("a message");
    message.changes = vec![own].into();
    (elsewhere, Input::sync(per.peer(), &message.encode(), false, per.writer()))
}

/// What a client does when the relay closed its connection: it opens a
/// new one, and syncs.
fn reconnect_and_settle(relay: &mut Relay, client: &mut Client) {
    if relay.deliver(client) {
        client.reconnect();
    }
    settle(relay, std::slice::from_mut(client));
}

/// A peer's change can come before one it depends on: Automerge's Bloom
/// filters have false positives, and a peer that moved from another relay
/// has changes this relay has not read yet. The change waits in the
/// document; when a catch-up brings what it waits for, it applies, and like
/// any change of a peer it is stored before anyone is told of it. (A relay
/// that counted it as stored with what the catch-up read acknowledged it,
/// never wrote it, and lost it with everything after it at a `kill -9`.)
#[test]
fn a_peers_change_that_waited_for_a_catch_up_is_stored_before_it_is_acknowledged() {
    let (mut relay, [_, mut per, _]) = setup();
    settle(&mut relay, std::slice::from_mut(&mut per));
    let (elsewhere, message) = behind_a_change_the_relay_lacks(&mut per, |per| rename(per, "Anna Berg"));
    relay.run(vec![message]);
    assert_eq!(person_name(relay.core.doc()), "", "Per's change waits for the other relay's");

    relay.chunks.push(elsewhere.raw_bytes().to_vec());
    relay.run(vec![Input::StoredElsewhere { heads: vec![elsewhere.hash()] }]);
    // Nothing of Per's change was acknowledged or stored: Per (on a new
    // connection, see `a_waiting_change_that_a_catch_up_completes_is_checked_under_its_senders_rules`)
    // sends it again, and it is stored.
    assert_eq!(person_name(&relay.stored()), "Anna", "the other relay's, as it stored it");
    reconnect_and_settle(&mut relay, &mut per);
    assert_eq!(person_name(&relay.stored()), "Anna Berg", "and Per's change is stored");
    assert_eq!(relay.stored().get_heads(), relay.core.doc().get_heads());
}

/// A document stays loaded a while after its last peer left. Another
/// relay's news that comes then is not lost on it: the next peer to open
/// the plan gets what was stored elsewhere at once, not at the next change.
#[test]
fn a_peer_who_comes_after_news_to_an_empty_document_gets_what_was_stored_elsewhere() {
    let (mut relay, [mut eva, mut per, _]) = setup();
    rename(&mut eva, "Anna");
    let elsewhere = eva.doc.get_last_local_change().expect("a change").clone();
    relay.chunks.push(elsewhere.raw_bytes().to_vec());
    let stops = relay.run(vec![Input::StoredElsewhere { heads: vec![elsewhere.hash()] }]);
    assert_eq!(stops, vec![Stop::Answer], "nobody here: nothing to read yet");

    let stops = settle(&mut relay, std::slice::from_mut(&mut per));
    assert_eq!(stops.first(), Some(&Stop::CatchUp), "the first peer's message waits for a catch-up");
    assert_eq!(person_name(per.doc.document()), "Anna");
}

/// A change that waits for one the relay lacks is not written while it
/// waits, even when other changes are: what is stored stays causally
/// closed, so the compactor (which refuses anything else) goes on. Once it
/// applies, it is written before it is acknowledged.
#[test]
fn a_waiting_change_is_written_only_once_it_applies() {
    let (mut relay, [eva, per, _]) = setup();
    let mut both = [eva, per];
    settle(&mut relay, &mut both);
    let [mut eva, mut per] = both;
    let (elsewhere, message) = behind_a_change_the_relay_lacks(&mut per, |per| rename(per, "Anna Berg"));
    // In the same batch Eva changes the title, which is written.
    set_text_at(&mut eva.doc, &shared::plan::TextPath::Plan(PlanText::Title), "Annas nya plan")
        .expect("edit");
    let eva_says = eva.sync().expect("a message");
    relay.run(vec![message, eva_says]);
    assert_eq!(person_name(relay.core.doc()), "", "Per's change waits");
    assert_eq!(relay.stored().get_heads(), relay.core.doc().get_heads(), "Eva's change is stored");
    assert!(relay.stored().get_missing_deps(&[]).is_empty(), "nothing waiting is stored");

    relay.chunks.push(elsewhere.raw_bytes().to_vec());
    relay.run(vec![Input::StoredElsewhere { heads: vec![elsewhere.hash()] }]);
    reconnect_and_settle(&mut relay, &mut per);
    assert_eq!(person_name(&relay.stored()), "Anna Berg", "sent again, and stored");
    assert!(relay.stored().get_missing_deps(&[]).is_empty());
}

/// A change that waits for a dependency is not checked against the plan's
/// rules when it comes (nothing of it applies then). If a catch-up brings
/// what it waits for, it is not applied unchecked: the relay reloads and
/// its sender, on a new connection, sends it again; then it is checked
/// under the sender's own rules. Here a member's closing of the plan,
/// hidden behind a change the relay had not read yet.
#[test]
fn a_waiting_change_that_a_catch_up_completes_is_checked_under_its_senders_rules() {
    let (mut relay, [_, mut per, _]) = setup();
    settle(&mut relay, std::slice::from_mut(&mut per));
    let (elsewhere, message) = behind_a_change_the_relay_lacks(&mut per, |per| {
        close_plan(&mut per.doc, &closing(ClosingReason::GoalsMet, "per")).expect("close");
    });
    relay.run(vec![message]);
    assert!(relay.refused.is_empty(), "nothing of it applied, nothing to check yet");

    relay.chunks.push(elsewhere.raw_bytes().to_vec());
    relay.run(vec![Input::StoredElsewhere { heads: vec![elsewhere.hash()] }]);
    assert_eq!(Guarded::read(relay.core.doc()).closing, ClosingState::Open, "not applied unchecked");
    assert_eq!(Guarded::read(&relay.stored()).closing, ClosingState::Open);
    reconnect_and_settle(&mut relay, &mut per);
    assert!(relay.refusals().contains(&Refusal::Rule(rules::Refusal::ClosingIsTheCoordinators)));
    assert_eq!(
        Guarded::read(&relay.stored()).closing,
        ClosingState::Open,
        "a member does not close the plan"
    );
    assert_eq!(person_name(&relay.stored()), "Anna", "what the other relay stored stays");
}

/// A refused message is rolled back by reloading, which also drops the
/// changes of others applied in the same batch and not yet stored. Their
/// Automerge sync state remembers having sent them and would never send
/// them again on that connection: they are disconnected, and on their new
/// connection the change arrives and is stored.
#[test]
fn a_change_dropped_with_a_refused_one_is_sent_again() {
    let (mut relay, [eva, per, _]) = setup();
    let mut both = [eva, per];
    settle(&mut relay, &mut both);
    let [mut eva, mut per] = both;
    rename(&mut eva, "Anna Berg");
    close_plan(&mut per.doc, &closing(ClosingReason::GoalsMet, "per")).expect("close");
    let batch = vec![eva.sync().expect("Eva's change"), per.sync().expect("Per's change")];
    let stops = relay.run(batch);
    assert!(stops.contains(&Stop::Reload), "{stops:?}");
    assert_eq!(person_name(&relay.stored()), "", "dropped with the refused one");
    reconnect_and_settle(&mut relay, &mut eva);
    assert_eq!(person_name(&relay.stored()), "Anna Berg", "sent again on the new connection, stored");
}

#[test]
fn an_unreadable_message_is_refused_without_touching_the_document() {
    let (mut relay, [_, per, _]) = setup();
    let garbage = Input::sync(per.peer(), b"not a sync message", false, per.writer());
    assert!(matches!(garbage, Input::Sync { data: Err(_), .. }));
    assert_eq!(relay.run(vec![garbage]), vec![Stop::Answer]);
    assert_eq!(relay.refusals(), vec![Refusal::Unreadable]);
}

#[test]
fn deleting_tells_every_peer_the_document_is_gone() {
    let (mut relay, [eva, per, _]) = setup();
    settle(&mut relay, &mut [eva, per]);
    let stops = relay.run(vec![Input::Delete, Input::Leave { peer: Peer { id: "eva".into(), socket: 0 } }]);
    assert_eq!(stops, vec![Stop::Deleted]);
    for name in ["eva", "per"] {
        assert!(matches!(relay.sent[name].last(), Some(Message::DocUnavailable { .. })), "{name}");
    }
}

#[test]
fn presence_is_forwarded_to_the_others_once_per_count() {
    let (mut relay, [eva, per, _]) = setup();
    settle(&mut relay, &mut [eva, per]);
    relay.sent.clear();
    let presence = |count| Input::Ephemeral {
        from: "eva".into(),
        message: Message::Ephemeral {
            document_id: document_id(),
            sender_id: "eva".into(),
            target_id: "server".into(),
            count,
            session_id: "s".into(),
            data: Default::default(),
        },
    };
    relay.run(vec![presence(1), presence(1), presence(0), presence(2)]);
    let presence_to = |name: &str| {
        relay
            .sent
            .get(name)
            .map_or(0, |sent| sent.iter().filter(|m| matches!(m, Message::Ephemeral { .. })).count())
    };
    assert_eq!(presence_to("per"), 2, "counts 1 and 2, once each");
    assert_eq!(presence_to("eva"), 0, "not back to the sender");
}

#[test]
fn a_request_for_a_document_we_do_not_have_is_answered_unavailable() {
    let mut relay = Relay::with_chunks(Vec::new());
    let mut empty = AutoCommit::new();
    let mut state = sync::State::new();
    let message = empty.sync().generate_sync_message(&mut state).expect("a request");
    let peer = Peer { id: "eva".into(), socket: 0 };
    relay.run(vec![Input::sync(peer, &message.encode(), true, None)]);
    assert!(relay.sent["eva"].iter().any(|m| matches!(m, Message::DocUnavailable { .. })));
}

/// One thing a participant does.
#[derive(Debug, Clone)]
enum Act {
    Rename(usize, String),
    Close(usize, bool),
    Withdraw(usize),
    Sync(Vec<usize>),
    WritesFail(bool),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        (0..3usize, "[a-ö ]{0,12}").prop_map(|(c, name)| Act::Rename(c, name)),
        (0..3usize, any::<bool>()).prop_map(|(c, other)| Act::Close(c, other)),
        (0..3usize).prop_map(Act::Withdraw),
        proptest::collection::vec(0..3usize, 1..4).prop_map(Act::Sync),
        any::<bool>().prop_map(Act::WritesFail),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the participants do, in whatever batches, and whichever
    /// writes fail: nothing is acknowledged before it is stored (checked
    /// on every message sent), nothing a reader wrote is stored, a closing
    /// stored is the coordinator's or a withdrawal, every stored change has
    /// its author in the audit log, and once writes work again and everyone
    /// syncs, the coordinator and the relay agree.
    #[test]
    fn what_is_stored_follows_the_rules(acts in proptest::collection::vec(act(), 1..24)) {
        let (mut relay, mut clients) = setup();
        for act in acts {
            match act {
                Act::Rename(c, name) => rename(&mut clients[c], &name),
                Act::Close(c, other) => {
                    let reason = if other { ClosingReason::Other } else { ClosingReason::GoalsMet };
                    let by = clients[c].name;
                    close_plan(&mut clients[c].doc, &closing(reason, by)).expect("close");
                }
                Act::Withdraw(c) => {
                    let by = clients[c].name;
                    record_consent(&mut clients[c].doc, &withdrawal(by)).expect("withdraw");
                }
                Act::Sync(who) => {
                    let batch: Vec<_> = who.iter().filter_map(|&c| clients[c].sync()).collect();
                    relay.run(batch);
                    for client in clients.iter_mut() {
                        if relay.deliver(client) {
                            client.reconnect();
                        }
                    }
                }
                Act::WritesFail(fail) => relay.fail_writes = fail,
            }
        }
        let stored = relay.stored();
        let reader = clients[2].doc.get_actor().clone();
        prop_assert!(stored.get_changes(&[]).iter().all(|c| c.actor_id() != &reader), "nothing of the reader's");
        if let ClosingState::Closed(closed) = Guarded::read(&stored).closing {
            prop_assert!(
                closed.by.as_deref() == Some("eva") || closed.reason == Some(ClosingReason::ConsentWithdrawn),
                "{closed:?}"
            );
        }
        let audited: Vec<&str> = relay.audit.iter().flat_map(|e| e.detail.split(',')).collect();
        for change in stored.get_changes(&[]).iter().skip(1) {
            let hash = change.hash().to_string();
            prop_assert!(audited.contains(&hash.as_str()), "every stored change is in the audit log");
        }
        relay.fail_writes = false;
        let [eva, ..] = &mut clients;
        eva.reconnect();
        settle(&mut relay, std::slice::from_mut(eva));
        prop_assert_eq!(relay.stored().get_heads(), eva.doc.get_heads());
    }
}

/// The plan (whose participants are "eva", "per" and "ida": [`setup`])
/// with a meeting.
fn with_meeting(relay: &mut Relay, eva: &mut Client) -> String {
    let meeting =
        shared::plan::edit::add_meeting(&mut eva.doc, &shared::plan::Meeting::default()).expect("meeting");
    settle(relay, std::slice::from_mut(eva));
    meeting
}

fn approvals(doc: &Automerge, meeting: &str) -> Vec<String> {
    let plan = shared::plan::read_plan(doc).expect("plan");
    plan.meetings[meeting].approvals.keys().cloned().collect()
}

#[test]
fn each_writer_approves_only_as_the_participant_they_are() {
    let (mut relay, [mut eva, _, _]) = setup();
    let meeting = with_meeting(&mut relay, &mut eva);
    let mut per = client("per", Role::Member, &mut eva.doc);
    shared::plan::edit::approve(&mut per.doc, &meeting, "eva", "eva", 1).expect("approve");
    let stops = settle(&mut relay, std::slice::from_mut(&mut per));
    assert!(stops.contains(&Stop::Reload), "refused after it was applied: {stops:?}");
    assert!(relay.refusals().contains(&Refusal::Signature(signatures::SignatureRefusal::NotYourApproval)));
    assert!(approvals(&relay.stored(), &meeting).is_empty(), "not stored");
    assert!(approvals(relay.core.doc(), &meeting).is_empty(), "rolled back in memory too");

    let mut per = client("per", Role::Member, &mut eva.doc);
    shared::plan::edit::approve(&mut per.doc, &meeting, "per", "per", 2).expect("approve");
    settle(&mut relay, std::slice::from_mut(&mut per));
    assert_eq!(approvals(&relay.stored(), &meeting), ["per"], "one's own approval is stored");

    // The coordinator may record an oral approval (not make one in someone's name).
    let mut eva = client("eva", Role::Coordinator, &mut per.doc);
    shared::plan::edit::approve(&mut eva.doc, &meeting, "per", "per", 3).expect("approve");
    settle(&mut relay, std::slice::from_mut(&mut eva));
    let stored = shared::plan::read_plan(&relay.stored()).expect("plan");
    assert_eq!(stored.meetings[&meeting].approvals["per"].approved_at, 2, "per's own approval stands");
}

mod records;
