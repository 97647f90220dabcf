//! The built app as its build describes it: `build-manifest.json` in the
//! static directory, written by `scripts/build-app.sh` (every file with its
//! hash, each page with the CSP hashes of its inline scripts and the files
//! it needs, the service worker's cache name).
//!
//! The server needs one fact of a build: the hashes of the pages' inline
//! scripts, for the Content-Security-Policy. It reads them here, not from
//! the pages, and follows the build while it runs: a new build served
//! without a restart gets its own policy. [`CurrentBuild`] looks at the
//! manifest's metadata on every response (one `stat`) and reads the
//! manifest again when it changed; the build writes a new manifest and
//! renames it into place, so a new build is a new file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use axum::http::HeaderValue;
use serde::Deserialize;

/// The manifest's name in the static directory.
pub const MANIFEST_FILE: &str = "build-manifest.json";

/// What `scripts/build-app.sh` writes about a build.
#[derive(Debug, Clone, Deserialize)]
pub struct BuildManifest {
    /// The build's name: a hash of all its files.
    pub build: String,
    /// What the service worker needs.
    pub service_worker: ServiceWorker,
    /// The pages (the editor's and the person's view).
    pub pages: Vec<Page>,
    /// Every file of the build (its address) with its SHA-256, in hex.
    pub files: BTreeMap<String, String>,
}

/// What the service worker reads of a build.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceWorker {
    /// The name of the build's cache.
    pub cache: String,
}

/// One page of the app.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// Its address (`/`, `/min-plan`).
    pub path: String,
    /// Its file in the static directory.
    pub file: String,
    /// The CSP sources of its inline scripts (`sha256-<base64>`).
    pub scripts: Vec<String>,
    /// The addresses of the files it needs (kept by the service worker).
    pub files: Vec<String>,
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("could not read the build manifest: {0}")]
    Read(#[from] std::io::Error),
    /// The file is not a manifest.
    #[error("the build manifest is not valid: {0}")]
    Parse(#[from] serde_json::Error),
}

impl BuildManifest {
    /// Read a manifest file.
    pub fn read(path: &Path) -> Result<BuildManifest, ManifestError> {
        Ok(serde_json::from_slice(&std::fs::read(path)?)?)
    }

    /// The CSP sources of every page's inline scripts, each once. One that
    /// is not `sha256-<base64>` is left out (it could widen the policy).
    pub fn script_sources(&self) -> Vec<&str> {
        let mut sources: Vec<&str> = self
            .pages
            .iter()
            .flat_map(|page| page.scripts.iter().map(String::as_str))
            .filter(|source| is_script_hash(source))
            .collect();
        sources.sort_unstable();
        sources.dedup();
        sources
    }
}

fn is_script_hash(source: &str) -> bool {
    source.strip_prefix("sha256-").is_some_and(|digest| {
        !digest.is_empty()
            && digest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    })
}

/// The build being served, followed as it changes.
pub struct CurrentBuild {
    manifest: PathBuf,
    /// A `std` mutex, not a Tokio one: held only to compare the metadata
    /// and, when a new build came, to read its small manifest; nothing
    /// awaits while holding it.
    seen: Mutex<Seen>,
}

/// The manifest last read, by its metadata, and the policy made from it.
struct Seen {
    stamp: Option<Stamp>,
    policy: HeaderValue,
}

/// What tells one manifest file from another without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    /// The inode: a manifest renamed into place is a new one, even within
    /// the clock's resolution of the last.
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let metadata = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Stamp { modified: metadata.modified().ok(), len: metadata.len(), inode })
    }
}

impl CurrentBuild {
    /// The build in `static_dir`, read now.
    pub fn new(static_dir: &Path) -> CurrentBuild {
        let manifest = static_dir.join(MANIFEST_FILE);
        let stamp = Stamp::of(&manifest);
        let policy = policy_of(&manifest, stamp.as_ref());
        CurrentBuild { manifest, seen: Mutex::new(Seen { stamp, policy }) }
    }

    /// The Content-Security-Policy for the build there now.
    pub fn content_security_policy(&self) -> HeaderValue {
        let stamp = Stamp::of(&self.manifest);
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.stamp != stamp {
            seen.policy = policy_of(&self.manifest, stamp.as_ref());
            seen.stamp = stamp;
        }
        seen.policy.clone()
    }
}

/// The policy for the manifest at `path` (none there: no inline script is
/// allowed).
fn policy_of(path: &Path, stamp: Option<&Stamp>) -> HeaderValue {
    let manifest = match stamp.map(|_| BuildManifest::read(path)) {
        Some(Ok(manifest)) => {
            tracing::info!(build = %manifest.build, "serving the app's build");
            Some(manifest)
        }
        Some(Err(error)) => {
            tracing::warn!(%error, path = %path.display(), "no inline script of the app's pages will run");
            None
        }
        None => None,
    };
    content_security_policy(manifest.as_ref().map(BuildManifest::script_sources).unwrap_or_default())
}

/// The Content-Security-Policy: only our own scripts (and the pages' inline
/// scripts, by their hash), WebAssembly, our own WebSocket; no framing.
pub fn content_security_policy(script_sources: Vec<&str>) -> HeaderValue {
    let hashes: String = script_sources.iter().map(|source| format!(" '{source}'")).collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
}

#[cfg(test)]
mod tests;
