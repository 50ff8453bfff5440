#!/usr/bin/env bash
# THE test command: ./scripts/test.sh [pytest args]
#
# Sets up .venv (requirements-dev.txt) and the npm assets, installs redis-server, Java and
# chromium if missing (as root; otherwise prints the sudo command), starts a throwaway
# PostgreSQL and Redis on free loopback ports, exports DATABASE_URL, REDIS_URL and
# NETCRM_REQUIRE_SERVICES=1, runs ruff, `manage.py check`, the migrations check and
# pytest, and always stops both servers and deletes their files on the way out.
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
TMP_ROOT=
REDIS_PID=
PYTEST_PID=

# stop_pytest [SECONDS] — give a running pytest time to finish (it got Ctrl-C too), then
# TERM it, then KILL it, so the servers outlive every test that uses them.
stop_pytest() {
	local grace="${1:-5}"
	[ -n "$PYTEST_PID" ] || return 0
	for _ in $(seq 1 $((grace * 10))); do
		kill -0 "$PYTEST_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -TERM "$PYTEST_PID" 2>/dev/null; then
		for _ in $(seq 1 50); do
			kill -0 "$PYTEST_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$PYTEST_PID" 2>/dev/null || true
	fi
	wait "$PYTEST_PID" 2>/dev/null || true
	PYTEST_PID=
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pytest 5
	if [ -n "${REDIS_PID:-}" ]; then
		log "stopping Redis (port ${REDIS_PORT:-?})"
		stop_redis
	fi
	if [ -n "$TMP_ROOT" ]; then
		if [ -e "$TMP_ROOT/pg" ]; then
			log "stopping PostgreSQL"
			stop_postgres "$TMP_ROOT/pg"
		fi
		rm -rf "$TMP_ROOT"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'echo >&2; log "interrupted"; exit 130' INT
trap 'log "terminated"; [ -z "$PYTEST_PID" ] || kill -TERM "$PYTEST_PID" 2>/dev/null; exit 143' TERM

# --- tools -----------------------------------------------------------------------------
ensure_venv requirements-dev.txt
ensure_npm_assets

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless) # the HTML checker (vnu-jar)
if [ "${#missing[@]}" -gt 0 ]; then
	apt_install "${missing[@]}"
fi
command -v redis-server >/dev/null 2>&1 || die "redis-server is still missing"
[ -x "$CHROMIUM" ] || die "$CHROMIUM is still missing (Debian package 'chromium')"
command -v java >/dev/null 2>&1 || die "java is still missing (Debian package default-jre-headless)"
ensure_postgres_binaries

# --- services --------------------------------------------------------------------------
TMP_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/netcrm-test.XXXXXX")"
chmod 755 "$TMP_ROOT" # the unprivileged PostgreSQL user must reach $TMP_ROOT/pg

log "starting PostgreSQL"
start_postgres "$TMP_ROOT/pg"
export DATABASE_URL
log "starting Redis"
start_redis "$TMP_ROOT/redis"
export REDIS_URL
export NETCRM_REQUIRE_SERVICES=1
ok "PostgreSQL: $DATABASE_URL"
ok "Redis:      $REDIS_URL"

# --- checks ----------------------------------------------------------------------------
run_step() {
	log "$*"
	"$@" || die "failed: $*"
}
run_step "$VENV/bin/ruff" check .
run_step "$VENV/bin/ruff" format --check .
run_step "$PY" manage.py check
run_step "$PY" manage.py makemigrations --check --dry-run

log "pytest $*"
# In the background + wait, so a TERM sent to this script is handled at once; with
# Ctrl-C restored (a background job would ignore it) and a terminal's stdin kept (--pdb).
pytest_job() {
	trap - INT QUIT
	exec "$VENV/bin/pytest" "$@"
}
if [ -t 0 ]; then
	pytest_job "$@" <&0 &
else
	pytest_job "$@" </dev/null &
fi
PYTEST_PID=$!
set +e
wait "$PYTEST_PID"
rc=$?
set -e
PYTEST_PID=
case "$rc" in
0) ok "pytest passed" ;;
5)
	printf '%sERROR: pytest collected no tests (exit 5); treating that as a failure%s\n' "$_R" "$_N" >&2
	rc=1
	;;
*) printf '%sERROR: pytest failed (exit %s)%s\n' "$_R" "$rc" "$_N" >&2 ;;
esac
exit "$rc"
