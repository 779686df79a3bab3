#!/usr/bin/env bash
# A local PostgreSQL for the fleet engine's tests and benchmarks.
#   postgres.sh ensure   start the Debian cluster and create the kiosk role and test database
#   postgres.sh restart  restart the cluster (fast shutdown), then as ensure. Other work may be
#                        using it: run only under `flock /tmp/kiosk-readers.lock`.
# Connection used by the tests: postgres://kiosk:kiosk@127.0.0.1:5432/kiosk_test (override: KIOSK_TEST_PG_URL)
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_pg() { as_root su postgres -s /bin/sh -c "$*"; }
cmd=${1:-ensure}
case "$cmd" in ensure | restart) ;; *) echo "usage: $0 ensure | restart" >&2; exit 2 ;; esac

cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1" "$2}')
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  as_root pg_createcluster "$ver" main
  cluster="$ver main"
fi
set -- $cluster
if [ "${cmd:-ensure}" = restart ]; then as_root pg_ctlcluster "$1" "$2" restart -m fast; fi
if ! pg_lsclusters -h | awk -v v="$1" -v n="$2" '$1==v && $2==n {print $4}' | grep -q online; then
  as_root pg_ctlcluster "$1" "$2" start
fi
for _ in $(seq 1 50); do as_pg "psql -qtAc 'select 1'" >/dev/null 2>&1 && break; sleep 0.2; done
as_pg "psql -qtAc \"select 1 from pg_roles where rolname='kiosk'\"" | grep -q 1 ||
  as_pg "psql -qc \"create role kiosk login password 'kiosk' createdb\""
as_pg "psql -qtAc \"select 1 from pg_database where datname='kiosk_test'\"" | grep -q 1 ||
  as_pg "psql -qc 'create database kiosk_test owner kiosk'"
