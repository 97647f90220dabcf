//! A small OpenID provider on 127.0.0.1 for the negative tests: discovery,
//! a JWKS with one RSA key made at test time (no key is committed), and a
//! token endpoint that hands out, once per code, an ID token the test
//! crafted. `oidc-provider` (the certified one the e2e tests run) would not
//! issue a token with a wrong issuer, an expired one, or one with
//! `alg: none`; this one issues whatever the test asks for.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Digest;

pub const CLIENT_ID: &str = "samplan-test";
/// Only for this fake provider on loopback.
pub const CLIENT_SECRET: &str = "test-only-secret";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// One RSA key for the whole test binary: making one takes a moment.
fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("RSA key"))
}

/// How a crafted token is put together.
#[derive(Clone)]
pub struct Issue {
    pub header: Value,
    pub claims: Value,
    /// Sign with the key (else: no signature, as for `alg: none`).
    pub sign: bool,
    /// Change the signature after signing.
    pub tamper: bool,
    /// The PKCE challenge the code was issued for.
    pub challenge: String,
}

impl Issue {
    fn jwt(&self) -> String {
        let input = format!(
            "{}.{}",
            b64(self.header.to_string().as_bytes()),
            b64(self.claims.to_string().as_bytes())
        );
        if !self.sign {
            return format!("{input}.");
        }
        let mut signature = SigningKey::<sha2::Sha256>::new(key().clone()).sign(input.as_bytes()).to_vec();
        if self.tamper {
            signature[10] ^= 0x55;
        }
        format!("{input}.{}", b64(&signature))
    }
}

#[derive(Clone, Default)]
struct Codes(Arc<Mutex<HashMap<String, Issue>>>);

pub struct FakeProvider {
    pub issuer: String,
    codes: Codes,
}

impl FakeProvider {
    pub async fn start() -> FakeProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let issuer = format!("http://{addr}");
        let codes = Codes::default();
        let discovery = json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "end_session_endpoint": format!("{issuer}/session/end"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "none"],
        });
        let public = key().to_public_key();
        let jwks = json!({"keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "test",
            "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be()),
        }]});
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
            .route("/jwks", get(move || async move { Json(jwks) }))
            .route("/token", post(token))
            .with_state(codes.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        FakeProvider { issuer, codes }
    }

    /// Hand out `issue` for `code`, once.
    pub fn register(&self, code: &str, issue: Issue) {
        self.codes.0.lock().expect("codes").insert(code.to_string(), issue);
    }

    /// A good token's header and claims for `nonce`.
    pub fn good(&self, nonce: &str, challenge: &str, extra: Value) -> Issue {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_secs();
        let mut claims = json!({
            "iss": self.issuer, "aud": CLIENT_ID, "sub": "anna-sub", "nonce": nonce,
            "iat": now, "exp": now + 600, "acr": "http://id.elegnamnden.se/loa/1.0/loa3", "amr": ["smartcard"],
        });
        if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
            claims.extend(extra.clone());
        }
        Issue {
            header: json!({"alg": "RS256", "typ": "JWT", "kid": "test"}),
            claims,
            sign: true,
            tamper: false,
            challenge: challenge.to_string(),
        }
    }
}

async fn token(
    State(codes): State<Codes>,
    Form(form): Form<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let code = form.get("code").cloned().unwrap_or_default();
    let issue = codes.0.lock().expect("codes").remove(&code);
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    match issue {
        Some(issue) if b64(&sha2::Sha256::digest(verifier.as_bytes())) == issue.challenge => Json(json!({
            "access_token": "at", "token_type": "Bearer", "expires_in": 600, "id_token": issue.jwt(),
        }))
        .into_response(),
        _ => (axum::http::StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response(),
    }
}
