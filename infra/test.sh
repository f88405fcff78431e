#!/usr/bin/env bash
# Runs the whole test suite against a throwaway PostgreSQL 15 cluster (Debian packages, no Docker).
# Extra arguments are passed to `dotnet test`. If KHETI_TEST_POSTGRES is already set, that server is used.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

# shellcheck source=infra/postgres.sh
source "${repo_root}/infra/postgres.sh"

trap 'pg_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${KHETI_TEST_POSTGRES:-}" ]]; then
    pg_ensure_installed
    pg_start
    export KHETI_TEST_POSTGRES="Host=127.0.0.1;Port=${PG_PORT};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=200;Include Error Detail=true"
else
    echo "==> using PostgreSQL from KHETI_TEST_POSTGRES"
fi

rc=0
log="$(mktemp)"
dotnet test KhetiSahayak.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "${log}" || rc=$?

# One closing line over every test project (VSTest prints a summary per project).
sum() { grep -E "^[[:space:]]+$1: [0-9]+$" "${log}" | awk '{ s += $2 } END { print s + 0 }'; }
echo "$(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
rm -f "${log}"
exit "${rc}"
