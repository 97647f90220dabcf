//! Reading a manifest and following a build as it is replaced.

use super::*;

/// A manifest with one page whose inline scripts have these CSP sources.
fn manifest(build: &str, scripts: &[&str]) -> String {
    let scripts: Vec<String> = scripts.iter().map(|s| format!("\"{s}\"")).collect();
    format!(
        r#"{{
  "build": "{build}",
  "service_worker": {{ "cache": "samplan-shell-{build}" }},
  "pages": [
    {{ "path": "/", "file": "index.html", "scripts": [{}], "files": ["/app-1/app.js"] }}
  ],
  "files": {{ "/index.html": "00", "/app-1/app.js": "11" }}
}}"#,
        scripts.join(", ")
    )
}

/// Write the manifest as the build does: a new file renamed into place.
fn replace_manifest(dir: &Path, text: &str) {
    let new = dir.join(".build-manifest.json");
    std::fs::write(&new, text).expect("write");
    std::fs::rename(&new, dir.join(MANIFEST_FILE)).expect("rename");
}

fn csp(build: &CurrentBuild) -> String {
    build.content_security_policy().to_str().expect("ascii").to_string()
}

#[test]
fn the_policy_names_each_script_hash_once_and_nothing_that_is_not_a_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = manifest(
        "b1",
        &["sha256-AAAA+/==", "sha256-AAAA+/==", "sha256-BBBB", "'unsafe-inline'", "sha256-x; script-src *"],
    );
    replace_manifest(dir.path(), &text);
    let policy = csp(&CurrentBuild::new(dir.path()));
    let script_src =
        policy.split("; ").find(|directive| directive.starts_with("script-src")).expect("script-src");
    assert_eq!(
        script_src, "script-src 'self' 'wasm-unsafe-eval' 'sha256-AAAA+/==' 'sha256-BBBB'",
        "{policy}"
    );
}

#[test]
fn without_a_manifest_no_inline_script_is_allowed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = csp(&CurrentBuild::new(dir.path()));
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'; "), "{policy}");
    std::fs::write(dir.path().join(MANIFEST_FILE), "not json").expect("write");
    let policy = csp(&CurrentBuild::new(dir.path()));
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'; "), "{policy}");
}

#[test]
fn a_replaced_manifest_is_read_again_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    replace_manifest(dir.path(), &manifest("b1", &["sha256-FIRST"]));
    let build = CurrentBuild::new(dir.path());
    assert!(csp(&build).contains("'sha256-FIRST'"));
    // The same length and, most likely, the same modification time (the
    // clock that stamps files is coarse): only the file is new.
    replace_manifest(dir.path(), &manifest("b2", &["sha256-OTHER"]));
    let policy_now = csp(&build);
    assert!(policy_now.contains("'sha256-OTHER'"), "{policy_now}");
    assert!(!policy_now.contains("FIRST"), "{policy_now}");
    // Gone (a build under way): no inline script.
    std::fs::remove_file(dir.path().join(MANIFEST_FILE)).expect("remove");
    assert!(!csp(&build).contains("sha256-"));
}
