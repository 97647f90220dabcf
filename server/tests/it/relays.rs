//! Two relays on one PostgreSQL (issue 30): a plan's peers may be on
//! either relay, and every change reaches all of them. Only with
//! `SAMPLAN_TEST_DATABASE` (`scripts/with-postgres.sh`); on SQLite there is
//! one relay and these tests say so and pass.
//!
//! `the_database_restarts_*` restarts the whole PostgreSQL cluster: run
//! these tests apart from the others (`scripts/test.sh` does).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use shared::plan::{read_text, set_text, PlanText};
use shared::DocumentId;

use crate::crash::{spawn_server, stored_hashes_missing, Writer};
use crate::harness::*;

/// A change through one relay reaches a peer on the other within this, at
/// the 95th percentile (loopback).
const P95_ACROSS_RELAYS: Duration = Duration::from_secs(1);
/// Whatever was lost (a notification, the listening connection, the
/// database for a moment), the relays agree again within this.
const HEALED_WITHIN: Duration = Duration::from_secs(5);

fn skipped() -> bool {
    if !on_postgres() {
        println!("one relay on SQLite: run under scripts/with-postgres.sh for two relays");
        return true;
    }
    false
}

/// Two relays on the data directory `a.data_dir`'s database.
async fn second_relay(a: &TestServer) -> TestServer {
    TestServer::start(&a.data_dir).await
}

/// `writer` sets `field` to `text`; how long until `reader` (on the other
/// relay) reads it, at most `within`. The writer keeps answering its relay
/// meanwhile (a relay may ask it again for a change: Automerge's Bloom
/// filters have false positives), as the app does.
async fn cross(
    writer: &mut Client,
    reader: &mut Client,
    field: PlanText,
    text: &str,
    within: Duration,
) -> Duration {
    set_text(&mut writer.doc, field, text).expect("edit");
    writer.push().await;
    let (_, took) = tokio::join!(writer.until_synced(), time_until_text(reader, field, text, within));
    took
}

/// Until `client` reads `text` in `field`, at most `within`; how long it took.
async fn time_until_text(client: &mut Client, field: PlanText, text: &str, within: Duration) -> Duration {
    let started = Instant::now();
    if tokio::time::timeout(within, client.until_text(field, text)).await.is_err() {
        let now = read_text(&client.doc, field);
        panic!(
            "{text:?} did not arrive within {within:?}: the peer reads {now:?}, heads {:?}",
            client.doc.get_heads()
        );
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_on_two_relays_co_edit_and_converge_and_a_change_crosses_within_a_second_at_p95() {
    if skipped() {
        return;
    }
    let a = TestServer::fresh().await;
    let b = second_relay(&a).await;
    // Three plans, each with a peer on either relay.
    let mut pairs = Vec::new();
    for n in 0..3 {
        let (id, mut on_a) = a.new_plan(&format!("anna{n}"), &format!("Plan {n}")).await;
        on_a.until_synced().await;
        let on_b = b.peer_reading(&format!("bo{n}"), id, PlanText::Title, &format!("Plan {n}")).await;
        pairs.push((id, on_a, on_b));
    }

    // A change through A reaches the peer on B (and back), one at a time.
    let mut latencies = Vec::new();
    for round in 0..40 {
        let (_, on_a, on_b) = &mut pairs[round % 3];
        let text = format!("Mål {round} via A");
        latencies.push(cross(on_a, on_b, PlanText::MainGoal, &text, HEALED_WITHIN).await);
        let text = format!("Mål {round} via B");
        latencies.push(cross(on_b, on_a, PlanText::MainGoal, &text, HEALED_WITHIN).await);
    }
    latencies.sort();
    let p95 = latencies[latencies.len() * 95 / 100];
    println!(
        "across relays: median {:?}, p95 {p95:?}, max {:?}",
        latencies[latencies.len() / 2],
        latencies.last()
    );
    assert!(p95 <= P95_ACROSS_RELAYS, "p95 {p95:?} across relays is over {P95_ACROSS_RELAYS:?}");

    // Both type at once into different fields of every plan; all converge.
    for (_, on_a, on_b) in &mut pairs {
        for k in 0..10 {
            set_text(&mut on_a.doc, PlanText::Title, &format!("Titel {k}")).expect("edit");
            on_a.push().await;
            set_text(&mut on_b.doc, PlanText::MainGoal, &format!("Mål {k}")).expect("edit");
            on_b.push().await;
        }
    }
    for (_, on_a, on_b) in &mut pairs {
        let deadline = Instant::now() + HEALED_WITHIN;
        loop {
            on_a.until_text(PlanText::MainGoal, "Mål 9").await;
            on_b.until_text(PlanText::Title, "Titel 9").await;
            if on_a.doc.get_heads() == on_b.doc.get_heads() {
                break;
            }
            assert!(Instant::now() < deadline, "the peers on A and B did not reach the same heads");
            on_a.push().await;
            on_b.push().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A change written to the database with no word to anyone (as if its
/// notification were lost): `chunk` after the heads of `doc`.
async fn store_silently(database: &str, id: DocumentId, chunk: Vec<u8>) {
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(database).await.expect("connect");
    sqlx::query(
        "INSERT INTO document_chunks (document_id, kind, bytes, created_at, written_by) \
         VALUES ($1, 'incremental', $2, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT, 'elsewhere')",
    )
    .bind(id.to_string())
    .bind(chunk)
    .execute(&mut connection)
    .await
    .expect("insert a chunk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_notification_and_a_dropped_listening_connection_heal_within_five_seconds() {
    if skipped() {
        return;
    }
    let a = TestServer::fresh().await;
    let b = second_relay(&a).await;
    let database = database_for(&a.data_dir).await.expect("on PostgreSQL");
    let (id, mut on_a) = a.plan_by_anna("Tyst").await;
    let mut on_b = b.peer_reading("bo", id, PlanText::Title, "Tyst").await;

    // A change stored with no notification at all.
    let mut elsewhere = on_a.doc.fork();
    set_text(&mut elsewhere, PlanText::MainGoal, "Skrivet utan besked").expect("edit");
    let chunk = elsewhere.save_after(&on_a.doc.get_heads());
    store_silently(&database, id, chunk).await;
    let healed = time_until_text(&mut on_b, PlanText::MainGoal, "Skrivet utan besked", HEALED_WITHIN).await;
    println!("a change stored without a notification reached a peer after {healed:?}");
    time_until_text(&mut on_a, PlanText::MainGoal, "Skrivet utan besked", HEALED_WITHIN).await;

    // Every relay's listening connection is cut; a change right after.
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&database).await.expect("connect");
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .expect("terminate the listeners");
    assert!(cut.len() >= 2, "both relays were listening ({} connections cut)", cut.len());
    let healed = cross(&mut on_a, &mut on_b, PlanText::MainGoal, "Efter avbrottet", HEALED_WITHIN).await;
    println!("with the listeners cut, a change reached the other relay after {healed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_compacts_away_a_chunk_it_never_read_still_gives_it_to_its_peers() {
    if skipped() {
        return;
    }
    let a = TestServer::fresh().await;
    let b = second_relay(&a).await;
    let database = database_for(&a.data_dir).await.expect("on PostgreSQL");
    let (id, mut on_a) = a.plan_by_anna("Sammanslagen").await;
    let mut on_b = b.peer_reading("bo", id, PlanText::Title, "Sammanslagen").await;
    // Relay B's name in the chunks: the one a change through B wrote.
    set_text(&mut on_b.doc, PlanText::MainGoal, "Från B").expect("edit");
    on_b.push().await;
    on_b.until_synced().await;
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&database).await.expect("connect");
    let relay_b: String = sqlx::query_scalar(
        "SELECT written_by FROM document_chunks WHERE document_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id.to_string())
    .fetch_one(&mut admin)
    .await
    .expect("B's chunk");

    // Another relay's change that B has not read yet, and at once B's
    // compaction, which folds it into a snapshot of B's own and deletes
    // it (as `Store::compact` does; here with no notice to anyone).
    let mut elsewhere = on_b.doc.fork();
    set_text(&mut elsewhere, PlanText::MainGoal, "Hopslaget av B").expect("edit");
    let mut whole = on_a.doc.fork();
    whole.merge(&mut elsewhere).expect("merge");
    let mut transaction = sqlx::Connection::begin(&mut admin).await.expect("begin");
    sqlx::query("DELETE FROM document_chunks WHERE document_id = $1")
        .bind(id.to_string())
        .execute(&mut *transaction)
        .await
        .expect("delete the chunks");
    sqlx::query(
        "INSERT INTO document_chunks (document_id, kind, bytes, created_at, written_by) \
         VALUES ($1, 'snapshot', $2, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT, $3)",
    )
    .bind(id.to_string())
    .bind(whole.save())
    .bind(&relay_b)
    .execute(&mut *transaction)
    .await
    .expect("insert B's snapshot");
    transaction.commit().await.expect("commit");

    let healed = time_until_text(&mut on_b, PlanText::MainGoal, "Hopslaget av B", HEALED_WITHIN).await;
    println!("a change only in B's own snapshot reached B's peer after {healed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_restarts_and_the_relays_go_on_within_five_seconds() {
    if skipped() {
        return;
    }
    let Ok(pg_ctl) = std::env::var("SAMPLAN_TEST_PG_CTL") else {
        panic!("SAMPLAN_TEST_PG_CTL names the cluster's pg_ctl (scripts/with-postgres.sh)");
    };
    let a = TestServer::fresh().await;
    let b = second_relay(&a).await;
    let (id, mut on_a) = a.plan_by_anna("Omstart").await;
    let mut on_b = b.peer_reading("bo", id, PlanText::Title, "Omstart").await;

    let restarted = tokio::process::Command::new(&pg_ctl)
        .args(["restart", "-m", "fast"])
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .expect("run pg_ctl");
    assert!(restarted.success(), "PostgreSQL restarted");
    let back = Instant::now();
    // The first change after the restart crosses to the other relay.
    cross(&mut on_a, &mut on_b, PlanText::MainGoal, "Efter omstarten", HEALED_WITHIN).await;
    println!(
        "after the database's restart, a change crossed the relays {:?} after it was back",
        back.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_under_load_loses_no_acknowledged_change_and_its_peers_go_on_at_the_other() {
    if skipped() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let token = provision(dir.path(), "Skribent").await;
    let database = database_for(dir.path()).await;
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let ids: Vec<DocumentId> = (0..2).map(|_| DocumentId::random()).collect();
    // Four writers per plan, two through each relay.
    let mut writers: Vec<Writer> = (0..8)
        .map(|n| Writer::new(format!("skribent{n}"), token.clone(), ids[n % 2], acknowledged.clone()))
        .collect();

    for (round, victim) in [0usize, 1].into_iter().enumerate() {
        let before: Vec<u32> = writers.iter().map(|w| w.connections).collect();
        let relays =
            [spawn_server(dir.path(), database.as_deref()), spawn_server(dir.path(), database.as_deref())];
        let addresses = [relays[0].1, relays[1].1];
        let mut children = relays.map(|(child, _)| Some(child));
        let tasks: Vec<_> = writers
            .drain(..)
            .enumerate()
            .map(|(n, mut writer)| {
                let first = addresses[(n / 2) % 2];
                let other = addresses[1 - (n / 2) % 2];
                tokio::spawn(async move {
                    // Until its relay dies; then on at the other one.
                    writer.run(first, None).await;
                    writer.run(other, None).await;
                    writer
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(700)).await;
        let mut killed = children[victim].take().expect("running");
        killed.kill().expect("kill -9");
        killed.wait().expect("reap");
        let seen = acknowledged.lock().expect("lock").clone();
        let missing = stored_hashes_missing(dir.path(), &ids, &seen).await;
        assert_eq!(missing, 0, "round {round}: acknowledged changes are gone after a kill -9 of a relay");
        // The writers of the killed relay now write through the other.
        tokio::time::sleep(Duration::from_millis(700)).await;
        let mut survivor = children[1 - victim].take().expect("running");
        survivor.kill().expect("kill -9");
        survivor.wait().expect("reap");
        for task in tasks {
            writers.push(task.await.expect("writer"));
        }
        let seen = acknowledged.lock().expect("lock").clone();
        let missing = stored_hashes_missing(dir.path(), &ids, &seen).await;
        println!("round {round}: {} acknowledged heads, {missing} missing", seen.len());
        assert_eq!(missing, 0, "round {round}: acknowledged changes are gone");
        let moved = writers.iter().zip(&before).filter(|(w, before)| w.connections >= *before + 2).count();
        assert!(moved >= 4, "the killed relay's writers went on at the other ({moved} did)");
    }

    // Once more on two relays: everything anyone wrote is stored, and a
    // peer on each relay ends with the same document.
    let (mut one, address_one) = spawn_server(dir.path(), database.as_deref());
    let (mut two, address_two) = spawn_server(dir.path(), database.as_deref());
    for (n, writer) in writers.iter_mut().enumerate() {
        writer.run(if n % 2 == 0 { address_one } else { address_two }, Some(Duration::from_secs(5))).await;
    }
    let store = open_store(dir.path()).await;
    let total: u64 = writers.iter().map(|w| w.written).sum();
    assert!(total > 50, "the writers wrote something ({total} changes)");
    for writer in &writers {
        assert_eq!(
            writer.missing_from(&store.load(&writer.id).await.expect("load").doc),
            0,
            "{}",
            writer.name
        );
    }
    store.close().await;
    one.kill().expect("stop");
    two.kill().expect("stop");
    let _ = (one.wait(), two.wait());
    println!("{total} changes written through two relays, each killed once under load; none lost");
}

/// Until `client`'s socket closes or the document is said to be
/// unavailable, at most `within`; how long it took. Sync messages that come
/// before are answered, as the app would.
async fn time_until_shut_out(client: &mut Client, within: Duration) -> Duration {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match listen_until(&mut client.socket, deadline).await {
            Heard::Closed => return started.elapsed(),
            Heard::Nothing => panic!("the peer still had the plan after {within:?}"),
            Heard::Message(message) => match client.sync.receive(message) {
                Ok(shared::sync_client::Received::Unavailable(_)) => return started.elapsed(),
                Ok(shared::sync_client::Received::Sync(id, data)) => {
                    client.sync.apply_sync(id, &data, &mut client.doc).expect("apply");
                }
                _ => {}
            },
        }
    }
}

/// The principal of member `name` of plan `id`, as the coordinator lists them.
async fn principal_of(server: &TestServer, id: DocumentId, name: &str) -> String {
    let (status, body) =
        crate::access::http(server, "GET", &format!("/api/plans/{id}/members"), Some(&server.token), None)
            .await;
    assert_eq!(status, 200, "{body}");
    let members: Vec<shared::api::Member> = serde_json::from_str(&body).expect("members");
    members.into_iter().find(|m| m.name == name).map(|m| m.principal).expect("the member is listed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_taken_away_through_one_relay_is_taken_away_on_the_other() {
    if skipped() {
        return;
    }
    let a = TestServer::fresh().await;
    let b = second_relay(&a).await;
    let plan = crate::access::plan_made_by_testare(&a).await;
    let eva = crate::access::signed_in_editor(&a, "Eva", plan.id).await;
    let mut eva_on_b = Client::connect_as(&b, &eva, "eva", plan.id, AutoCommit::new()).await;
    eva_on_b.until_text(PlanText::Title, "Annas plan").await;

    // The coordinator removes Eva through A: her connection on B ends, and
    // B lets her in no more.
    let principal = principal_of(&a, plan.id, "Eva").await;
    let path = format!("/api/plans/{}/members/{principal}", plan.id);
    let (status, _) = crate::access::http(&a, "DELETE", &path, Some(&a.token), None).await;
    assert_eq!(status, 204);
    let took = time_until_shut_out(&mut eva_on_b, HEALED_WITHIN).await;
    println!("a member removed through A was shut out on B after {took:?}");
    assert!(took < Duration::from_secs(1), "told at once, not by the once-a-second look: {took:?}");
    assert!(!crate::access::can_read(&b, &eva, plan.id).await, "B refuses the removed member");

    // News whose notification was lost (written with no word): B acts on
    // it at its next look, within seconds.
    let reader = crate::access::device_member(&a, plan.id, "reader").await;
    let mut reader_on_b = Client::connect_as(&b, &reader, "läsare", plan.id, AutoCommit::new()).await;
    reader_on_b.until_text(PlanText::Title, "Annas plan").await;
    let device = principal_of(&a, plan.id, "test reader").await;
    let database = database_for(&a.data_dir).await.expect("on PostgreSQL");
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&database).await.expect("connect");
    sqlx::query(
        "INSERT INTO access_news (relay, kind, subjects, created_at) \
         VALUES ('elsewhere', 'disconnect', $1, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT)",
    )
    .bind(vec![device])
    .execute(&mut connection)
    .await
    .expect("insert news");
    let took = time_until_shut_out(&mut reader_on_b, HEALED_WITHIN).await;
    println!("news without a notification reached B after {took:?}");

    // The plan is deleted through A: the coordinator's own peer on B is
    // told it is gone, and B does not serve it from memory.
    let mut coordinator_on_b = Client::connect(&b, "samordnare-b", plan.id, AutoCommit::new()).await;
    coordinator_on_b.until_text(PlanText::Title, "Annas plan").await;
    let (status, _) =
        crate::access::http(&a, "DELETE", &format!("/api/plans/{}", plan.id), Some(&a.token), None).await;
    assert_eq!(status, 204);
    let took = time_until_shut_out(&mut coordinator_on_b, HEALED_WITHIN).await;
    println!("a plan deleted through A was gone on B after {took:?}");
    assert!(!crate::access::can_read(&b, &b.token, plan.id).await, "B does not serve the deleted plan");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_use_invitation_redeemed_through_both_relays_at_once_lets_in_one() {
    if skipped() {
        return;
    }
    let a = TestServer::fresh().await;
    let b = second_relay(&a).await;
    let plan = crate::access::plan_made_by_testare(&a).await;
    let (eva, olle) = (a.token_for("Eva").await, a.token_for("Olle").await);
    for round in 0..10 {
        let (status, body) = crate::access::invite(&a, &a.token, plan.id, "reader", 14).await;
        assert_eq!(status, 201, "{body}");
        let link = crate::access::json_field(&body, "link");
        let token = link.split('#').nth(1).expect("token");
        let redeem = format!("{{\"token\":\"{token}\"}}");
        let (on_a, on_b) = tokio::join!(
            crate::access::http(&a, "POST", "/api/invitations/redeem", Some(&eva), Some(&redeem)),
            crate::access::http(&b, "POST", "/api/invitations/redeem", Some(&olle), Some(&redeem)),
        );
        let admitted = [on_a.0, on_b.0].iter().filter(|s| **s == 200).count();
        assert_eq!(admitted, 1, "round {round}: exactly one is let in ({} and {})", on_a.0, on_b.0);
    }
    let (_, body) =
        crate::access::http(&a, "GET", &format!("/api/plans/{}/members", plan.id), Some(&a.token), None)
            .await;
    let members: Vec<shared::api::Member> = serde_json::from_str(&body).expect("members");
    assert_eq!(members.len(), 3, "the coordinator, Eva and Olle: {members:?}");
}
