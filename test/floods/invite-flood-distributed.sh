#!/usr/bin/env bash
# Manual reproduction (not part of the test suite).
# Item 4, distributed: 8 allowed sources (127.0.0.2-9) at 10 INVITE/s each for 20 s, never ACKing, against
# `parley serve --profile tiny` (calls.maxCalls 50); samples slots and RTP ports from /metrics every 0.25 s.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$1; label=$2
work=$(mktemp -d /tmp/flood4m-$label.XXXX)
cd "$repo"
node bin/parley.js models pull tiny --data-dir "$work" >/dev/null 2>&1 || exit 1
printf 'log: { level: warn }\nagents: { dir: %s/agents }\n' "$repo" > "$work/parley.yaml"
node bin/parley.js serve --profile tiny --config "$work/parley.yaml" --data-dir "$work" --http 127.0.0.1:28081 --sip 127.0.0.1:25180 2>"$work/stderr.log" &
pid=$!
for i in $(seq 1 120); do curl -sf localhost:28081/readyz >/dev/null && break; sleep 0.5; done
( while kill -0 $pid 2>/dev/null; do curl -s localhost:28081/metrics | grep -E "^parley_(calls_slots_used|rtp_ports_in_use|sip_unacknowledged_dialogs) " | tr '\n' ' '; echo; sleep 0.25; done ) > "$work/samples.txt" &
sampler=$!
floods=()
for n in 2 3 4 5 6 7 8 9; do
  ( cd "$work" && sipp 127.0.0.1:25180 -sf "$here/../fixtures/sipp/uac-invite-no-ack.xml" -s agent -i 127.0.0.$n -p 25190 -mp 26100 -r 10 -m 200 -nostdin -timeout 40s >/dev/null 2>&1 ) &
  floods+=($!)
done
sleep 10
wait "${floods[@]}"
kill $sampler
echo "[$label] peak parley_calls_slots_used: $(grep -o 'parley_calls_slots_used [0-9]*' "$work/samples.txt" | awk '{print $2}' | sort -n | tail -1) (maxCalls 50)"
echo "[$label] peak parley_rtp_ports_in_use: $(grep -o 'parley_rtp_ports_in_use [0-9]*' "$work/samples.txt" | awk '{print $2}' | sort -n | tail -1) of 500"
echo "[$label] peak parley_sip_unacknowledged_dialogs: $(grep -o 'parley_sip_unacknowledged_dialogs [0-9]*' "$work/samples.txt" | awk '{print $2}' | sort -n | tail -1)"
kill -TERM $pid; wait $pid
rm -rf "$work"
