//! Web Push: a message to a device that installed the app and allowed it,
//! through the push service its browser chose (RFC 8030), encrypted for
//! that device (RFC 8291, `aes128gcm` of RFC 8188) and signed by this
//! server (VAPID, RFC 8292). The payload says no more than the e-mail:
//! the words of the event's kind and a link.
//!
//! Why `ring`: every primitive this needs (P-256 ECDH, HKDF-SHA-256,
//! AES-128-GCM, ECDSA P-256 signing) is in it, and it is already in the
//! tree through rustls; the `web-push` crate brings an HTTP client and
//! OpenSSL through `ece`. The HTTP request goes through reqwest, also
//! already in the tree (openidconnect).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use ring::{aead, agreement, hkdf};

/// The record size announced in the header (one record holds any payload here).
const RECORD_SIZE: u32 = 4096;

/// Why push could not be set up or a message not made.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The VAPID key file is not a P-256 private key in PKCS#8 PEM.
    #[error("VAPID-nyckeln går inte att läsa (PKCS#8 PEM, P-256): {0}")]
    Key(String),
    /// The device's keys are not what RFC 8291 says.
    #[error("enhetens push-nycklar är felaktiga")]
    DeviceKeys,
    /// The cryptography failed.
    #[error("krypteringen misslyckades")]
    Crypto,
    /// A new key file would replace one that is there.
    #[error(
        "{0} finns redan; den skrivs inte över (en ny nyckel gör alla enheters push-tillstånd ogiltiga)"
    )]
    Exists(String),
    /// The new key file could not be written.
    #[error("kan inte skriva {path}: {error}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
}

/// Write a new key to `path` as [`Vapid::from_pem`] reads it, readable and
/// writable by its owner only (0600), never over a file that is there: a
/// new key invalidates every device's subscription. Its public key.
pub fn write_new_key(path: &std::path::Path) -> Result<String, PushError> {
    use std::io::Write as _;
    let pem = Vapid::generate_pem()?;
    let public = Vapid::from_pem(&pem, "")?.public_key();
    let shown = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::AlreadyExists => PushError::Exists(shown.clone()),
        _ => PushError::Write { path: shown.clone(), error },
    })?;
    file.write_all(pem.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|error| PushError::Write { path: shown, error })?;
    Ok(public)
}

/// This server's VAPID key.
pub struct Vapid {
    key: EcdsaKeyPair,
    rng: SystemRandom,
    /// Who runs this server, for the push service (`mailto:` or `https:`).
    subject: String,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vapid").field("public_key", &self.public_key()).finish()
    }
}

impl Vapid {
    /// The key in `pem` (`-----BEGIN PRIVATE KEY-----`, PKCS#8, P-256:
    /// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`).
    pub fn from_pem(pem: &str, subject: &str) -> Result<Vapid, PushError> {
        let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.trim())
            .map_err(|e| PushError::Key(e.to_string()))?;
        let rng = SystemRandom::new();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
            .map_err(|e| PushError::Key(e.to_string()))?;
        Ok(Vapid { key, rng, subject: subject.to_string() })
    }

    /// A new key, as the PEM [`Vapid::from_pem`] reads.
    pub fn generate_pem() -> Result<String, PushError> {
        let document = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| PushError::Crypto)?;
        let body = base64::engine::general_purpose::STANDARD.encode(document.as_ref());
        let lines: Vec<&str> =
            body.as_bytes().chunks(64).filter_map(|c| std::str::from_utf8(c).ok()).collect();
        Ok(format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n")))
    }

    /// The public key as the browser's `applicationServerKey` takes it
    /// (uncompressed point, base64url).
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.public_key().as_ref())
    }

    /// The `Authorization` header for a request to `endpoint` (RFC 8292):
    /// `vapid t=<JWT>, k=<public key>`, the JWT valid for 12 hours.
    pub fn authorization(&self, endpoint: &str, now_secs: i64) -> Result<String, PushError> {
        let audience = origin(endpoint).ok_or(PushError::DeviceKeys)?;
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({ "aud": audience, "exp": now_secs + 12 * 3600, "sub": self.subject });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let signature = self.key.sign(&self.rng, signed.as_bytes()).map_err(|_| PushError::Crypto)?;
        Ok(format!(
            "vapid t={signed}.{}, k={}",
            URL_SAFE_NO_PAD.encode(signature.as_ref()),
            self.public_key()
        ))
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Whether the server may send to `endpoint`, a push service's address a
/// browser gave: `https://` to a named host or a public address. Not a
/// loopback, private, link-local or unspecified address, nor `localhost`:
/// a member must not make the server post to what only it can reach
/// (SSRF). `local` (`--push-to-local-endpoints`, for tests) also allows
/// `http://` and those addresses.
pub fn endpoint_allowed(endpoint: &str, local: bool) -> bool {
    use std::net::IpAddr;
    let Ok(url) = reqwest::Url::parse(endpoint) else { return false };
    if endpoint.len() > 2000 || !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    if local {
        return matches!(url.scheme(), "https" | "http") && url.host().is_some();
    }
    if url.scheme() != "https" {
        return false;
    }
    let inner = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some()
        }
    };
    let Some(host) = url.host_str() else { return false };
    match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(ip) => !inner(ip),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            name != "localhost" && !name.ends_with(".localhost") && name.contains('.')
        }
    }
}

/// A device's subscription: where to send and its keys (base64url).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The push service's URL for this device.
    pub endpoint: String,
    /// The device's P-256 public key (uncompressed point).
    pub p256dh: String,
    /// The device's 16-byte authentication secret.
    pub auth: String,
}

/// `plaintext` encrypted for `to` (RFC 8291): the body of the push request,
/// `Content-Encoding: aes128gcm`.
pub fn encrypt(to: &Subscription, plaintext: &[u8]) -> Result<Vec<u8>, PushError> {
    let device_key =
        URL_SAFE_NO_PAD.decode(to.p256dh.trim_end_matches('=')).map_err(|_| PushError::DeviceKeys)?;
    let auth = URL_SAFE_NO_PAD.decode(to.auth.trim_end_matches('=')).map_err(|_| PushError::DeviceKeys)?;
    if device_key.len() != 65 || auth.len() != 16 {
        return Err(PushError::DeviceKeys);
    }
    let rng = SystemRandom::new();
    let mut salt = [0u8; 16];
    rng.fill(&mut salt).map_err(|_| PushError::Crypto)?;
    let ours = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
        .map_err(|_| PushError::Crypto)?;
    let our_public = ours.compute_public_key().map_err(|_| PushError::Crypto)?;
    let our_public = our_public.as_ref().to_vec();
    let theirs = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, &device_key);
    let shared = agreement::agree_ephemeral(ours, &theirs, |secret| secret.to_vec())
        .map_err(|_| PushError::DeviceKeys)?;
    // IKM = HKDF(auth, ecdh_secret, "WebPush: info" 0x00 ua_public as_public, 32)
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(&device_key);
    key_info.extend_from_slice(&our_public);
    let ikm = expand(&hkdf::Salt::new(hkdf::HKDF_SHA256, &auth).extract(&shared), &key_info, 32)?;
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &salt).extract(&ikm);
    let cek = expand(&prk, b"Content-Encoding: aes128gcm\0", 16)?;
    let nonce = expand(&prk, b"Content-Encoding: nonce\0", 12)?;
    let key = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_128_GCM, &cek).map_err(|_| PushError::Crypto)?,
    );
    let nonce = aead::Nonce::try_assume_unique_for_key(&nonce).map_err(|_| PushError::Crypto)?;
    let mut record = plaintext.to_vec();
    record.push(2); // the last (and only) record's delimiter, no padding
    key.seal_in_place_append_tag(nonce, aead::Aad::empty(), &mut record).map_err(|_| PushError::Crypto)?;
    let mut body = Vec::with_capacity(16 + 4 + 1 + our_public.len() + record.len());
    body.extend_from_slice(&salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(our_public.len() as u8);
    body.extend_from_slice(&our_public);
    body.extend_from_slice(&record);
    Ok(body)
}

/// HKDF-Expand of `prk` with `info` to `len` bytes.
fn expand(prk: &hkdf::Prk, info: &[u8], len: usize) -> Result<Vec<u8>, PushError> {
    struct Len(usize);
    impl hkdf::KeyType for Len {
        fn len(&self) -> usize {
            self.0
        }
    }
    let mut out = vec![0u8; len];
    let info = [info];
    prk.expand(&info, Len(len)).and_then(|okm| okm.fill(&mut out)).map_err(|_| PushError::Crypto)?;
    Ok(out)
}

/// How a push request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushDelivery {
    /// The push service took it (201).
    Accepted,
    /// The subscription is gone (404, 410): forget it.
    Gone,
    /// Try again later (429, 5xx, no answer).
    Temporary(String),
    /// Refused (another 4xx).
    Permanent(String),
}

/// Send `payload` to `to`, signed by `vapid`.
pub async fn send(
    client: &reqwest::Client,
    vapid: &Vapid,
    to: &Subscription,
    payload: &[u8],
) -> PushDelivery {
    let body = match encrypt(to, payload) {
        Ok(body) => body,
        Err(error) => return PushDelivery::Permanent(error.to_string()),
    };
    let now = crate::access::now_millis() / 1000;
    let authorization = match vapid.authorization(&to.endpoint, now) {
        Ok(value) => value,
        Err(error) => return PushDelivery::Permanent(error.to_string()),
    };
    let answer = client
        .post(&to.endpoint)
        .header("Authorization", authorization)
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("TTL", "86400")
        .header("Urgency", "normal")
        .body(body)
        .send()
        .await;
    match answer {
        Ok(response) => match response.status().as_u16() {
            200..=299 => PushDelivery::Accepted,
            404 | 410 => PushDelivery::Gone,
            429 | 500..=599 => PushDelivery::Temporary(format!("HTTP {}", response.status())),
            _ => PushDelivery::Permanent(format!("HTTP {}", response.status())),
        },
        Err(error) => PushDelivery::Temporary(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_https_push_services_unless_told_local() {
        for allowed in [
            "https://fcm.googleapis.com/fcm/send/abc",
            "https://web.push.apple.com/QO1",
            "https://updates.push.services.mozilla.com/wpush/v2/x",
            "https://8.8.8.8/push",
        ] {
            assert!(endpoint_allowed(allowed, false), "{allowed}");
        }
        for refused in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://127.0.0.1/push",
            "https://localhost/push",
            "https://intranet/push",
            "https://10.1.2.3/push",
            "https://192.168.0.1/push",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/push",
            "https://[::1]/push",
            "https://[fd00::1]/push",
            "https://[::ffff:127.0.0.1]/push",
            "https://user:pw@fcm.googleapis.com/x",
            "ftp://fcm.googleapis.com/x",
            "inte en adress",
        ] {
            assert!(!endpoint_allowed(refused, false), "{refused}");
        }
        assert!(endpoint_allowed("http://127.0.0.1:4000/push/1", true));
        assert!(!endpoint_allowed("ftp://127.0.0.1/push", true));
    }
}
