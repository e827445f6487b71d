#!/usr/bin/env bash
# The sync benchmark: `tidings sync` and newsboat side by side, against one real FreshRSS
# (Google Reader API), in one run.
#
#   cargo build --release && benches/sync/run.sh
#
# Needs: bash, curl, python3, GNU time (/usr/bin/time), php-cli with FreshRSS's extensions (see
# ../shared/servers/freshrss/start.sh, or FRESHRSS_START), newsboat (optional: without it only
# tidings is measured) and the release binary target/release/tidings (or TIDINGS_BIN; with
# CARGO_TARGET_DIR set, $CARGO_TARGET_DIR/release/tidings). Talks to 127.0.0.1 only.
# Takes a few minutes at the default size (most of it FreshRSS fetching the feeds at setup).
#
# Environment:
#   BENCH_FEEDS=100 BENCH_PER_FEED=200  feeds served on loopback and items in each (20,000)
#   BENCH_NEW_FEEDS=10                  (3): feeds given 1 new article each, then an incremental
#                                       sync; 0 skips it
#   BENCH_KEEP=1                        keep the work directory (logs, caches) and print it
#
# What it does: starts its own FreshRSS (start.sh) on a free loopback port in a temp dir, with
# retention off (the tests' settings, tests/common/freshrss.rs), serves the generated feeds with
# python3's http.server, subscribes FreshRSS to each (subscription/quickadd, which fetches it) and
# checks FreshRSS holds them all. Then, for tidings (fresh --config-dir/--data-dir) and newsboat
# (fresh cache, as benches/sync/newsboat.sh runs it):
#   (1) a first sync into an empty cache, (2) a sync with nothing new, (3) a sync after one new
#   article in each of BENCH_NEW_FEEDS feeds (FreshRSS's cli/actualize-user.php fetched them).
# Each: wall time and peak RSS (/usr/bin/time), the requests FreshRSS logged during it
# (server.log), the articles the client's cache holds after it; for tidings also its
# `sync --json` report (requests, bytes, items.new).
#
# newsboat 2.21 cannot sync with FreshRSS (see newsboat.sh): it reads articles from
# reader/atom/, which FreshRSS answers 400, so its cache stays without articles. It is measured
# anyway and the table says so; no ratio is given where the two did not do the same work.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
feeds=${BENCH_FEEDS:-100} per_feed=${BENCH_PER_FEED:-200} new_feeds=${BENCH_NEW_FEEDS:-10}
export NO_PROXY='*' no_proxy='*'
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

bin=${TIDINGS_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/tidings}
[ -x "$bin" ] || { echo "no tidings binary at $bin: cargo build --release, or set TIDINGS_BIN" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is required" >&2; exit 2; }
have_newsboat=1
command -v newsboat >/dev/null || { have_newsboat=0; echo "newsboat is not installed: measuring tidings only" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tidings-sync-bench.XXXXXX")
cleanup() {
	[ -n "${own_pid:-}" ] && kill "$own_pid" 2>/dev/null || true
	[ -n "${feeds_pid:-}" ] && kill "$feeds_pid" 2>/dev/null || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
say() { echo "[$(date +%T)] $*" >&2; }

# ---- FreshRSS ----
start=${FRESHRSS_START:-$root/../shared/servers/freshrss/start.sh}
eval "$("$start" "$work/freshrss" "$(free_port)" 2>"$work/start.log")" || { cat "$work/start.log" >&2; exit 1; }
own_pid=$FRESHRSS_PID
# The php process itself (FRESHRSS_PID is `timeout`'s, its parent), for its CPU time.
php_pid=$(ps -o pid= --ppid "$own_pid" | tr -d ' ' | head -n 1)
log=$work/freshrss/server.log
# As tests/common/freshrss.rs: no retention (keep_max is 200 per feed by default, applied at
# random on actualize), no refresh interval (ttl_default) and no fetch cache (cache_duration), so
# actualize-user.php fetches every feed again and FreshRSS keeps every article.
php_edit() {
	php -r '$f = $argv[1]; $c = include $f; eval($argv[2]);
		file_put_contents($f, "<?php\nreturn " . var_export($c, true) . ";\n") or exit(1);' "$1" "$2"
}
php_edit "$FRESHRSS_DIR/data/users/$FRESHRSS_USER/config.php" \
	"\$c['ttl_default'] = -1; \$c['archiving']['keep_max'] = false; \$c['archiving']['keep_period'] = false; \$c['archiving']['keep_min'] = 0;"
php_edit "$FRESHRSS_DIR/data/config.php" "\$c['limits']['cache_duration'] = 0;"

# ---- the feeds, on loopback ----
mkdir -p "$work/feeds"
# gen_feeds DIR FEEDS PER_FEED [EXTRA_FEEDS]: feed f holds items 0..PER_FEED (+1 for f < EXTRA),
# newest first, dates within the last 30 days, later for a larger item number.
gen_feeds() {
	python3 - "$@" <<'EOF'
import sys, time, email.utils
out, feeds, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
extra = int(sys.argv[4]) if len(sys.argv) > 4 else 0
now = int(open(f"{out}/.anchor").read()) if extra else int(time.time())
open(f"{out}/.anchor", "w").write(str(now))
for f in range(feeds):
    n = per + (1 if f < extra else 0)
    items = []
    for i in reversed(range(n)):
        d = email.utils.formatdate(now - 30 * 86400 + i * 1000 + f, usegmt=True)
        items.append(f"<item><guid isPermaLink='false'>bench-{f}-{i}</guid><title>Feed {f}, article {i}</title>"
                     f"<link>http://127.0.0.1/site/{f}/{i}.html</link><pubDate>{d}</pubDate><description>"
                     f"&lt;p&gt;Article {i} of feed {f}: the first paragraph says what happened and where.&lt;/p&gt;"
                     f"&lt;p&gt;The second paragraph (bench-{f}-{i}) gives the background, the names and the numbers "
                     f"that a reader would want before deciding whether to read on.&lt;/p&gt;"
                     f"&lt;p&gt;The third paragraph quotes someone, and the last one says what comes next.&lt;/p&gt;"
                     f"</description></item>\n")
    tmp = f"{out}/{f}.xml.tmp"
    open(tmp, "w").write("<?xml version='1.0' encoding='UTF-8'?>\n<rss version='2.0'><channel>"
        f"<title>Bench feed {f}</title><link>http://127.0.0.1/site/{f}/</link>"
        f"<description>Generated feed {f}</description>\n{''.join(items)}</channel></rss>\n")
    __import__("os").replace(tmp, f"{out}/{f}.xml")
EOF
}
gen_feeds "$work/feeds" "$feeds" "$per_feed"
fport=$(free_port)
(cd "$work/feeds" && exec python3 -m http.server "$fport" --bind 127.0.0.1 >/dev/null 2>&1) &
feeds_pid=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$fport/0.xml" 2>/dev/null && break; sleep 0.1; done

api=$FRESHRSS_URL
auth=$(curl -fsS -d "Email=$FRESHRSS_USER&Passwd=$FRESHRSS_API_PASSWORD" "$api/accounts/ClientLogin" | sed -n 's/^Auth=//p')
hdr="Authorization: GoogleLogin auth=$auth"
tok=$(curl -fsS -H "$hdr" "$api/reader/api/0/token")
say "subscribing FreshRSS to $feeds feeds x $per_feed articles (it fetches each as it is added)"
t0=$(date +%s.%N)
for f in $(seq 0 $((feeds - 1))); do
	curl -fsS -o /dev/null -H "$hdr" -d "T=$tok" \
		--data-urlencode "quickadd=http://127.0.0.1:$fport/$f.xml" "$api/reader/api/0/subscription/quickadd"
done
setup_secs=$(python3 -c "import time; print(f'{time.time() - $t0:.0f}')")
# server_count: the articles FreshRSS holds (stream/items/ids of the reading list, all pages).
server_count() {
	python3 - "$api" "$auth" <<'EOF'
import json, sys, urllib.parse, urllib.request
api, auth = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
n, c = 0, ""
while True:
    q = {"s": "user/-/state/com.google/reading-list", "n": "10000", "output": "json"}
    if c: q["c"] = c
    req = urllib.request.Request(f"{api}/reader/api/0/stream/items/ids?{urllib.parse.urlencode(q)}",
                                 headers={"Authorization": f"GoogleLogin auth={auth}"})
    v = json.load(opener.open(req))
    refs = v.get("itemRefs") or []
    n += len(refs)
    c = v.get("continuation")
    if not c or not refs: break
print(n)
EOF
}
want=$((feeds * per_feed))
held=$(server_count)
if [ "$held" != "$want" ]; then
	say "FreshRSS holds $held articles, not $want: actualizing"
	php "$FRESHRSS_DIR/cli/actualize-user.php" --user "$FRESHRSS_USER" >/dev/null 2>&1 || true
	held=$(server_count)
fi
[ "$held" = "$want" ] || { echo "FreshRSS holds $held articles, not $want" >&2; exit 1; }
say "FreshRSS holds $held articles (setup: ${setup_secs} s)"

# ---- measuring ----
requests() { grep -cE '\[[0-9]{3}\]: ' "$log" || true; }
# server_ticks: CPU time (user + system, in clock ticks) the FreshRSS php process used so far.
server_ticks() { awk '{print $14 + $15}' "/proc/$php_pid/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
# measure NAME CMD...: runs CMD under /usr/bin/time; sets m_secs (wall), m_cpu (the client's user
# + system CPU s), m_srv (FreshRSS's CPU s meanwhile), m_mb (peak RSS), m_req (requests in
# FreshRSS's log), m_out (stdout file), m_rc; writes the requests it made to $work/requests-NAME.
measure() {
	local name=$1 before after t_before t_after
	shift
	before=$(requests) t_before=$(server_ticks)
	m_rc=0
	/usr/bin/time -f '%e %M %U %S' -o "$work/time-$name" "$@" >"$work/out-$name" 2>"$work/err-$name" || m_rc=$?
	after=$(requests) t_after=$(server_ticks)
	read -r m_secs m_kb m_user m_sys < <(tail -n 1 "$work/time-$name")
	m_mb=$(python3 -c "print(f'{$m_kb / 1024:.1f}')")
	m_cpu=$(python3 -c "print(f'{$m_user + $m_sys:.2f}')")
	m_srv=$(python3 -c "print(f'{($t_after - $t_before) / $hz:.2f}')")
	m_req=$((after - before))
	m_out=$work/out-$name
	grep -E '\[[0-9]{3}\]: ' "$log" | tail -n "$m_req" |
		sed -E 's/.*\[([0-9]{3})\]: ([A-Z]+) ([^?]*).*/\1 \2 \3/; s#feed%2F[0-9]+#feed%2FN#' |
		sort | uniq -c | sed 's/^ */    /' >"$work/requests-$name"
}

# tidings
td=$work/tidings
mkdir -p "$td/config" "$td/data"
cat >"$td/config/config.toml" <<EOF
[reader]
refresh_on_start = false

[sync]
kind = "greader"
url = "$api"
user = "$FRESHRSS_USER"
password_env = "BENCH_FRESHRSS_PASSWORD"
EOF
export BENCH_FRESHRSS_PASSWORD=$FRESHRSS_API_PASSWORD
tidings() { "$bin" --config-dir "$td/config" --data-dir "$td/data" "$@"; }
tidings_stored() { tidings articles --json --limit 10000000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
declare -A T N
run_tidings() {
	local name=$1
	measure "tidings-$name" "$bin" --config-dir "$td/config" --data-dir "$td/data" sync --json
	if [ "$m_rc" != 0 ]; then
		say "tidings sync ($name) exited $m_rc:"
		sed 's/^/    /' "$work/err-tidings-$name" | tail -n 20 >&2
	fi
	T[$name.secs]=$m_secs T[$name.mb]=$m_mb T[$name.req]=$m_req T[$name.cpu]=$m_cpu T[$name.srv]=$m_srv
	read -r "T[$name.jreq]" "T[$name.bytes]" "T[$name.new]" < <(python3 -c '
import json, sys
try:
    r = json.load(open(sys.argv[1]))
    print(r["requests"], r["bytes"], r["items"]["new"])
except Exception:
    print("? ? ?")' "$m_out")
	T[$name.stored]=$(tidings_stored)
	say "tidings $name: ${m_secs} s (tidings CPU ${m_cpu} s, FreshRSS CPU ${m_srv} s), ${m_mb} MB, ${m_req} requests logged by FreshRSS (report: ${T[$name.jreq]} requests, ${T[$name.bytes]} bytes, ${T[$name.new]} new), ${T[$name.stored]} articles stored"
	cat "$work/requests-tidings-$name" >&2
}

# newsboat, configured as in newsboat.sh
nb=$work/newsboat
mkdir -p "$nb"
cat >"$nb/config" <<EOF
urls-source "feedhq"
feedhq-url "$api"
feedhq-login "$FRESHRSS_USER"
feedhq-passwordfile "$nb/password"
feedhq-show-special-feeds no
feedhq-min-items 10000
EOF
printf '%s' "$FRESHRSS_API_PASSWORD" >"$nb/password"
: >"$nb/urls"
run_newsboat() {
	local name=$1
	# HOME: newsboat must not read or lock the real ~/.newsboat.
	measure "newsboat-$name" env HOME="$nb" \
		newsboat -C "$nb/config" -u "$nb/urls" -c "$nb/cache.db" -x reload -d "$nb/log-$name" -l 4
	N[$name.secs]=$m_secs N[$name.mb]=$m_mb N[$name.req]=$m_req N[$name.rc]=$m_rc N[$name.cpu]=$m_cpu N[$name.srv]=$m_srv
	N[$name.stored]=$(python3 -c '
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from rss_item").fetchone()[0])' "$nb/cache.db")
	say "newsboat $name: ${m_secs} s (newsboat CPU ${m_cpu} s, FreshRSS CPU ${m_srv} s), ${m_mb} MB, ${m_req} requests logged by FreshRSS, exit ${m_rc}, ${N[$name.stored]} articles stored"
	cat "$work/requests-newsboat-$name" >&2
	grep -h "USERERROR" "$nb/log-$name" 2>/dev/null | sed -E 's/^\[[^]]*\] //; s#feed%2F[0-9]+#feed%2FN#' | sort | uniq -c | head -3 >&2 || true
}

rows=(first empty)
say "tidings: first sync"
run_tidings first
say "tidings: sync with nothing new"
run_tidings empty
# FreshRSS's own speed, for where the time goes: one page of 10,000 ids and one
# stream/items/contents of 1,000 articles (what tidings' first sync is made of), each asked by a
# python client 3 times; the median. These requests fall between the measured runs.
probe() {
	python3 - "$api" "$auth" "$tok" <<'EOF'
import json, statistics, sys, time, urllib.parse, urllib.request
api, auth, tok = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
h = {"Authorization": f"GoogleLogin auth={auth}"}
def timed(url, data=None):
    t = []
    for _ in range(3):
        t0 = time.perf_counter()
        body = opener.open(urllib.request.Request(url, data=data, headers=h)).read()
        t.append(time.perf_counter() - t0)
    return statistics.median(t), len(body), body
q = urllib.parse.urlencode({"s": "user/-/state/com.google/reading-list", "n": "10000", "output": "json"})
ids_s, ids_b, body = timed(f"{api}/reader/api/0/stream/items/ids?{q}")
ids = [r["id"] for r in json.loads(body)["itemRefs"]][:1000]
form = urllib.parse.urlencode([("T", tok)] + [("i", i) for i in ids]).encode()
c_s, c_b, _ = timed(f"{api}/reader/api/0/stream/items/contents?output=json", form)
print(f"FreshRSS alone (median of 3): a page of {min(10000, len(json.loads(body)['itemRefs'])):,} ids "
      f"in {ids_s:.3f} s ({ids_b:,} B); contents of {len(ids):,} articles in {c_s:.3f} s ({c_b:,} B)")
EOF
}
probe_line=$(probe)
say "$probe_line"

if [ "$have_newsboat" = 1 ]; then
	say "newsboat $(newsboat -v | head -1 | awk '{print $2}'): first sync"
	run_newsboat first
	say "newsboat: sync with nothing new"
	run_newsboat empty
fi
if [ "$new_feeds" -gt 0 ]; then
	say "adding 1 article to each of $new_feeds feeds; FreshRSS fetches all $feeds feeds (actualize-user.php)"
	gen_feeds "$work/feeds" "$feeds" "$per_feed" "$new_feeds"
	t0=$(date +%s.%N)
	php "$FRESHRSS_DIR/cli/actualize-user.php" --user "$FRESHRSS_USER" >"$work/actualize" 2>&1 || true
	act_secs=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}')")
	held=$(server_count)
	say "actualize took ${act_secs} s; FreshRSS holds $held articles"
	[ "$held" = $((want + new_feeds)) ] || { echo "FreshRSS holds $held articles, not $((want + new_feeds))" >&2; exit 1; }
	rows+=(new)
	say "tidings: sync with $new_feeds new"
	run_tidings new
	if [ "$have_newsboat" = 1 ]; then
		say "newsboat: sync with $new_feeds new"
		run_newsboat new
	fi
fi

# ---- the table ----
label() { case $1 in first) echo "first sync ($(python3 -c "print(f'{$want:,}')"))" ;; empty) echo "empty incremental" ;; new) echo "incremental (+$new_feeds)" ;; esac; }
ratio() { python3 -c "a, b = float('$1'), float('$2'); print(f'{b / a:.1f}x' if a > 0 else 'n/a')"; }
echo
echo "FreshRSS 1.24.3 (php -S, SQLite), $feeds feeds x $per_feed articles; tidings $("$bin" --version | awk '{print $2}')" \
	"$([ "$have_newsboat" = 1 ] && echo "vs newsboat $(newsboat -v | head -1 | awk '{print $2}')")"
printf '%-20s | %-56s | %s\n' "" "tidings" "newsboat"
printf '%-20s | %6s %4s %7s %6s %9s %5s %6s %6s | %6s %4s %7s %6s %6s %6s\n' "" \
	"time s" "req" "peak MB" "stored" "recv B" "new" "cpu s" "srv s" "time s" "req" "peak MB" "stored" "cpu s" "srv s"
for r in "${rows[@]}"; do
	if [ "$have_newsboat" = 1 ]; then
		nbcols=$(printf '%6s %4s %7s %6s %6s %6s' "${N[$r.secs]}" "${N[$r.req]}" "${N[$r.mb]}" "${N[$r.stored]}" "${N[$r.cpu]}" "${N[$r.srv]}")
	else
		nbcols="(newsboat not installed)"
	fi
	printf '%-20s | %6s %4s %7s %6s %9s %5s %6s %6s | %s\n' "$(label "$r")" "${T[$r.secs]}" "${T[$r.req]}" \
		"${T[$r.mb]}" "${T[$r.stored]}" "${T[$r.bytes]}" "${T[$r.new]}" "${T[$r.cpu]}" "${T[$r.srv]}" "$nbcols"
done
echo
echo "req: requests FreshRSS logged during the sync (tidings' own count, sync --json \"requests\":" \
	"$(for r in "${rows[@]}"; do printf '%s %s; ' "$r" "${T[$r.jreq]}"; done | sed 's/; $//'))."
echo "stored: articles in the client's cache after the sync. recv B, new: tidings' sync --json bytes, items.new."
echo "cpu s: the client's CPU time (user + system); srv s: FreshRSS's (php -S) CPU time during the sync."
if [ "$have_newsboat" = 1 ]; then
	echo "Ratios (newsboat / tidings):"
	for r in "${rows[@]}"; do
		# Same work: both caches hold what the server holds (newsboat stored the same articles).
		if [ "${N[$r.stored]}" = "${T[$r.stored]}" ] && [ "${N[$r.rc]}" = 0 ]; then
			echo "  $(label "$r"): time $(ratio "${T[$r.secs]}" "${N[$r.secs]}"), requests $(ratio "${T[$r.req]}" "${N[$r.req]}"), peak memory $(ratio "${T[$r.mb]}" "${N[$r.mb]}")"
		else
			echo "  $(label "$r"): n/a: newsboat stored ${N[$r.stored]} articles (tidings ${T[$r.stored]})"
		fi
	done
	echo "  (newsboat 2.21 reads articles from reader/atom/, which FreshRSS answers 400; see newsboat.sh)"
fi
echo "$probe_line"
echo "Setup (not measured above): FreshRSS's quickadd of $feeds feeds took ${setup_secs} s$([ "$new_feeds" -gt 0 ] && echo ", actualize ${act_secs} s")."
