//! A sign-in link opened in a browser signed in as someone else asks first.

use crate::access::*;
use crate::harness::*;

/// A new one-time sign-in link's token for account `name` (created if missing).
async fn sign_in_token(server: &TestServer, name: &str) -> String {
    server.token_for(name).await;
    let store = crate::harness::open_store(&server.data_dir).await;
    let token = server::access::Access::new(&store).accounts.sign_in_link(name).await.expect("link");
    store.close().await;
    token.reveal().to_string()
}

/// `POST /api/sign-in` with `token`, from a browser with session `session`: status and body.
async fn sign_in(server: &TestServer, session: Option<&str>, token: &str, replace: bool) -> (u16, String) {
    let body = format!("{{\"token\":\"{token}\",\"replace\":{replace}}}");
    http(server, "POST", "/api/sign-in", session, Some(&body)).await
}

#[tokio::test]
async fn a_sign_in_link_in_a_browser_signed_in_as_someone_else_asks_first() {
    let server = TestServer::fresh().await;
    let kim = server.token_for("Kim").await;
    let lisas_link = sign_in_token(&server, "Lisa").await;

    // The app asks whose link it is: Lisa's, while Kim is signed in. The link stays unused.
    let check = format!("{{\"token\":\"{lisas_link}\"}}");
    let (status, body) = http(&server, "POST", "/api/sign-in/check", Some(&kim), Some(&check)).await;
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!((answer["name"].as_str(), answer["signed_in_as"].as_str()), (Some("Lisa"), Some("Kim")));
    // Signing in without saying yes is refused, with the question; the link is still unused.
    let (status, body) = sign_in(&server, Some(&kim), &lisas_link, false).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("Du är inloggad som Kim. Vill du logga in som Lisa i stället?"), "{body}");
    assert_eq!(http(&server, "GET", "/api/me", Some(&kim), None).await.0, 200, "Kim is still signed in");
    // Yes: Lisa is signed in, Kim's session in this browser ends.
    let (status, body) = sign_in(&server, Some(&kim), &lisas_link, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json_field(&body, "name"), "Lisa");
    assert_eq!(http(&server, "GET", "/api/me", Some(&kim), None).await.0, 401, "Kim's session has ended");

    // No question without a session, nor for one's own link.
    let link = sign_in_token(&server, "Lisa").await;
    let (status, body) =
        http(&server, "POST", "/api/sign-in/check", None, Some(&format!("{{\"token\":\"{link}\"}}"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"signed_in_as\":null"), "{body}");
    let lisa = server.token_for("Lisa").await;
    assert_eq!(sign_in(&server, Some(&lisa), &link, false).await.0, 200, "her own link signs her in");
    assert_eq!(http(&server, "GET", "/api/me", Some(&lisa), None).await.0, 200, "and keeps her session");
}
