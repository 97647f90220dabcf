//! Two clients synced through a minimal in-memory "server" that is itself a
//! plain Automerge peer: checks the client state machine, not the relay.

use automerge::sync::SyncDoc;
use automerge::Automerge;

use super::*;
use crate::plan::{new_plan_document, read_text, set_text, PlanText};

struct MemoryServer {
    doc: Automerge,
    states: HashMap<PeerId, sync::State>,
}

impl MemoryServer {
    fn new() -> Self {
        MemoryServer { doc: Automerge::new(), states: HashMap::new() }
    }

    fn handle(&mut self, message: Message) -> Vec<Message> {
        match message {
            Message::Join { sender_id, .. } => vec![Message::Peer {
                sender_id: "server".into(),
                selected_protocol_version: "1".into(),
                target_id: sender_id,
                peer_metadata: None,
            }],
            Message::Sync { document_id, sender_id, data, .. }
            | Message::Request { document_id, sender_id, data, .. } => {
                let state = self.states.entry(sender_id.clone()).or_default();
                let msg = sync::Message::decode(&data).expect("sync message");
                self.doc.receive_sync_message(state, msg).expect("receive");
                let mut out = Vec::new();
                for (peer, state) in &mut self.states {
                    if let Some(reply) = self.doc.generate_sync_message(state) {
                        out.push(Message::Sync {
                            document_id,
                            sender_id: "server".into(),
                            target_id: peer.clone(),
                            data: ByteBuf::from(reply.encode()),
                        });
                    }
                }
                out
            }
            _ => vec![],
        }
    }
}

struct Client {
    sync: SyncClient,
    doc: AutoCommit,
    id: DocumentId,
}

impl Client {
    fn deliver(&mut self, message: Message) -> Vec<Message> {
        let mut out = Vec::new();
        match self.sync.receive(message).expect("receive") {
            Received::Connected => out.extend(self.sync.generate(self.id, &mut self.doc)),
            Received::Sync(id, data) => {
                self.sync.apply_sync(id, &data, &mut self.doc).expect("apply");
                out.extend(self.sync.generate(id, &mut self.doc));
            }
            _ => {}
        }
        out
    }
}

/// Deliver messages until no one has anything more to say.
fn settle(server: &mut MemoryServer, clients: &mut [&mut Client], mut to_server: Vec<Message>) {
    for _ in 0..100 {
        if to_server.is_empty() {
            return;
        }
        let mut to_clients = Vec::new();
        for m in to_server.drain(..) {
            to_clients.extend(server.handle(m));
        }
        for m in to_clients {
            let (Message::Sync { target_id, .. } | Message::Peer { target_id, .. }) = &m else {
                continue;
            };
            for c in clients.iter_mut() {
                if c.sync.peer_id() == target_id {
                    to_server.extend(c.deliver(m.clone()));
                }
            }
        }
    }
    panic!("sync did not settle");
}

#[test]
fn a_plan_created_on_one_client_reaches_another_and_edits_flow_back() {
    let id = DocumentId::random();
    let mut anna =
        Client { sync: SyncClient::new("anna".into()), doc: new_plan_document("Plan").expect("plan"), id };
    let mut bo = Client { sync: SyncClient::new("bo".into()), doc: AutoCommit::new(), id };
    anna.sync.open(id);
    bo.sync.open(id);
    let mut server = MemoryServer::new();

    assert!(anna.sync.generate(id, &mut anna.doc).is_none(), "nothing is sent before the handshake");
    let joins = vec![anna.sync.join(), bo.sync.join()];
    settle(&mut server, &mut [&mut anna, &mut bo], joins);
    assert_eq!(read_text(&bo.doc, PlanText::Title).expect("title"), "Plan");
    assert!(anna.sync.is_synced(&id, &mut anna.doc));

    set_text(&mut bo.doc, PlanText::MainGoal, "Gå till affären").expect("edit");
    assert!(!bo.sync.is_synced(&id, &mut bo.doc));
    let out: Vec<_> = bo.sync.generate(id, &mut bo.doc).into_iter().collect();
    assert!(matches!(out[0], Message::Sync { .. }));
    settle(&mut server, &mut [&mut anna, &mut bo], out);
    assert_eq!(read_text(&anna.doc, PlanText::MainGoal).expect("goal"), "Gå till affären");
    assert!(bo.sync.is_synced(&id, &mut bo.doc));
}

#[test]
fn an_empty_document_is_asked_for_with_request() {
    let id = DocumentId::random();
    let mut c = SyncClient::new("c".into());
    c.open(id);
    c.receive(Message::Peer {
        sender_id: "s".into(),
        selected_protocol_version: "1".into(),
        target_id: "c".into(),
        peer_metadata: None,
    })
    .expect("peer");
    let mut doc = AutoCommit::new();
    assert!(matches!(c.generate(id, &mut doc), Some(Message::Request { .. })));
    let got = c
        .receive(Message::DocUnavailable { document_id: id, sender_id: "s".into(), target_id: "c".into() })
        .expect("receive");
    assert_eq!(got, Received::Unavailable(id));
    assert!(c.is_unavailable(&id));
}

#[test]
fn garbage_sync_data_is_an_error_and_the_document_is_untouched() {
    let id = DocumentId::random();
    let mut c = SyncClient::new("c".into());
    c.open(id);
    let mut doc = new_plan_document("x").expect("plan");
    let heads = doc.get_heads();
    assert!(c.apply_sync(id, &[1, 2, 3], &mut doc).is_err());
    assert_eq!(doc.get_heads(), heads);
    assert!(matches!(
        c.receive(Message::Sync {
            document_id: id,
            sender_id: "s".into(),
            target_id: "c".into(),
            data: ByteBuf::new()
        }),
        Err(SyncClientError::NotConnected("sync"))
    ));
}
