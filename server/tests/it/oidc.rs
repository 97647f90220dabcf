//! Signing in through an OpenID Connect provider: every way a token or a
//! callback can be wrong ends without a session; staff are matched to
//! accounts by HSA-id; the person binds an invitation to their identity.

mod fake_provider;

use serde_json::{json, Value};
use server::oidc::{ProviderKind, ProviderSettings, UnknownUsers};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use self::fake_provider::{FakeProvider, Issue, CLIENT_ID, CLIENT_SECRET};
use crate::harness::*;

/// An HTTP answer: status, headers (names in lower case), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A cookie's new value, if the answer sets one that is not empty.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .filter_map(|(_, v)| v.strip_prefix(&format!("{name}=")))
            .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
            .find(|value| !value.is_empty())
    }
}

async fn request(server: &TestServer, method: &str, path: &str, cookie: Option<&str>) -> Answer {
    request_with(server, method, path, cookie, &[]).await
}

async fn request_with(
    server: &TestServer,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", server.addr);
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Content-Length: 0\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.expect("read");
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    Answer { status, headers, body: body.to_string() }
}

fn provider(id: &str, kind: ProviderKind, issuer: &str) -> ProviderSettings {
    let mut settings: ProviderSettings =
        format!("id={id} issuer={issuer} client-id={CLIENT_ID} trusted-organisations=SE2321000016-TRUST")
            .parse()
            .expect("settings");
    settings.kind = kind;
    if kind == ProviderKind::Citizen {
        settings.id_claim = "personalIdentityNumber".into();
    }
    settings.client_secret = Some(CLIENT_SECRET.into());
    settings
}

async fn server_with(fake: &FakeProvider, unknown_users: UnknownUsers) -> TestServer {
    let issuer = fake.issuer.clone();
    TestServer::fresh_configured(move |config| {
        let mut staff = provider("siths", ProviderKind::Staff, &issuer);
        staff.unknown_users = unknown_users;
        config.identity_providers = vec![staff, provider("bankid", ProviderKind::Citizen, &issuer)];
    })
    .await
}

/// A sign-in started at `/auth/<id>/start`: its state, nonce and PKCE challenge.
struct Started {
    state: String,
    nonce: String,
    challenge: String,
}

async fn start(server: &TestServer, path: &str) -> Started {
    let answer = request(server, "GET", path, None).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let location = answer.header("location").expect("location");
    let param = |name: &str| {
        location
            .split(['?', '&'])
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {location}"))
            .to_string()
    };
    assert_eq!(param("code_challenge_method"), "S256");
    assert_eq!(answer.cookie("samplan_oidc_state"), Some(param("state")));
    Started { state: param("state"), nonce: param("nonce"), challenge: param("code_challenge") }
}

async fn callback(server: &TestServer, provider: &str, code: &str, state: &str, browser: &str) -> Answer {
    let path = format!("/auth/{provider}/callback?code={code}&state={state}");
    request(server, "GET", &path, Some(&format!("samplan_oidc_state={browser}"))).await
}

async fn provider_sessions(server: &TestServer) -> i64 {
    let url = format!("sqlite://{}?mode=ro", server.data_dir.join(server::storage::DATABASE_FILE).display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("open the database");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE provider IS NOT NULL")
        .fetch_one(&pool)
        .await
        .expect("count");
    pool.close().await;
    count
}

/// The audit log's details of sign-ins through a provider.
async fn logged_sign_ins(server: &TestServer) -> Vec<String> {
    let url = format!("sqlite://{}?mode=ro", server.data_dir.join(server::storage::DATABASE_FILE).display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("open the database");
    let details = sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'sign-in'")
        .fetch_all(&pool)
        .await
        .expect("audit log");
    pool.close().await;
    details
}

fn staff_claims() -> Value {
    json!({"employeeHsaId": "SE2321000016-A1", "healthCareProviderHsaId": "SE2321000016-TRUST", "name": "Anna Läkare"})
}

/// One bad sign-in: how the token is spoiled, or how the callback is.
struct Bad {
    what: &'static str,
    spoil: fn(&mut Issue, &FakeProvider),
    /// The browser's state cookie differs from the callback's `state`.
    forged_state: bool,
}

#[tokio::test]
async fn every_wrong_token_or_callback_is_refused_and_makes_no_session() {
    let fake = FakeProvider::start().await;
    let server = server_with(&fake, UnknownUsers::Refuse).await;
    let accounts = server_accounts(&server).await;
    accounts.add_user_with_hsa_id("Anna Läkare", "Region Test", "SE2321000016-A1").await.expect("user");
    let bad: [Bad; 9] = [
        Bad {
            what: "wrong issuer",
            spoil: |i, _| i.claims["iss"] = json!("http://127.0.0.1:1/evil"),
            forged_state: false,
        },
        Bad {
            what: "wrong audience",
            spoil: |i, _| i.claims["aud"] = json!("someone-else"),
            forged_state: false,
        },
        Bad {
            what: "expired",
            spoil: |i, _| {
                let exp = i.claims["exp"].as_u64().unwrap_or_default();
                i.claims["exp"] = json!(exp - 3600);
                i.claims["iat"] = json!(exp - 7200);
            },
            forged_state: false,
        },
        Bad { what: "bad signature", spoil: |i, _| i.tamper = true, forged_state: false },
        Bad {
            what: "alg none",
            spoil: |i, _| {
                i.header = json!({"alg": "none", "typ": "JWT"});
                i.sign = false;
            },
            forged_state: false,
        },
        Bad {
            what: "nonce mismatch",
            spoil: |i, _| i.claims["nonce"] = json!("another-nonce"),
            forged_state: false,
        },
        Bad { what: "state mismatch", spoil: |_, _| {}, forged_state: true },
        Bad {
            what: "token for another client",
            spoil: |i, _| {
                i.claims["aud"] = json!([CLIENT_ID, "other-client"]);
                i.claims["azp"] = json!("other-client");
            },
            forged_state: false,
        },
        Bad {
            what: "wrong PKCE verifier",
            spoil: |i, _| i.challenge = "not-the-challenge".into(),
            forged_state: false,
        },
    ];
    for (n, bad) in bad.iter().enumerate() {
        let started = start(&server, "/auth/siths/start").await;
        let mut issue = fake.good(&started.nonce, &started.challenge, staff_claims());
        (bad.spoil)(&mut issue, &fake);
        let code = format!("code-{n}");
        fake.register(&code, issue);
        let browser = if bad.forged_state { "forged" } else { started.state.as_str() };
        let answer = callback(&server, "siths", &code, &started.state, browser).await;
        assert_eq!(answer.status, 400, "{}: {}", bad.what, answer.body);
        assert!(answer.body.contains("Inloggningen"), "{}: {}", bad.what, answer.body);
        assert_eq!(answer.cookie("samplan_session"), None, "{}", bad.what);
        assert_eq!(provider_sessions(&server).await, 0, "{}", bad.what);
    }

    // A replayed code: the first use signs in, the second (with a fresh state) makes nothing.
    let started = start(&server, "/auth/siths/start").await;
    fake.register("once", fake.good(&started.nonce, &started.challenge, staff_claims()));
    let answer = callback(&server, "siths", "once", &started.state, &started.state).await;
    assert_eq!((answer.status, answer.header("location")), (303, Some("/")), "{}", answer.body);
    assert!(answer.cookie("samplan_session").is_some());
    assert_eq!(provider_sessions(&server).await, 1);
    let again = start(&server, "/auth/siths/start").await;
    let answer = callback(&server, "siths", "once", &again.state, &again.state).await;
    assert_eq!(answer.status, 400, "replayed code: {}", answer.body);
    assert_eq!(answer.cookie("samplan_session"), None);
    // So is a replayed callback (its state is used up).
    let answer = callback(&server, "siths", "once", &started.state, &started.state).await;
    assert_eq!(answer.status, 400, "replayed callback: {}", answer.body);
    assert_eq!(provider_sessions(&server).await, 1);
    server.stop().await;
}

async fn server_accounts(server: &TestServer) -> server::access::Accounts {
    let store = crate::harness::open_store(&server.data_dir).await;
    server::access::Access::new(&store).accounts
}

/// A full sign-in at `provider` with `claims`; the callback's answer.
async fn sign_in(
    server: &TestServer,
    fake: &FakeProvider,
    provider: &str,
    path: &str,
    claims: Value,
) -> Answer {
    let started = start(server, path).await;
    let code = format!("code-{}", started.state);
    fake.register(&code, fake.good(&started.nonce, &started.challenge, claims));
    callback(server, provider, &code, &started.state, &started.state).await
}

#[tokio::test]
async fn staff_are_matched_by_hsa_id_and_strangers_are_told_whom_to_ask() {
    let fake = FakeProvider::start().await;
    let server = server_with(&fake, UnknownUsers::Refuse).await;
    let accounts = server_accounts(&server).await;
    accounts.add_user_with_hsa_id("Anna Läkare", "Region Test", "SE2321000016-A1").await.expect("user");

    let answer = sign_in(&server, &fake, "siths", "/auth/siths/start", staff_claims()).await;
    let session = answer.cookie("samplan_session").expect("a session");
    let me = request(&server, "GET", "/api/me", Some(&format!("samplan_session={session}"))).await;
    assert!(me.body.contains("Anna Läkare"), "{}", me.body);

    let untrusted =
        json!({"employeeHsaId": "SE999-X", "healthCareProviderHsaId": "SE999-OTHER", "name": "Okänd"});
    let answer = sign_in(&server, &fake, "siths", "/auth/siths/start", untrusted).await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("Din organisation har inte tillgång till Samplan"), "{}", answer.body);
    let unknown =
        json!({"employeeHsaId": "SE2321000016-B2", "healthCareProviderHsaId": "SE2321000016-TRUST"});
    let answer = sign_in(&server, &fake, "siths", "/auth/siths/start", unknown).await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("Du har inget konto i Samplan än"), "{}", answer.body);
    assert_eq!(provider_sessions(&server).await, 1);
    let logged = logged_sign_ins(&server).await;
    let said = "siths acr=http://id.elegnamnden.se/loa/1.0/loa3 amr=smartcard org=SE2321000016-TRUST";
    assert!(logged.iter().any(|d| d == said), "{logged:?}");

    // Signing out ends this session and sends the browser on to the provider's.
    let other = sign_in(&server, &fake, "siths", "/auth/siths/start", staff_claims()).await;
    let other = format!("samplan_session={}", other.cookie("samplan_session").expect("session"));
    let evil = [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")];
    let refused = request_with(&server, "POST", "/auth/sign-out", Some(&other), &evil).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(request(&server, "GET", "/api/me", Some(&other)).await.status, 200);
    // The app's form: Origin null under no-referrer, Sec-Fetch-Site from the browser.
    let form = [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")];
    let out = request_with(&server, "POST", "/auth/sign-out", Some(&other), &form).await;
    assert_eq!(out.status, 200, "{}", out.body);
    assert!(out.body.contains(&format!("{}/session/end?id_token_hint=", fake.issuer)), "{}", out.body);
    assert_eq!(request(&server, "GET", "/api/me", Some(&other)).await.status, 401);

    // Disabled: the session ends, and signing in again is refused.
    accounts.disable_user("Anna Läkare").await.expect("disable");
    let me = request(&server, "GET", "/api/me", Some(&format!("samplan_session={session}"))).await;
    assert_eq!(me.status, 401, "{}", me.body);
    let answer = sign_in(&server, &fake, "siths", "/auth/siths/start", staff_claims()).await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("avstängt"), "{}", answer.body);
    server.stop().await;
}

#[tokio::test]
async fn trusted_strangers_get_an_account_when_the_settings_say_so() {
    let fake = FakeProvider::start().await;
    let server = server_with(&fake, UnknownUsers::Create).await;
    let answer = sign_in(&server, &fake, "siths", "/auth/siths/start", staff_claims()).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let users = server_accounts(&server).await.list_users().await.expect("users");
    assert!(users.iter().any(|u| u.name == "Anna Läkare" && u.organisation == "SE2321000016-TRUST"));
    server.stop().await;
}

#[tokio::test]
async fn the_person_binds_an_invitation_and_later_signs_in_without_a_link() {
    let fake = FakeProvider::start().await;
    let server = server_with(&fake, UnknownUsers::Refuse).await;
    let plan = crate::access::plan_made_by_testare(&server).await.id;
    let (status, body) = crate::access::invite(&server, &server.token, plan, "person", 7).await;
    assert_eq!(status, 201, "{body}");
    let link = crate::access::json_field(&body, "link");
    let invitation = link.split('#').nth(1).expect("token");
    let person = json!({"personalIdentityNumber": "191212121212", "name": "Tolvan Tolvansson"});

    let none = sign_in(&server, &fake, "bankid", "/auth/bankid/start", person.clone()).await;
    assert_eq!(none.status, 403);
    assert!(none.body.contains("Öppna länken i inbjudan"), "{}", none.body);

    let start_path = format!("/auth/bankid/start?invitation={invitation}");
    let bound = sign_in(&server, &fake, "bankid", &start_path, person.clone()).await;
    assert_eq!(bound.status, 303, "{}", bound.body);
    assert_eq!(bound.header("location"), Some(format!("/min-plan/{plan}").as_str()));

    // Another device, no link: the same principal, the same plan.
    let later = sign_in(&server, &fake, "bankid", "/auth/bankid/start", person).await;
    assert_eq!(later.header("location"), Some(format!("/min-plan/{plan}").as_str()));
    let session = later.cookie("samplan_session").expect("session");
    let plans = request(&server, "GET", "/api/plans", Some(&format!("samplan_session={session}"))).await;
    assert!(plans.body.contains(&plan.to_string()), "{}", plans.body);
    server.stop().await;
}
