#!/usr/bin/env bash
# Makes sure a PostgreSQL server is installed for the test suite (the suite starts a throw-away
# cluster on 127.0.0.1 itself). Installs Debian's package when missing and we are root.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL is not installed and this is not root: install the 'postgresql' package," >&2
  echo "or set WATCHER_TEST_SKIP_PG=1 to run the suite on SQLite only." >&2
  exit 1
fi
echo "installing PostgreSQL from the system's packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
# Debian starts a default cluster on 5432; the tests use their own, so stop it.
(command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
  pg_ctlcluster "$ver" "$name" stop || true; done) || true
