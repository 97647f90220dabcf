//! The app's files: pages for the app's addresses, the files themselves,
//! and a clear 404 for a file that is not there (not the app's page).
//! The Content-Security-Policy follows a new build without a restart.

use crate::harness::*;
use crate::metrics::get;

#[tokio::test]
async fn addresses_get_the_app_files_get_themselves_and_missing_files_get_404() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("dist");
    std::fs::create_dir_all(app.join("app-new")).expect("mkdir");
    std::fs::write(app.join("index.html"), "<!doctype html><title>Samplan</title>").expect("write");
    std::fs::write(app.join("app-new").join("app.js"), "export default 1;").expect("write");
    let server = TestServer::start_serving(dir.path(), &app).await;

    // An address in the app (a plan, the start page) gets the app's page.
    for path in ["/", "/plan/4NMNnkrMZkBkHNwyt4HxLoDkvR4b", "/logga-in"] {
        let response = get(&server, path).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{path}: {response}");
        assert!(response.contains("<title>Samplan</title>"), "{path}: {response}");
    }
    // A file that is there is sent as it is.
    let response = get(&server, "/app-new/app.js").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("export default 1;"), "{response}");
    // A file from an older build, or any missing file: 404, never the page
    // (a service worker would otherwise store the page as the file).
    for path in ["/app-old/split_plan_sections_1.wasm", "/app-new/chunk_9.wasm", "/favicon.ico"] {
        let response = get(&server, path).await;
        assert!(response.starts_with("HTTP/1.1 404"), "{path}: {response}");
        assert!(!response.contains("<title>Samplan</title>"), "{path}: {response}");
    }
}

/// The CSP source of an inline script, as the browser checks it.
fn script_hash(script: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script)))
}

/// A build as `scripts/build-app.sh` writes it: the page with its inline
/// script, then the manifest naming the script's hash, renamed into place.
fn write_build(app: &std::path::Path, script: &str) {
    std::fs::write(
        app.join("index.html"),
        format!("<!doctype html><title>Samplan</title><script>{script}</script>"),
    )
    .expect("write");
    let manifest = format!(
        r#"{{ "build": "b", "service_worker": {{ "cache": "samplan-shell-b" }},
  "pages": [{{ "path": "/", "file": "index.html", "scripts": ["{}"], "files": [] }}],
  "files": {{ "/index.html": "00" }} }}"#,
        script_hash(script)
    );
    std::fs::write(app.join(".build-manifest.json"), manifest).expect("write");
    std::fs::rename(app.join(".build-manifest.json"), app.join("build-manifest.json")).expect("rename");
}

fn content_security_policy(response: &str) -> &str {
    response
        .lines()
        .find_map(|line| line.strip_prefix("content-security-policy: "))
        .unwrap_or_else(|| panic!("no Content-Security-Policy in {response}"))
}

#[tokio::test]
async fn a_new_build_served_without_a_restart_gets_a_policy_with_its_own_scripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("dist");
    std::fs::create_dir_all(&app).expect("mkdir");
    let (first, second) = ("start('app-1');", "start('app-2');");
    write_build(&app, first);
    let server = TestServer::start_serving(dir.path(), &app).await;
    let response = get(&server, "/").await;
    assert!(response.contains(first), "{response}");
    let policy = content_security_policy(&response);
    assert!(policy.contains(&format!("'{}'", script_hash(first))), "{policy}");

    write_build(&app, second);
    for path in ["/", "/plan/4NMNnkrMZkBkHNwyt4HxLoDkvR4b", "/healthz"] {
        let response = get(&server, path).await;
        let policy = content_security_policy(&response);
        assert!(policy.contains(&format!("'{}'", script_hash(second))), "{path}: {policy}");
        assert!(!policy.contains(&script_hash(first)), "{path}: {policy}");
    }
    assert!(get(&server, "/").await.contains(second));
    server.stop().await;
}
