#!/usr/bin/env python3
"""Check that ARCHITECTURE.md names only code that exists.

Every path in backticks such as `plan::edit`, `repo::Repo::open`,
`shared::sync_client::SyncClient`, `Repo::changed` or
`server/tests/it/sync.rs::every_acknowledged_change_is_already_on_disk`
is resolved against the source tree: each module segment must be a module
(a file, a folder or an inline `mod`), each later segment an item defined
in that module (fn, struct, enum, trait, type, const, static, macro,
variant or field), and a file path must exist and define the item after it.
Paths into other crates (std, tokio, axum, …) are skipped by their first
segment. Exit status 1 and one line per name that does not resolve.

Why: the document drifted once (it named `Repo::edit_text` long after the
code called it `Repo::edit_text_at`); names in it are a map, and a map
with roads that are not there is worse than none.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRATES = {
    "shared": ROOT / "shared" / "src",
    "server": ROOT / "server" / "src",
    "app": ROOT / "app" / "src",
    "loadgen": ROOT / "loadgen" / "src",
    "automerge": ROOT / "vendor" / "automerge" / "src",
}
# First segments that name other crates' items; the check does not follow them.
EXTERNAL = {
    "std", "core", "alloc", "tokio", "axum", "sqlx", "serde", "ciborium", "leptos",
    "web_sys", "js_sys", "wasm_bindgen", "autosurgeon", "fractional_index", "tower",
    "tower_http", "tracing", "clap", "anyhow", "thiserror", "proptest", "criterion",
    "gloo", "gloo_net", "indexed_db_futures", "mimalloc", "nix", "futures", "samod",
    "automerge_repo", "Automerge", "AutoCommit", "sha2", "bs58", "hyper",
}
TOKEN = re.compile(r"`([^`\n]+)`")
BARE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
RUST_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)+(\(\))?$")
FILE_PATH = re.compile(r"^([\w./-]+\.rs)::([A-Za-z_][A-Za-z0-9_]*)(\(\))?$")
DEFINITION = r"(?:fn|struct|enum|trait|type|const|static|mod|macro_rules!)\s+{name}\b"
VARIANT_OR_FIELD = r"^\s*(?:pub(?:\([^)]*\))?\s+)?{name}\s*(?:[,({{:]|$)"


def rust_files(directory):
    return sorted(directory.rglob("*.rs")) if directory.exists() else []


ALL_FILES = [f for d in CRATES.values() for f in rust_files(d)]
TEXT = {f: f.read_text(encoding="utf-8", errors="replace") for f in ALL_FILES}


def defines(files, name, items_too=True):
    pattern = re.compile(DEFINITION.format(name=re.escape(name)))
    member = re.compile(VARIANT_OR_FIELD.format(name=re.escape(name)), re.M)
    for f in files:
        text = TEXT.get(f) or f.read_text(encoding="utf-8", errors="replace")
        if pattern.search(text) or (items_too and member.search(text)):
            return True
    return False


def module_files(directory, name):
    """Files of module `name` below `directory` (a crate root or a module folder)."""
    found = []
    single = directory / f"{name}.rs"
    folder = directory / name
    if single.exists():
        found.append(single)
    if (folder / "mod.rs").exists():
        found.append(folder / "mod.rs")
    if folder.is_dir():
        found.extend(rust_files(folder))
    return found


def module_dir(files):
    first = files[0]
    return first.parent if first.name == "mod.rs" else first.with_suffix("")


def modules_named(name):
    """Every module called `name` anywhere in our crates, as (files, folder)."""
    out = []
    for f in ALL_FILES:
        if f.stem == name or (f.name == "mod.rs" and f.parent.name == name):
            files = module_files(f.parent if f.name != "mod.rs" else f.parent.parent, name)
            out.append(files)
    for f, text in TEXT.items():
        if re.search(rf"\bmod\s+{re.escape(name)}\s*\{{", text):
            out.append([f])
    return out


def resolve(segments):
    """True when the path resolves; segments has no crate-external start."""
    head, rest = segments[0], segments[1:]
    if head in CRATES:
        starts = [[CRATES[head] / "lib.rs"] + rust_files(CRATES[head])]
        dirs = [CRATES[head]]
        return any(walk(files, d, rest) for files, d in zip(starts, dirs))
    candidates = modules_named(head)
    for files in candidates:
        if walk(files, module_dir(files), rest):
            return True
    # A type first: `Repo::changed`, `OpenDocument::shown`.
    if defines(ALL_FILES, head, items_too=False) and len(rest) == 1:
        return defines(ALL_FILES, rest[0])
    return False


def walk(files, directory, rest):
    if not rest:
        return True
    name, tail = rest[0], rest[1:]
    sub = module_files(directory, name) if directory.is_dir() else []
    if sub and walk(sub, module_dir(sub), tail):
        return True
    inline = [f for f in files if re.search(rf"\bmod\s+{re.escape(name)}\s*\{{", TEXT.get(f, ""))]
    if inline and walk(inline, directory / name, tail):
        return True
    if not defines(files, name, items_too=bool(not tail)):
        return False
    if not tail:
        return True
    # An item with members: `Repo::open`, `Limits::max_message_bytes`, a variant.
    crate_files = [f for f in ALL_FILES if any(str(f).startswith(str(d)) for d in CRATES.values()
                                                  if str(files[0]).startswith(str(d)))]
    return len(tail) == 1 and defines(crate_files, tail[0])


def main():
    doc = ROOT / "ARCHITECTURE.md"
    missing = []
    checked = 0
    fenced = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            fenced = not fenced
            continue
        # In a diagram every `a::b` counts; in prose only those in backticks.
        tokens = BARE.findall(line) if fenced else TOKEN.findall(line)
        for token in tokens:
            token = token.strip()
            file_match = FILE_PATH.match(token)
            if file_match:
                checked += 1
                path = ROOT / file_match.group(1)
                if not path.exists():
                    missing.append((number, token, "no such file"))
                elif not defines([path], file_match.group(2)):
                    missing.append((number, token, "not defined in that file"))
                continue
            if not RUST_PATH.match(token):
                continue
            segments = token.removesuffix("()").split("::")
            if segments[0] in EXTERNAL:
                continue
            checked += 1
            if not resolve(segments):
                missing.append((number, token, "not found in the code"))
    for number, token, why in missing:
        print(f"ARCHITECTURE.md:{number}: `{token}`: {why}")
    print(f"check-architecture: {checked} names checked, {len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
