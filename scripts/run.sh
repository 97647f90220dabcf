#!/usr/bin/env bash
# Command 1: install what is missing, build the app and start the server.
# Data goes to ./data (SQLite). Override with SAMPLAN_DATA_DIR, SAMPLAN_LISTEN.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-app.sh
cargo build --release -p server
exec target/release/samplan-server serve \
  --listen "${SAMPLAN_LISTEN:-127.0.0.1:8080}" \
  --data-dir "${SAMPLAN_DATA_DIR:-data}" \
  --static-dir app/dist
