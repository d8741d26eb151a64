#!/usr/bin/env bash
# Runs ADL's LRS conformance suite (xAPI 2.0.0 and 1.0.3) against `learnloop serve`, once on a
# fresh SQLite store and once on a fresh PostgreSQL database, as a new user would set it up.
#
# Usage: scripts/conformance.sh [sqlite] [postgres]          (default: both)
#   PG_CONFORMANCE_URL  PostgreSQL database to (re-)create, default
#                       postgresql://postgres@127.0.0.1:5432/learnloop_conformance
#   CONFORMANCE_PORT    port to serve on (default: a free one)
#   CONFORMANCE_VERSIONS  xAPI versions to run (default: "2.0.0 1.0.3")
# Skips (exit 0) when ../shared/tools/lrs-conformance is absent; when PostgreSQL does not answer
# it warns and skips that run, except in CI (CI set), where it fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.venv/bin"
tool="$root/../shared/tools/lrs-conformance"
pg_url="${PG_CONFORMANCE_URL:-postgresql://postgres@127.0.0.1:5432/learnloop_conformance}"
read -r -a versions <<<"${CONFORMANCE_VERSIONS:-2.0.0 1.0.3}"
databases=("${@:-sqlite}"); [ $# -gt 0 ] || databases=(sqlite postgres)
key=conformance secret=conformance-secret-1

if [ ! -x "$tool" ]; then
  echo "conformance: $tool is absent: SKIPPING the ADL LRS conformance suite"
  exit 0
fi
# The tool installs the suite's npm packages with `npm ci` from the suite's package-lock.json,
# which shared/ lacks (the suite's .gitignore names it). So run a copy of the tool and the suite
# with the lock file this project keeps (scripts/lrs-conformance-lock.json, resolved once with
# `npm install`), installed into the tool's cache and stamped as the tool does. `npm install`
# rather than `npm ci`: ci refuses the lock because node-env-file wants chai "latest" while the
# suite pins chai 2; install keeps to the locked versions all the same.
suite="$(dirname "$tool")/lrs-conformance-test-suite"
if [ ! -f "$suite/package-lock.json" ]; then
  lock="$root/scripts/lrs-conformance-lock.json"
  copy="${XDG_CACHE_HOME:-$HOME/.cache}/learnloop-conformance-tool"
  export LRS_CONFORMANCE_CACHE="${LRS_CONFORMANCE_CACHE:-$HOME/.cache/lrs-conformance}"
  mkdir -p "$copy/lrs-conformance-test-suite"
  cp "$tool" "$copy/lrs-conformance"
  (cd "$suite" && tar cf - .) | (cd "$copy/lrs-conformance-test-suite" && tar xf -)
  chmod -R u+w "$copy"
  cp "$lock" "$copy/lrs-conformance-test-suite/package-lock.json"
  stamp="$LRS_CONFORMANCE_CACHE/.installed-$(sha256sum "$lock" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "conformance: installing the suite's npm packages from scripts/lrs-conformance-lock.json"
    rm -rf "$LRS_CONFORMANCE_CACHE"; mkdir -p "$LRS_CONFORMANCE_CACHE"
    cp -r "$copy/lrs-conformance-test-suite/." "$LRS_CONFORMANCE_CACHE/"
    (cd "$LRS_CONFORMANCE_CACHE" && npm install --no-audit --no-fund --loglevel=error >/dev/null) \
      || { echo "conformance: npm install of the suite failed" >&2; exit 1; }
    touch "$stamp"
  fi
  tool="$copy/lrs-conformance"
fi

warn() {
  echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  for line in "$@"; do echo "!!! $line"; done
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo
}

# Drops and re-creates the database named by $1; fails when PostgreSQL does not answer.
fresh_postgres() {
  "$bin/python" - "$1" <<'PY'
import sys
import psycopg
from psycopg import sql
url = sys.argv[1]
base, name = url.rsplit("/", 1)
with psycopg.connect(base + "/postgres", connect_timeout=3, autocommit=True) as conn:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
PY
}

server_pid=""
work=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
  server_pid="" work=""
}
trap cleanup EXIT INT TERM

# Serves a fresh store named by the database URL $2 (label $1) and runs the suite against it.
run_suite() {
  local label=$1 url=$2 port
  work="$(mktemp -d -t learnloop-conformance.XXXXXX)"
  export LEARNLOOP_DATA_DIR="$work"
  # no URL: the embedded SQLite store in the (fresh) data dir
  if [ -n "$url" ]; then export LEARNLOOP_DATABASE_URL="$url"; else unset LEARNLOOP_DATABASE_URL; fi
  port="${CONFORMANCE_PORT:-$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  "$bin/learnloop" migrate --no-input -v 0
  "$bin/learnloop" lrs-client create --name conformance --key "$key" --secret "$secret" >/dev/null
  "$bin/learnloop" serve --port "$port" --no-migrate --workers 2 --threads 4 >"$work/serve.log" 2>&1 &
  server_pid=$!
  local endpoint="http://127.0.0.1:$port/xapi"
  for _ in $(seq 120); do
    curl -fsS -o /dev/null "$endpoint/about" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "conformance: the server did not start:"; tail -20 "$work/serve.log"; return 1; }
    sleep 0.5
  done
  echo "== conformance on $label ($endpoint)"
  local started=$SECONDS status=0
  "$tool" "$endpoint" "$key" "$secret" "${versions[@]}" || status=$?
  # any 500 is a defect, even in a test the suite counts as passed
  if grep -E '" 5[0-9][0-9] ' "$work/serve.log" >/dev/null; then
    echo "conformance: the server answered 5xx:"; grep -E '" 5[0-9][0-9] ' "$work/serve.log" | head -20
    status=1
  fi
  echo "== conformance on $label: $((SECONDS - started)) s, exit $status"
  cleanup
  return "$status"
}

status=0
for db in "${databases[@]}"; do
  case $db in
    sqlite) run_suite SQLite "" || status=1 ;;
    postgres)
      if fresh_postgres "$pg_url" 2>/dev/null; then
        run_suite PostgreSQL "$pg_url" || status=1
      else
        warn "PostgreSQL does not answer at $pg_url" "SKIPPING the PostgreSQL conformance run. CI must not skip it."
        if [ -n "${CI:-}" ]; then status=1; fi
      fi ;;
    *) echo "conformance: unknown database $db (sqlite or postgres)" >&2; exit 2 ;;
  esac
done
exit $status
