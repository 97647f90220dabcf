//! The app's files: pages for the app's addresses, the files themselves,
//! and a clear 404 for a file that is not there (not the app's page).

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
