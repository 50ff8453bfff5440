#!/usr/bin/env bash
# THE run command: ./scripts/run.sh
#
# Sets up .venv (requirements.txt) and the npm assets, migrates, collects static files,
# seeds the demo user, then runs the web server, a Celery worker and Celery beat together
# until Ctrl-C (which stops all three).
#
# Embedded default: SQLite and a filesystem Celery broker under $NETCRM_DATA_DIR (./var),
# no servers needed. Set DATABASE_URL / REDIS_URL / EMAIL_URL to use real services.
# PORT (8000) and HOST (127.0.0.1) choose where the web server listens.
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"
NETCRM_DATA_DIR="${NETCRM_DATA_DIR:-$ROOT/var}"
case "$NETCRM_DATA_DIR" in /*) ;; *) NETCRM_DATA_DIR="$ROOT/$NETCRM_DATA_DIR" ;; esac
export NETCRM_DATA_DIR DJANGO_SETTINGS_MODULE=netcrm.settings
case "$HOST" in
0.0.0.0 | :: | '[::]') url_host=localhost ;;
*:*) url_host="[$HOST]" ;;
*) url_host="$HOST" ;;
esac
URL="http://$url_host:$PORT/"
export SITE_URL="${SITE_URL:-http://$url_host:$PORT}"

PIDS=()
NAMES=()

stop_all() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "${#PIDS[@]}" -gt 0 ]; then
		log "stopping ${NAMES[*]}"
		local pid i alive
		# Each runs in its own process group (set -m): signal the whole group, as a
		# terminal's Ctrl-C would, so the runserver reloader's child and the worker's
		# pool processes stop too.
		for pid in "${PIDS[@]}"; do kill -INT -- "-$pid" 2>/dev/null || true; done
		for i in $(seq 1 150); do
			alive=0
			for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
			[ "$alive" = 1 ] || break
			[ "$i" = 100 ] && for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
			sleep 0.1
		done
		for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
		wait 2>/dev/null || true
	fi
	exit "$rc"
}
trap stop_all EXIT
trap 'echo >&2; exit 130' INT
trap 'exit 143' TERM

# --- setup -----------------------------------------------------------------------------
ensure_venv requirements.txt
ensure_npm_assets
mkdir -p "$NETCRM_DATA_DIR/broker/queue" "$NETCRM_DATA_DIR/broker/processed"
log "database: ${DATABASE_URL:-sqlite ($NETCRM_DATA_DIR/db.sqlite3)}"
log "broker:   ${REDIS_URL:-filesystem ($NETCRM_DATA_DIR/broker)}"
log "migrate"
"$PY" manage.py migrate --noinput || die "migrate failed"
log "collectstatic"
"$PY" manage.py collectstatic --noinput -v 0 || die "collectstatic failed"
log "seed_demo"
seed_output="$("$PY" manage.py seed_demo)" || die "seed_demo failed"

# --- run -------------------------------------------------------------------------------
# start NAME CMD... — run CMD in the background in its own process group, its output
# prefixed with NAME (the prefixer ignores signals and ends when CMD's output does).
start() {
	local name="$1" label
	label="$(printf '%-6s|' "$name")"
	shift
	"$@" </dev/null > >(
		trap '' INT TERM
		exec sed -u "s/^/$label /"
	) 2>&1 &
	PIDS+=("$!")
	NAMES+=("$name")
}

case "$HOST" in *:*) bind="[$HOST]:$PORT" ;; *) bind="$HOST:$PORT" ;; esac
"$PY" - "$HOST" "$PORT" 2>/dev/null <<'PYEOF' || die "cannot listen on $bind (in use?); choose another port: PORT=8001 $0"
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
with socket.socket(family) as sock:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
PYEOF
set -m
start web "$PY" manage.py runserver "$bind"
start worker "$VENV/bin/celery" -A netcrm worker -l INFO --concurrency "${CELERY_CONCURRENCY:-2}"
start beat "$VENV/bin/celery" -A netcrm beat -l INFO \
	--schedule "$NETCRM_DATA_DIR/celerybeat-schedule" --pidfile "$NETCRM_DATA_DIR/celerybeat.pid"

# Wait until the web server answers before printing where it is.
for _ in $(seq 1 300); do
	"$PY" -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)' \
		"${url_host//[\[\]]/}" "$PORT" 2>/dev/null && break
	kill -0 "${PIDS[0]}" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "${PIDS[0]}" 2>/dev/null; then
	{
		printf '\n%s\n' "$_G================================================================$_N"
		printf '%s  netcrm is running at %s%s\n' "$_B" "$URL" "$_N"
		printf '%s\n' "$seed_output" | sed 's/^/  /'
		printf '  web server, Celery worker and Celery beat are running; Ctrl-C stops all three.\n'
		if [ "$url_host" != 127.0.0.1 ] && [ "$url_host" != localhost ] && [ -z "${ALLOWED_HOSTS:-}" ]; then
			printf '  note: set ALLOWED_HOSTS to the host name you browse with.\n'
		fi
		printf '%s\n\n' "$_G================================================================$_N"
	} >&2
fi

# Run until one of the three exits (or Ctrl-C); then stop the others.
set +e
wait -n "${PIDS[@]}"
rc=$?
set -e
for i in "${!PIDS[@]}"; do
	if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
		printf '%sERROR: %s exited (status %s); stopping the others%s\n' "$_R" "${NAMES[$i]}" "$rc" "$_N" >&2
		break
	fi
done
[ "$rc" -ne 0 ] || rc=1
exit "$rc"
