#!/usr/bin/env bash
# Benchmarks: ./scripts/bench.sh NAME [ARGS...]   (make bench-NAME)
#             ./scripts/bench.sh                  (make bench: every benchmark)
#
# A benchmark is bench/NAME.py or bench/NAME/__main__.py, run as `python -m bench.NAME`
# with a fresh throwaway PostgreSQL (DATABASE_URL) and a fresh NETCRM_DATA_DIR. Its
# stdout goes to bench/out/NAME.log; its last line must be `bench NAME: key=value ...`.
# A benchmark with a line `# bench-needs: redis static` also gets a throwaway Redis
# (REDIS_URL) and the npm assets collectstatic needs. See bench/README.md.
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"

OUT_DIR="$ROOT/bench/out"
TMP_ROOT=
BENCH_PID=
TAIL_PID=
REDIS_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[ -z "$BENCH_PID" ] || kill -TERM "$BENCH_PID" 2>/dev/null || true
	[ -z "$TAIL_PID" ] || kill -TERM "$TAIL_PID" 2>/dev/null || true
	# the benchmark first (it stops what it started), then Redis; `wait` alone would wait for Redis
	[ -z "$BENCH_PID" ] || wait "$BENCH_PID" 2>/dev/null || true
	stop_redis
	wait 2>/dev/null || true
	if [ -n "$TMP_ROOT" ]; then
		stop_postgres "$TMP_ROOT/pg"
		rm -rf "$TMP_ROOT"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'echo >&2; exit 130' INT
trap 'exit 143' TERM

list_benchmarks() {
	local path name
	for path in bench/*.py bench/*/__main__.py; do
		[ -f "$path" ] || continue
		case "$path" in */__main__.py) name="$(basename "$(dirname "$path")")" ;; *) name="$(basename "$path" .py)" ;; esac
		case "$name" in pgharness | __init__ | _* | out) continue ;; esac
		echo "$name"
	done | sort -u
}

# needs NAME — what the benchmark declares with `# bench-needs: ...` (redis, static).
needs() {
	local path="bench/$1.py"
	[ -f "$path" ] || path="bench/$1/__main__.py"
	sed -n 's/^# bench-needs: //p' "$path" | tr '\n' ' '
}

# run_one NAME [ARGS...] — returns the benchmark's status (1 if its last line is wrong).
run_one() {
	local name="$1" log rc last needed services
	shift
	log="$OUT_DIR/$name.log"
	needed=" $(needs "$name") "
	[[ "$needed" != *" static "* ]] || ensure_npm_assets
	TMP_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/netcrm-bench.XXXXXX")"
	chmod 755 "$TMP_ROOT" # the unprivileged PostgreSQL user must reach $TMP_ROOT/pg
	start_postgres "$TMP_ROOT/pg"
	services="PostgreSQL: $DATABASE_URL"
	if [[ "$needed" == *" redis "* ]]; then
		start_redis "$TMP_ROOT/redis"
		services="$services, Redis: $REDIS_URL"
	fi
	log "bench $name ($services)"
	(
		trap - INT QUIT
		export DATABASE_URL NETCRM_DATA_DIR="$TMP_ROOT/data" NETCRM_BENCH_OUT="$OUT_DIR"
		[ -z "$REDIS_PID" ] || export REDIS_URL
		mkdir -p "$NETCRM_DATA_DIR"
		exec "$PY" -m "bench.$name" "$@"
	) >"$log" &
	BENCH_PID=$!
	tail -n +1 -f --pid="$BENCH_PID" "$log" &
	TAIL_PID=$!
	set +e
	wait "$BENCH_PID"
	rc=$?
	set -e
	BENCH_PID=
	wait "$TAIL_PID" 2>/dev/null || true
	TAIL_PID=
	stop_redis
	stop_postgres "$TMP_ROOT/pg"
	rm -rf "$TMP_ROOT"
	TMP_ROOT=
	if [ "$rc" -ne 0 ]; then
		printf '%sERROR: bench %s failed (exit %s)%s\n' "$_R" "$name" "$rc" "$_N" >&2
		return "$rc"
	fi
	last="$(tail -n 1 "$log")"
	if [[ "$last" != "bench $name: "* ]]; then
		printf '%sERROR: bench %s: last line must be "bench %s: key=value ...", got: %s%s\n' \
			"$_R" "$name" "$name" "$last" "$_N" >&2
		return 1
	fi
	return 0
}

ensure_venv requirements-dev.txt
ensure_postgres_binaries
mkdir -p "$OUT_DIR"

if [ "$#" -gt 0 ] && [ "$1" != all ]; then
	name="$1"
	shift
	[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "not a benchmark name: $name"
	[ -f "bench/$name.py" ] || [ -f "bench/$name/__main__.py" ] ||
		die "no benchmark '$name' (bench/$name.py or bench/$name/__main__.py); have: $(list_benchmarks | tr '\n' ' ')"
	run_one "$name" "$@"
	exit $?
fi

mapfile -t names < <(list_benchmarks)
[ "${#names[@]}" -gt 0 ] || die "no benchmarks in bench/ (bench/NAME.py or bench/NAME/__main__.py)"
failed=()
for name in "${names[@]}"; do
	run_one "$name" || failed+=("$name")
done
log "summary"
for name in "${names[@]}"; do
	tail -n 1 "$OUT_DIR/$name.log" 2>/dev/null || true
done
[ "${#failed[@]}" -eq 0 ] || die "failed: ${failed[*]}"
ok "all ${#names[@]} benchmarks passed"
