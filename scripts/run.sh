#!/usr/bin/env bash
# Command 1: install what is missing, build the app and start the server.
# Data goes to ./data (SQLite). Override with SAMPLAN_DATA_DIR, SAMPLAN_LISTEN.
# On the first start it makes an account and prints its sign-in link.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-app.sh
cargo build --release -p server
listen="${SAMPLAN_LISTEN:-127.0.0.1:8080}"
data="${SAMPLAN_DATA_DIR:-data}"
export SAMPLAN_PUBLIC_URL="${SAMPLAN_PUBLIC_URL:-http://$listen}"
server=target/release/samplan-server
if [ -z "$("$server" user list --data-dir "$data")" ]; then
  name="${SAMPLAN_FIRST_USER:-Samordnare}"
  echo "Inget konto finns än. Kontot \"$name\" skapas; logga in med länken nedan (gäller 24 timmar, en gång)."
  "$server" user add --name "$name" --org "Samplan" --data-dir "$data"
  echo "Fler konton: $server user add --name NAMN --org ORGANISATION --data-dir $data"
fi
exec "$server" serve --listen "$listen" --data-dir "$data" --static-dir app/dist
