#!/usr/bin/env bash
# newsboat's sync with a FreshRSS server (Google Reader API), for comparison with `tidings sync`:
# a first sync into an empty cache, then a second one with nothing new; for each, the wall time,
# the peak memory, the requests FreshRSS saw (from its server.log) and what newsboat's cache holds.
#
#   FRESHRSS_URL=... FRESHRSS_USER=... FRESHRSS_API_PASSWORD=... FRESHRSS_DIR=... benches/sync/newsboat.sh
#
# The FRESHRSS_* variables are what ../shared/servers/freshrss/start.sh prints (eval its output);
# the server should already hold the articles (tests/common/freshrss.rs's populate). The request
# log is FRESHRSS_LOG, by default server.log beside FRESHRSS_DIR (where start.sh writes it).
# Without FRESHRSS_URL the script starts its own FreshRSS on a free port and fills it with
# NB_FEEDS feeds of NB_PER_FEED items (default 10 x 100) served by python3 on loopback.
#
# Finding, newsboat 2.21: it cannot sync with FreshRSS. Its only Google Reader backend with a
# settable address is `urls-source "feedhq"` (oldreader and inoreader are fixed to
# https://theoldreader.com and https://inoreader.com). ClientLogin and subscription/list work,
# but it reads each feed's articles from `reader/atom/feed%2FN?n=...`, the old Atom output,
# which FreshRSS does not implement: 400 "Bad Request!", so its cache gets no articles (and
# `newsboat -x reload` still exits 0). FreshRSS support (urls-source "freshrss") came in 2.22.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/newsboat-sync.XXXXXX")
cleanup() {
	[ -n "${own_pid:-}" ] && kill "$own_pid" 2>/dev/null || true
	[ -n "${feeds_pid:-}" ] && kill "$feeds_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ -z "${FRESHRSS_URL:-}" ]; then
	feeds=${NB_FEEDS:-10} per_feed=${NB_PER_FEED:-100}
	start=${FRESHRSS_START:-$here/../../../shared/servers/freshrss/start.sh}
	eval "$("$start" "$work/freshrss" "$(free_port)")"
	own_pid=$FRESHRSS_PID
	mkdir -p "$work/feeds"
	python3 - "$work/feeds" "$feeds" "$per_feed" <<'EOF'
import sys, time, email.utils
out, feeds, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = int(time.time())
for f in range(feeds):
    items = []
    for i in reversed(range(per)):
        d = email.utils.formatdate(now - 30 * 86400 + i * 1000 + f, usegmt=True)
        items.append(f"<item><guid isPermaLink='false'>nb-{f}-{i}</guid><title>Feed {f}, article {i}</title>"
                     f"<link>http://127.0.0.1/site/{f}/{i}.html</link><pubDate>{d}</pubDate>"
                     f"<description>&lt;p&gt;Article {i} of feed {f}.&lt;/p&gt;&lt;p&gt;A second paragraph.&lt;/p&gt;</description></item>")
    open(f"{out}/{f}.xml", "w").write("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        f"<title>Feed {f}</title><link>http://127.0.0.1/site/{f}/</link>{''.join(items)}</channel></rss>")
EOF
	fport=$(free_port)
	(cd "$work/feeds" && exec python3 -m http.server "$fport" --bind 127.0.0.1 >/dev/null 2>&1) &
	feeds_pid=$!
	for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$fport/0.xml" 2>/dev/null && break; sleep 0.1; done
	auth=$(curl -fsS -d "Email=$FRESHRSS_USER&Passwd=$FRESHRSS_API_PASSWORD" "$FRESHRSS_URL/accounts/ClientLogin" | sed -n 's/^Auth=//p')
	tok=$(curl -fsS -H "Authorization: GoogleLogin auth=$auth" "$FRESHRSS_URL/reader/api/0/token")
	for f in $(seq 0 $((feeds - 1))); do
		curl -fsS -o /dev/null -H "Authorization: GoogleLogin auth=$auth" -d "T=$tok" \
			--data-urlencode "quickadd=http://127.0.0.1:$fport/$f.xml" "$FRESHRSS_URL/reader/api/0/subscription/quickadd"
	done
	echo "started FreshRSS at $FRESHRSS_URL with $feeds feeds x $per_feed articles"
fi
: "${FRESHRSS_USER:?}" "${FRESHRSS_API_PASSWORD:?}" "${FRESHRSS_DIR:?}"
log=${FRESHRSS_LOG:-$(dirname "$FRESHRSS_DIR")/server.log}
[ -f "$log" ] || { echo "no FreshRSS request log at $log (set FRESHRSS_LOG)" >&2; exit 2; }
command -v newsboat >/dev/null || { echo "newsboat is not installed" >&2; exit 2; }

nb=$work/newsboat
mkdir -p "$nb"
# feedhq-url is the API base without a trailing slash: newsboat appends "/accounts/ClientLogin",
# "/reader/api/0/..." and "/reader/atom/..." to it (a trailing slash gives "greader.php//...").
cat >"$nb/config" <<EOF
urls-source "feedhq"
feedhq-url "$FRESHRSS_URL"
feedhq-login "$FRESHRSS_USER"
feedhq-passwordfile "$nb/password"
feedhq-show-special-feeds no
feedhq-min-items 10000
EOF
printf '%s' "$FRESHRSS_API_PASSWORD" >"$nb/password"
: >"$nb/urls"

requests() { grep -cE '\[[0-9]{3}\]: ' "$log" || true; }
sync_once() {
	local name=$1 before after
	before=$(requests)
	# HOME: newsboat must not read or lock the real ~/.newsboat.
	HOME=$nb /usr/bin/time -f "$name: %e s %M KB" -o "$nb/time" \
		newsboat -C "$nb/config" -u "$nb/urls" -c "$nb/cache.db" -x reload -d "$nb/log-$name" -l 4 \
		>"$nb/out-$name" 2>&1 || echo "$name: newsboat exited $?"
	after=$(requests)
	cat "$nb/time"
	echo "$name: $((after - before)) requests to FreshRSS, by status and path:"
	grep -E '\[[0-9]{3}\]: ' "$log" | tail -n "$((after - before))" |
		sed -E 's/.*\[([0-9]{3})\]: ([A-Z]+) ([^?]*).*/  \1 \2 \3/; s#feed%2F[0-9]+#feed%2FN#' | sort | uniq -c
	python3 - "$nb/cache.db" "$name" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
feeds = c.execute("select count(*) from rss_feed").fetchone()[0]
items, unread = c.execute("select count(*), coalesce(sum(unread), 0) from rss_item").fetchone()
print(f"{sys.argv[2]}: newsboat's cache holds {feeds} feeds, {items} articles ({unread} unread)")
EOF
	grep -h "USERERROR" "$nb/log-$name" 2>/dev/null | sed 's/^\[[^]]*\] /  /' | head -3
}

echo "newsboat $(newsboat -v | head -1 | awk '{print $2}') against $FRESHRSS_URL"
sync_once first
sync_once second
