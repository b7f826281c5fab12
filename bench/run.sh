#!/usr/bin/env bash
# Every benchmark of bench/README.md in one run on this machine: peers (networkx and
# recursive SQL) at two account sizes, HTTP load on SQLite and PostgreSQL, the
# 1,000,000-relationship portfolio (generation, cold and warm rescoring, peak
# memory), and the criterion benches. Installs what it needs (PostgreSQL and wrk
# from the distribution, networkx and psycopg from PyPI into target/bench-venv).
#
#   bash bench/run.sh            # everything (about 20 minutes on 2 cores)
#   BENCH_QUICK=1 bash bench/run.sh   # small sizes only, a few minutes
#
# Figures go to target/bench-results/ (summary.md and the raw outputs).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# shellcheck source=../.ci/postgres.sh
source .ci/postgres.sh
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
pg_database() { # a fresh database, its URL printed
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "drop database if exists $1" -c "create database $1" >/dev/null
  echo "postgres://postgres@127.0.0.1:$PG_PORT/$1"
}

if ! command -v wrk >/dev/null || [ ! -x /usr/bin/time ] || ! command -v curl >/dev/null; then
  log "installing wrk, time and curl"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk time curl >/dev/null
fi
VENV=target/bench-venv
if [ ! -x "$VENV/bin/python" ]; then
  log "installing networkx and psycopg into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q networkx 'psycopg[binary]'
fi

log "release build"
cargo build --release
GX=target/release/guanxi
OUT=target/bench-results
WORK=$(mktemp -d /tmp/guanxi-bench.XXXXXX)
mkdir -p "$OUT"
SUMMARY="$OUT/summary.md"
{
  echo "# guanxi benchmarks, $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $("$PG_BIN/postgres" --version)."
} >"$SUMMARY"

if [ -n "${BENCH_QUICK:-}" ]; then
  SIZES=200,2000; ACCOUNTS=10; LOAD_SECONDS=10
else
  SIZES=200,2000; ACCOUNTS=118; LOAD_SECONDS=20
fi

log "peers: guanxi vs networkx vs recursive SQL"
{
  echo
  echo "## Introduction paths and our best tie: guanxi vs networkx vs PostgreSQL recursive CTE"
  "$VENV/bin/python" bench/peers.py --guanxi "$GX" --postgres "$PG_URL" --sizes "$SIZES" --json "$OUT/peers.json"
} | tee -a "$SUMMARY"

# The portfolio: ACCOUNTS x 1,000 people (118 gives 1,000,000 relationships).
log "generating the portfolio: $ACCOUNTS accounts of 1,000 people"
DB="$WORK/portfolio.db"
/usr/bin/time -o "$OUT/gen-time.txt" -f "%e s wall, peak RSS %M KB" "$GX" gen --database "sqlite://$DB" \
  --accounts "$ACCOUNTS" --people-per-account 1000 >"$OUT/gen.txt" 2>/dev/null
GEN_LINE=$(grep '^generated' "$OUT/gen.txt" || true)
GEN_TIME=$(cat "$OUT/gen-time.txt")
echo "$GEN_LINE ($GEN_TIME)"

# Serves a database, answers: rps p50 p99 failures for each query, and the
# server's peak resident memory.
ADDR=127.0.0.1:18080
SERVER=
serve() { # url
  # A cold pipeline over the whole portfolio may take longer than the default 30 s.
  "$GX" serve --database "$1" --addr "$ADDR" --request-timeout 600 >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 200); do
    # Answered by this server, not by one left over on the port.
    if curl -sf "http://$ADDR/healthz" >/dev/null && kill -0 "$SERVER" 2>/dev/null; then
      return 0
    fi
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start" >&2
  cat "$WORK/serve.log" >&2
  exit 1
}
stop() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
  fi
}
trap 'stop; rm -rf "$WORK"; cleanup' EXIT
post() { curl -sf --max-time 600 -H 'content-type: application/json' --data "$1" "http://$ADDR/graphql"; }
timed_post() { # prints seconds taken
  local t0 t1
  t0=$(date +%s%N); post "$1" >/dev/null; t1=$(date +%s%N)
  python3 -c "print(($t1 - $t0) / 1e9)"
}
load() { # label body connections
  GRAPHQL_BODY="$2" wrk -t1 -c"$3" -d"${LOAD_SECONDS}s" --latency -s bench/graphql.lua "http://$ADDR/graphql" \
    >"$OUT/wrk-$1.txt"
  grep GXRESULT "$OUT/wrk-$1.txt" | sed 's/GXRESULT //'
}
peak_rss() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$SERVER/status"; }

PIPELINE='{"query":"{ pipeline(first: 50) { totalCount meanHealth nodes { name health topPrompt { text } } } }"}'

log "cold and warm pipeline over the portfolio (SQLite)"
serve "sqlite://$DB"
COLD=$(timed_post "$PIPELINE")
WARM=$(timed_post "$PIPELINE")
OPP=$(post '{"query":"{ pipeline(first: 1) { nodes { opportunity { id } } } }"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["pipeline"]["nodes"][0]["opportunity"]["id"])')
SCORES="{\"query\":\"{ opportunity(id: \\\"$OPP\\\") { health { score } scores { keyPerson { value } decisionChain { value } account { value } employee { value } ourCompany { value } competitor { value } } coachingPrompts(first: 5) { ruleId severity text action } } }\"}"
post "$SCORES" >/dev/null
RSS_PORTFOLIO=$(peak_rss)
log "HTTP load, SQLite"
SQLITE_SCORES=$(load sqlite-scores "$SCORES" 16)
SQLITE_PIPELINE=$(load sqlite-pipeline "$PIPELINE" 8)
RSS_AFTER_LOAD=$(peak_rss)
stop

log "HTTP load, PostgreSQL (a 10-account portfolio)"
PGDB=$(pg_database guanxi_bench_http)
"$GX" gen --database "$PGDB" --accounts 10 --people-per-account 1000 >/dev/null
serve "$PGDB"
PG_OPP=$(post '{"query":"{ pipeline(first: 1) { nodes { opportunity { id } } } }"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["pipeline"]["nodes"][0]["opportunity"]["id"])')
PG_SCORES=${SCORES//$OPP/$PG_OPP}
post "$PG_SCORES" >/dev/null
PG_SCORES_RESULT=$(load postgres-scores "$PG_SCORES" 16)
PG_PIPELINE_RESULT=$(load postgres-pipeline "$PIPELINE" 8)
stop

{
  echo
  echo "## The portfolio ($ACCOUNTS accounts of 1,000 people)"
  echo
  echo "- \`guanxi gen\`: $GEN_LINE ($GEN_TIME)."
  echo "- Coach's pipeline over every open opportunity, first request on a fresh server (reads and builds every account's graph from SQLite, scores every deal): $(printf %.2f "$COLD") s; the same request again: $(printf %.3f "$WARM") s."
  echo "- Server peak resident memory with every account's graph cached: $RSS_PORTFOLIO ($RSS_AFTER_LOAD after the load tests)."
  echo
  echo "## GraphQL over HTTP (wrk, 1 thread, ${LOAD_SECONDS} s; server and load on the same machine)"
  echo
  echo "| query | database | connections | result |"
  echo "|---|---|---|---|"
  echo "| one opportunity's six scores, health and top 5 prompts | SQLite | 16 | $SQLITE_SCORES |"
  echo "| one opportunity's six scores, health and top 5 prompts | PostgreSQL | 16 | $PG_SCORES_RESULT |"
  echo "| pipeline, first 50 of the portfolio | SQLite | 8 | $SQLITE_PIPELINE |"
  echo "| pipeline, first 50 of a 10-account portfolio | PostgreSQL | 8 | $PG_PIPELINE_RESULT |"
} | tee -a "$SUMMARY"

log "criterion benches over the portfolio"
GUANXI_BENCH_ACCOUNTS=$ACCOUNTS cargo bench --bench portfolio 2>&1 | tee "$OUT/criterion-portfolio.txt" |
  grep -E '^(portfolio|read and built|open opportunities)|time:' || true
{
  echo
  echo "## criterion (benches/portfolio.rs at $ACCOUNTS accounts; medians)"
  echo
  awk '/time:/ { gsub(/^ +/, ""); print "- " prev ": " $0 } { prev = $0 }' "$OUT/criterion-portfolio.txt"
} | tee -a "$SUMMARY"
log "done: $SUMMARY"
