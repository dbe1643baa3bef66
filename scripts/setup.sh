#!/usr/bin/env bash
# Installs everything dbdoctor needs on a fresh Debian machine, idempotently.
#   scripts/setup.sh          the tool and a local PostgreSQL for the sandbox/demo
#   scripts/setup.sh --test   also MariaDB, PgBouncer and the test/lint tools
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

debs=(postgresql openssl ca-certificates)
[ $want_test = 1 ] && debs+=(mariadb-server mariadb-client pgbouncer)
# headless Chromium opens the HTML support report in tests/render/test_html.py
[ $want_test = 1 ] && debs+=(chromium)
# tests/fleet/test_prometheus.py scrapes two dbdoctor exporters with Debian's Prometheus server
[ $want_test = 1 ] && debs+=(prometheus)
# mysqlclient (a test extra) builds a C extension against MariaDB Connector/C: headers, pkg-config, a compiler
[ $want_test = 1 ] && debs+=(libmariadb-dev pkg-config gcc python3-dev)

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # the packages' own services are not wanted: dbdoctor's sandbox starts its own servers on free ports. A
  # policy-rc.d that says so is put in place only for this install, and only if the machine has none of its own.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    echo 'exit 101' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null; $sudo_cmd chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  if [ $own_policy = 1 ]; then $sudo_cmd rm -f /usr/sbin/policy-rc.d; fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$python" -m venv .venv
fi
extras=""
[ $want_test = 1 ] && extras="[test]"
stamp=".venv/.installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing dbdoctor$extras into .venv" >&2
  .venv/bin/pip install -q --disable-pip-version-check -e ".$extras" >&2
  touch "$stamp"
fi

# node-postgres for tests/drivers (the real driver compared with dbdoctor's driver knowledge), with the
# machine's Node; installed from tests/node/package-lock.json into tests/node/node_modules (gitignored)
if [ $want_test = 1 ] && command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/node/node_modules/pg ] || [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
    echo "setup: installing node-postgres into tests/node" >&2
    (cd tests/node && (npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error) >&2)
  fi
fi

# pgjdbc for tests/drivers, when this machine has a JDK and Maven (the JDK itself is not installed here)
if [ $want_test = 1 ] && command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  if ! ls "$(getent passwd "$(id -u)" | cut -d: -f6)"/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar >/dev/null 2>&1; then
    echo "setup: fetching pgjdbc into the local Maven repository" >&2
    timeout 120 mvn -q dependency:get -Dartifact=org.postgresql:postgresql:42.7.13 >&2 || echo "setup: pgjdbc not fetched; its driver tests will be skipped" >&2
  fi
fi
