#!/usr/bin/env bash
# Manual reproduction (not part of the test suite): run from anywhere, REPO_DIR is a built checkout (npm run build).
# Item 5: 1,030 idle TCP connections from 11 outside addresses (127.0.0.2-12; allow list 127.0.0.1/32), then the
# PBX's TCP call (SIPp from 127.0.0.1) while they are held. Usage: tcp-idle-flood.sh REPO_DIR LABEL [extra yaml for sip]
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$1; label=$2; extra=${3:-}
work=$(mktemp -d /tmp/flood5-$label.XXXX)
cd "$repo"
node bin/parley.js models pull tiny --data-dir "$work" >/dev/null 2>&1 || exit 1
printf 'log: { level: warn }\nagents: { dir: %s/agents }\nsip: { allow: [127.0.0.1/32]%s }\n' "$repo" "$extra" > "$work/parley.yaml"
node bin/parley.js serve --profile tiny --config "$work/parley.yaml" --data-dir "$work" --http 127.0.0.1:28082 --sip 127.0.0.1:25280 2>"$work/stderr.log" &
pid=$!
for i in $(seq 1 120); do curl -sf localhost:28082/readyz >/dev/null && break; sleep 0.5; done
HOLD_MS=20000 node "$here/idle-tcp.mjs" 25280 1030 11 1000 6500 > "$work/idle.txt" &
idle=$!
sleep 2
held=$(ss -tn state established "( sport = :25280 )" | tail -n +2 | wc -l)
echo "[$label] server-side connections held 2 s after the 1,030 opened: $held"
( cd "$work" && sipp 127.0.0.1:25280 -sf "$here/../fixtures/sipp/uac-call-bye.xml" -s agent -i 127.0.0.1 -p 25272 -mp 26202 -t t1 -m 1 -nostdin -timeout 15s -timeout_error -trace_err -error_file err.log >/dev/null 2>&1 ); normal=$?
echo "[$label] PBX TCP call from 127.0.0.1 with them held: exit $normal $( [ $normal = 0 ] && echo OK || (head -c 200 "$work/err.log"; echo; echo FAILED) )"
sleep 5
held=$(ss -tn state established "( sport = :25280 )" | tail -n +2 | wc -l)
echo "[$label] server-side connections held 7 s after: $held"
wait $idle; cat "$work/idle.txt" | sed "s/^/[$label] client: /"
curl -s localhost:28082/metrics | grep -E "^parley_sip_tcp|suppressed" | sed "s/^/[$label] /"
kill -TERM $pid; wait $pid
rm -rf "$work"
