#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL: `scripts/with-postgres.sh CMD…`.
#
# Makes a cluster in a temporary folder (initdb), starts it on a free port
# of 127.0.0.1 (pg_ctl), exports its address, runs CMD, then stops it and
# removes the folder, whatever CMD did; exits with CMD's status.
#
#   SAMPLAN_TEST_DATABASE  postgres://samplan@127.0.0.1:PORT/postgres (a superuser)
#   SAMPLAN_TEST_PG_CTL    a script that runs pg_ctl on this cluster as its owner
#                          (`"$SAMPLAN_TEST_PG_CTL" restart`), for tests that
#                          restart the database
#
# initdb refuses to run as root, so as root (CI) the cluster belongs to
# `nobody` (setpriv); otherwise to the caller.
set -euo pipefail

bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ ! -x "$bin/initdb" ]; then
  echo "with-postgres.sh: no PostgreSQL here (scripts/setup.sh --tests installs it)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/samplan-postgres.XXXXXX)
chmod 755 "$dir"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown nobody "$dir"
  as_owner=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat > "$dir/pg_ctl.sh" <<SCRIPT
#!/usr/bin/env bash
# pg_ctl on the cluster of scripts/with-postgres.sh, as its owner.
cd "$dir" && exec ${as_owner[*]} "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 "\$@"
SCRIPT
chmod 755 "$dir/pg_ctl.sh"

stop() {
  "$dir/pg_ctl.sh" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

(cd "$dir" && "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U samplan --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1) \
  || { cat "$dir/initdb.log" >&2; exit 1; }
cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 400
shared_buffers = 64MB
CONF
"$dir/pg_ctl.sh" start >/dev/null || { cat "$dir/log" >&2; exit 1; }

export SAMPLAN_TEST_DATABASE="postgres://samplan@127.0.0.1:$port/postgres"
export SAMPLAN_TEST_PG_CTL="$dir/pg_ctl.sh"
set +e
"$@"
status=$?
set -e
exit $status
