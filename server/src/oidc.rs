//! Signing in with an OpenID Connect provider: the authorization code flow
//! with PKCE (S256), `state` and `nonce`, and full validation of the ID
//! token (issuer, audience, no untrusted second audience, expiry, signature
//! with the keys from the provider's discovery document, an allow-list of
//! algorithms: never `none`), all by the `openidconnect` crate, which is
//! maintained and used widely; this module only keeps the state between
//! the redirect out and the callback, and reads the claims we need.
//!
//! - [`settings`]: one provider's settings, from one `--oidc-provider` value.
//!
//! What comes out is a [`VerifiedIdentity`]; who that is in Samplan (an
//! account, a person's device) is decided in `access`.

pub mod settings;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndSessionUrl, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, LogoutRequest, Nonce, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl,
    ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
};

pub use settings::{ProviderKind, ProviderSettings, UnknownUsers};

/// How long a sign-in may take at the provider (the state is kept this long).
pub const SIGN_IN_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Sign-ins under way at once: each is a little memory until it is
/// finished or ten minutes old, and starting one needs no account.
const MAX_PENDING: usize = 10_000;
/// How long discovery (and the signing keys in it) is believed; after this
/// the next sign-in reads it again, so rotated keys are picked up.
const DISCOVERY_FRESH: Duration = Duration::from_secs(3600);
/// The algorithms an ID token may be signed with. `none` and the HMAC
/// algorithms (signed with our own client secret) are not among them.
const ALLOWED_ALGORITHMS: [CoreJwsSigningAlgorithm; 8] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
];

/// The client as discovery makes it: an authorization endpoint always, a
/// token and a userinfo endpoint if the provider names them.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in through a provider did not work. Each is logged; people
/// see a plain Swedish message ([`OidcError::in_plain_words`]).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// No provider with that id is configured.
    #[error("no identity provider {0:?}")]
    UnknownProvider(String),
    /// The discovery document could not be read.
    #[error("discovery failed: {0}")]
    Discovery(String),
    /// Too many sign-ins are under way.
    #[error("too many sign-ins under way")]
    Busy,
    /// The callback's `state` is unknown, used or too old.
    #[error("unknown or used state")]
    UnknownState,
    /// The callback's `state` is not the one this browser started with.
    #[error("state does not match the browser's")]
    StateMismatch,
    /// The provider said no (`error=` in the callback).
    #[error("the provider answered {0}")]
    Provider(String),
    /// The code could not be exchanged (used already, wrong client …).
    #[error("token exchange failed: {0}")]
    TokenExchange(String),
    /// The token response had no ID token.
    #[error("no ID token")]
    NoIdToken,
    /// The ID token did not validate.
    #[error("invalid ID token: {0}")]
    InvalidIdToken(String),
    /// A claim we need is missing.
    #[error("the ID token has no {0} claim")]
    MissingClaim(String),
}

impl OidcError {
    /// What the person is told.
    pub fn in_plain_words(&self) -> &'static str {
        match self {
            OidcError::UnknownProvider(_) => "Det finns inget sådant sätt att logga in.",
            OidcError::Discovery(_) => "Inloggningstjänsten svarar inte just nu. Försök igen om en stund.",
            OidcError::UnknownState | OidcError::StateMismatch => {
                "Inloggningen tog för lång tid eller startades i en annan webbläsare. Börja om."
            }
            OidcError::Provider(_) => "Inloggningen avbröts. Börja om om du vill logga in.",
            OidcError::MissingClaim(_) => {
                "Inloggningstjänsten skickade inte vem du är. Kontakta den som administrerar Samplan."
            }
            _ => "Inloggningen kunde inte godkännas. Börja om.",
        }
    }
}

/// Who the provider says signed in, after every check.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    /// The provider's id in our settings.
    pub provider: String,
    /// Staff or citizen.
    pub kind: ProviderKind,
    /// The identifier claim's value (an HSA-id, a personal identity number).
    pub subject: String,
    /// The organisation's identifier, if the token names one.
    pub organisation: Option<String>,
    /// The name to show, if the token has one.
    pub name: Option<String>,
    /// The level of assurance (`acr`).
    pub acr: Option<String>,
    /// How the person authenticated (`amr`), joined by spaces.
    pub amr: String,
    /// When the ID token expires (ms since 1970): our session ends no later.
    pub expires_at: i64,
    /// The ID token, kept with the session as the hint for signing out there.
    pub id_token: String,
    /// The invitation the sign-in was started for, if any.
    pub invitation: Option<String>,
}

/// A sign-in on its way: what the callback needs to finish it.
struct Pending {
    provider: String,
    verifier: PkceCodeVerifier,
    nonce: Nonce,
    started: Instant,
    invitation: Option<String>,
}

struct Discovered {
    client: Client,
    end_session: Option<EndSessionUrl>,
    at: Instant,
}

struct Provider {
    settings: ProviderSettings,
    /// A tokio mutex: held across the discovery request, so that one
    /// request at a time reads the document.
    discovered: tokio::sync::Mutex<Option<Arc<Discovered>>>,
}

/// The configured providers and the sign-ins in progress.
#[derive(Clone)]
pub struct IdentityProviders {
    providers: Arc<Vec<Provider>>,
    /// Keyed by `state`. A `std` mutex: never held across an await.
    pending: Arc<Mutex<HashMap<String, Pending>>>,
    http: openidconnect::reqwest::Client,
    public_url: String,
}

impl std::fmt::Debug for IdentityProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.providers.iter().map(|p| &p.settings.id)).finish()
    }
}

/// Where to send the browser to sign in, and the `state` to bind to it (as a cookie).
pub struct Started {
    /// The provider's authorization URL with our parameters.
    pub redirect_to: String,
    /// The `state` parameter.
    pub state: String,
}

impl IdentityProviders {
    /// The providers in `settings`; `public_url` makes the redirect URIs.
    pub fn new(settings: Vec<ProviderSettings>, public_url: &str) -> IdentityProviders {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Redirects are not followed: an SSRF guard the crate asks for.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        let providers = settings
            .into_iter()
            .map(|settings| Provider { settings, discovered: tokio::sync::Mutex::new(None) })
            .collect();
        IdentityProviders {
            providers: Arc::new(providers),
            pending: Arc::default(),
            http,
            public_url: public_url.trim_end_matches('/').to_string(),
        }
    }

    /// Every provider's settings, in the configured order.
    pub fn list(&self) -> impl Iterator<Item = &ProviderSettings> {
        self.providers.iter().map(|p| &p.settings)
    }

    /// One provider's settings.
    pub fn settings(&self, id: &str) -> Option<&ProviderSettings> {
        self.provider(id).ok().map(|p| &p.settings)
    }

    /// Whether any provider is configured.
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    fn provider(&self, id: &str) -> Result<&Provider, OidcError> {
        self.providers
            .iter()
            .find(|p| p.settings.id == id)
            .ok_or_else(|| OidcError::UnknownProvider(id.into()))
    }

    /// The callback URL registered at the provider.
    pub fn redirect_uri(&self, id: &str) -> String {
        format!("{}/auth/{id}/callback", self.public_url)
    }

    async fn discovered(&self, provider: &Provider) -> Result<Arc<Discovered>, OidcError> {
        let mut cached = provider.discovered.lock().await;
        if let Some(discovered) = cached.as_ref().filter(|d| d.at.elapsed() < DISCOVERY_FRESH) {
            return Ok(discovered.clone());
        }
        let settings = &provider.settings;
        let issuer =
            IssuerUrl::new(settings.issuer.clone()).map_err(|e| OidcError::Discovery(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Discovery(e.to_string()))?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let redirect = RedirectUrl::new(self.redirect_uri(&settings.id))
            .map_err(|e| OidcError::Discovery(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect);
        let discovered = Arc::new(Discovered { client, end_session, at: Instant::now() });
        *cached = Some(discovered.clone());
        Ok(discovered)
    }

    /// Start a sign-in at provider `id`: the URL to send the browser to.
    pub async fn start(&self, id: &str, invitation: Option<String>) -> Result<Started, OidcError> {
        let provider = self.provider(id)?;
        let discovered = self.discovered(provider).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = discovered
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &provider.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|_, p| p.started.elapsed() < SIGN_IN_WINDOW);
        if pending.len() >= MAX_PENDING {
            return Err(OidcError::Busy);
        }
        let state = state.secret().clone();
        pending.insert(
            state.clone(),
            Pending { provider: id.to_string(), verifier, nonce, started: Instant::now(), invitation },
        );
        Ok(Started { redirect_to: url.to_string(), state })
    }

    /// Finish a sign-in at the callback: `state` from the query must be
    /// the one this browser started with (`browser_state`, its cookie) and
    /// still waiting (each is used once); the code is exchanged with the
    /// PKCE verifier, and the ID token validated with the nonce.
    pub async fn finish(
        &self,
        id: &str,
        code: &str,
        state: &str,
        browser_state: Option<&str>,
    ) -> Result<VerifiedIdentity, OidcError> {
        let provider = self.provider(id)?;
        if browser_state != Some(state) {
            return Err(OidcError::StateMismatch);
        }
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(state);
        let pending = pending
            .filter(|p| p.provider == id && p.started.elapsed() < SIGN_IN_WINDOW)
            .ok_or(OidcError::UnknownState)?;
        let discovered = self.discovered(provider).await?;
        let response = discovered
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::TokenExchange(e.to_string()))?
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::TokenExchange(token_error(&e)))?;
        let id_token = response.id_token().ok_or(OidcError::NoIdToken)?;
        let verifier = discovered.client.id_token_verifier().set_allowed_algs(ALLOWED_ALGORITHMS);
        let claims = id_token
            .claims(&verifier, &pending.nonce)
            .map_err(|e| OidcError::InvalidIdToken(e.to_string()))?;
        let raw = id_token.to_string();
        // The signature over these bytes was checked above: the other claims can be read from them.
        let all = payload(&raw)?;
        let settings = &provider.settings;
        let text = |name: &str| claim_text(&all, name);
        let subject =
            text(&settings.id_claim).ok_or_else(|| OidcError::MissingClaim(settings.id_claim.clone()))?;
        Ok(VerifiedIdentity {
            provider: id.to_string(),
            kind: settings.kind,
            subject,
            organisation: settings.organisation_claims.iter().find_map(|c| text(c)),
            name: text(&settings.name_claim),
            acr: claims.auth_context_ref().map(|acr| acr.as_str().to_string()),
            amr: claims
                .auth_method_refs()
                .map(|amr| amr.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
            expires_at: claims.expiration().timestamp_millis(),
            id_token: raw,
            invitation: pending.invitation,
        })
    }

    /// Where to send the browser after signing out here, to sign out at
    /// the provider too (RP-initiated logout), if it supports that.
    pub async fn logout_url(&self, id: &str, id_token: &str) -> Option<String> {
        let provider = self.provider(id).ok()?;
        let discovered = self.discovered(provider).await.ok()?;
        let endpoint = discovered.end_session.clone()?;
        let mut request =
            LogoutRequest::from(endpoint).set_client_id(ClientId::new(provider.settings.client_id.clone()));
        if let Ok(hint) = id_token.parse::<openidconnect::core::CoreIdToken>() {
            request = request.set_id_token_hint(&hint);
        }
        if let Ok(back) = PostLogoutRedirectUrl::new(format!("{}/logga-in", self.public_url)) {
            request = request.set_post_logout_redirect_uri(back);
        }
        Some(request.http_get_url().to_string())
    }
}

/// A token endpoint's refusal in a line (the crate's error says only "Server returned error response").
fn token_error<E: std::error::Error>(error: &E) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The claims of a compact JWT, as JSON.
fn payload(jwt: &str) -> Result<serde_json::Map<String, serde_json::Value>, OidcError> {
    let part = jwt.split('.').nth(1).ok_or_else(|| OidcError::InvalidIdToken("not a JWT".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| OidcError::InvalidIdToken(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| OidcError::InvalidIdToken(e.to_string()))
}

/// A claim as text (strings as they are, numbers written out), if present and not empty.
fn claim_text(claims: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<String> {
    match claims.get(name)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
