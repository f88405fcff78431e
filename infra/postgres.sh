# shellcheck shell=bash
# Throwaway PostgreSQL 15 cluster for tests. Source this file, then call:
#   pg_ensure_installed   install PostgreSQL 15 from Debian packages if missing
#   pg_start              initdb + start a cluster on 127.0.0.1:<free port>; sets PG_PORT, PG_TMP
#   pg_stop               stop the cluster and remove its temp dir (idempotent)

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_TMP=""
PG_PORT=""

# Runs a command as the postgres OS user (initdb/postgres refuse to run as root).
_pg_as_postgres() {
    if [[ ${EUID} -eq 0 ]]; then
        (cd "${PG_TMP:-/}" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

_pg_as_root() {
    if [[ ${EUID} -eq 0 ]]; then
        "$@"
    else
        sudo "$@"
    fi
}

pg_ensure_installed() {
    if [[ -x "${PG_BIN}/pg_ctl" && -x "${PG_BIN}/initdb" ]]; then
        return 0
    fi
    echo "==> installing PostgreSQL 15 from Debian packages"
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/kheti-pg-install.XXXXXX")"
    if ! { _pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
            && _pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql; \
         } >"${log}" 2>&1; then
        cat "${log}" >&2
        rm -f "${log}"
        echo "error: installing postgresql failed" >&2
        return 1
    fi
    rm -f "${log}"
    if [[ ! -x "${PG_BIN}/pg_ctl" ]]; then
        echo "error: ${PG_BIN}/pg_ctl still missing after installing postgresql" >&2
        return 1
    fi
    # The package may have created and started a default cluster; our tests never use it.
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver name port status _
        while read -r ver name port status _; do
            if [[ ${status} == online* ]]; then
                _pg_as_root pg_ctlcluster --mode fast "${ver}" "${name}" stop >/dev/null 2>&1 || true
            fi
        done < <(pg_lsclusters --no-header 2>/dev/null || true)
    fi
}

# Prints a TCP port on 127.0.0.1 nobody is listening on.
_pg_free_port() {
    local port attempt
    for attempt in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
            echo "${port}"
            return 0
        fi
    done
    echo "error: no free TCP port found" >&2
    return 1
}

pg_start() {
    PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/kheti-pg.XXXXXX")"
    if [[ ${EUID} -eq 0 ]]; then
        chown postgres:postgres "${PG_TMP}"
    fi
    chmod 700 "${PG_TMP}"

    if ! _pg_as_postgres "${PG_BIN}/initdb" -D "${PG_TMP}/data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 --no-sync >"${PG_TMP}/initdb.log" 2>&1; then
        cat "${PG_TMP}/initdb.log" >&2
        return 1
    fi

    local attempt opts
    for attempt in 1 2 3 4 5; do
        PG_PORT="$(_pg_free_port)"
        opts="-c listen_addresses=127.0.0.1 -p ${PG_PORT} -c unix_socket_directories=${PG_TMP}"
        opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        if _pg_as_postgres "${PG_BIN}/pg_ctl" -D "${PG_TMP}/data" -l "${PG_TMP}/postgres.log" \
                -o "${opts}" -w -t 60 start >/dev/null 2>&1; then
            echo "==> PostgreSQL on 127.0.0.1:${PG_PORT}"
            return 0
        fi
        # Most likely lost a race for the port; make sure nothing is half-running and retry.
        _pg_as_postgres "${PG_BIN}/pg_ctl" -D "${PG_TMP}/data" -m immediate stop >/dev/null 2>&1 || true
    done
    echo "error: PostgreSQL failed to start; log follows" >&2
    cat "${PG_TMP}/postgres.log" >&2 || true
    return 1
}

pg_stop() {
    if [[ -z "${PG_TMP}" ]]; then
        return 0
    fi
    if [[ -f "${PG_TMP}/data/postmaster.pid" ]]; then
        _pg_as_postgres "${PG_BIN}/pg_ctl" -D "${PG_TMP}/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "${PG_TMP}"
    PG_TMP=""
}
