# shellcheck shell=bash
# shellcheck disable=SC2034 # DATABASE_URL, REDIS_URL, ... are set for the sourcing script
# Shared helpers for scripts/*.sh — source it, don't run it:
#   source "$(dirname "$0")/lib.sh"
# It sets ROOT (the repo root, also the working directory), VENV and PY.
# The throwaway PostgreSQL itself is bench/pgharness.py (the one implementation);
# the functions here only wrap it.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${NETCRM_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONUNBUFFERED=1

if [ -t 2 ]; then _B=$'\033[1m' _R=$'\033[31m' _G=$'\033[32m' _N=$'\033[0m'; else _B='' _R='' _G='' _N=''; fi
log() { printf '%s==> %s%s\n' "$_B" "$*" "$_N" >&2; }
ok() { printf '%s==> %s%s\n' "$_G" "$*" "$_N" >&2; }
die() {
	printf '%sERROR: %s%s\n' "$_R" "$*" "$_N" >&2
	exit 1
}
is_root() { [ "$(id -u)" -eq 0 ]; }

# apt_install PKG... — as root: apt-get update (once) + install; otherwise print the
# exact command to run and exit 1.
_APT_UPDATED=0
apt_install() {
	if ! is_root; then
		die "missing system packages: $*
  Install them, then re-run:
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $*"
	fi
	command -v apt-get >/dev/null || die "apt-get not found; install these packages by hand: $*"
	export DEBIAN_FRONTEND=noninteractive
	if [ "$_APT_UPDATED" = 0 ]; then
		log "apt-get update"
		apt-get update -qq
		_APT_UPDATED=1
	fi
	log "apt-get install -y $*"
	apt-get install -y -q "$@"
}

# A Python >= 3.11 to build the venv from: $PYTHON, python3.11, python3.
find_python() {
	local candidate
	for candidate in ${PYTHON:-} python3.11 python3; do
		if command -v "$candidate" >/dev/null 2>&1 &&
			"$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
			command -v "$candidate"
			return 0
		fi
	done
	die "Python 3.11 or newer not found (set PYTHON=/path/to/python3.11)"
}

# ensure_venv REQUIREMENTS_FILE — create .venv if missing and pip install the file.
# The install is skipped when the requirements files are unchanged since the last one.
ensure_venv() {
	local reqfile="$1" base stamp want
	if [ ! -x "$PY" ]; then
		base="$(find_python)"
		log "creating $VENV with $base"
		if ! "$base" -m venv "$VENV"; then
			rm -rf "$VENV"
			if [ "$base" = /usr/bin/python3 ] || [ "$base" = /usr/bin/python3.11 ]; then
				apt_install python3-venv
				"$base" -m venv "$VENV" || die "could not create $VENV"
			else
				die "could not create $VENV with $base"
			fi
		fi
	fi
	stamp="$VENV/.netcrm-$(basename "$reqfile").sha256"
	want="$(cat "$reqfile" requirements*.txt | sha256sum | cut -d' ' -f1)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	log "pip install -r $reqfile"
	"$PY" -m pip install -q -r "$reqfile" || die "pip install -r $reqfile failed"
	echo "$want" >"$stamp"
}

# ensure_npm_assets — npm install when node_modules is missing or older than package.json.
ensure_npm_assets() {
	local marker=node_modules/.package-lock.json
	if [ -d node_modules ] && [ -f "$marker" ] && ! [ package.json -nt "$marker" ] &&
		! { [ -f package-lock.json ] && [ package-lock.json -nt "$marker" ]; }; then
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1; then
		apt_install nodejs npm
	fi
	log "npm install (front-end assets)"
	npm install --no-audit --no-fund --loglevel=error || die "npm install failed"
	touch "$marker"
}

# ensure_postgres_binaries — initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin, else
# install Debian's server (without the auto-created cluster on port 5432).
ensure_postgres_binaries() {
	if "$PY" bench/pgharness.py bindir >/dev/null 2>&1; then
		return 0
	fi
	if ! is_root; then
		die "PostgreSQL server binaries (initdb, pg_ctl) not found.
  Install them, then re-run:
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql"
	fi
	apt_install postgresql-common
	if [ -f /etc/postgresql-common/createcluster.conf ]; then
		sed -ri 's/^#?\s*(create_main_cluster)\s*=.*$/\1 = false/' /etc/postgresql-common/createcluster.conf
	fi
	apt_install postgresql
	"$PY" bench/pgharness.py bindir >/dev/null || die "PostgreSQL installed but initdb still not found"
}

# start_postgres DIR — start a throwaway server in DIR; sets DATABASE_URL (not exported).
start_postgres() {
	DATABASE_URL="$("$PY" bench/pgharness.py start --dir "$1")" ||
		die "could not start PostgreSQL (see the messages above)"
}

# stop_postgres DIR — stop it and delete DIR; never fails.
stop_postgres() {
	[ -e "$1" ] || return 0
	"$PY" bench/pgharness.py stop --dir "$1" || true
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

redis_ping() {
	if command -v redis-cli >/dev/null 2>&1; then
		[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]
	else
		"$PY" -c 'import sys, redis; redis.Redis(port=int(sys.argv[1])).ping()' "$1" >/dev/null 2>&1
	fi
}

# start_redis DIR — throwaway redis-server (no persistence) with its files in DIR;
# sets REDIS_PID, REDIS_PORT and REDIS_URL (not exported).
start_redis() {
	local dir="$1" attempt i
	command -v redis-server >/dev/null || die "redis-server not found"
	mkdir -p "$dir"
	for attempt in 1 2 3; do
		REDIS_PORT="$(free_port)"
		redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
			--daemonize no --dir "$dir" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
		REDIS_PID=$!
		for i in $(seq 1 100); do
			if redis_ping "$REDIS_PORT"; then
				REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
				return 0
			fi
			kill -0 "$REDIS_PID" 2>/dev/null || break
			sleep 0.1
		done
		stop_redis
		log "redis-server did not start on port $REDIS_PORT (attempt $attempt)"
	done
	tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
	die "could not start redis-server"
}

# stop_redis — stop the server start_redis started; never fails.
stop_redis() {
	[ -n "${REDIS_PID:-}" ] || return 0
	if kill -TERM "$REDIS_PID" 2>/dev/null; then
		for _ in $(seq 1 50); do
			kill -0 "$REDIS_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$REDIS_PID" 2>/dev/null || true
	fi
	wait "$REDIS_PID" 2>/dev/null || true
	REDIS_PID=
}
