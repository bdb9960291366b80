#!/usr/bin/env bash
# Manual reproduction (not part of the test suite): run from anywhere, REPO_DIR is a built checkout (npm run build).
# Item 4 flood: 43 INVITE/s for 30 s from 127.0.0.2 that never ACK, against `parley serve --profile tiny`
# (calls.maxCalls 50, RTP ports 20000-20999 = 500), a normal SIPp call from 127.0.0.1 at t=15 s.
# Usage: invite-flood.sh REPO_DIR LABEL
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$1; label=$2
work=$(mktemp -d /tmp/flood4-$label.XXXX)
cd "$repo"
node bin/parley.js models pull tiny --data-dir "$work" >/dev/null 2>&1 || { echo "pull failed"; exit 1; }
printf 'log: { level: info }\nagents: { dir: %s/agents }\n' "$repo" > "$work/parley.yaml"
sipport=25080
node bin/parley.js serve --profile tiny --config "$work/parley.yaml" --data-dir "$work" --http 127.0.0.1:28080 --sip 127.0.0.1:$sipport 2>"$work/stderr.log" &
pid=$!
for i in $(seq 1 120); do curl -sf localhost:28080/readyz >/dev/null && break; sleep 0.5; done
echo "[$label] ready; pid $pid"
ports_in_use() { ss -uanp 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | awk -F: '$NF>=20000 && $NF<=20999' | wc -l; }
sample() { while kill -0 $pid 2>/dev/null; do echo "$(date +%s.%N) $(ports_in_use)"; sleep 0.5; done; }
sample > "$work/ports.txt" &
sampler=$!
lines_before=$(wc -l < "$work/stderr.log")
( cd "$work" && sipp 127.0.0.1:$sipport -sf "$here/../fixtures/sipp/uac-invite-no-ack.xml" -s agent -i 127.0.0.2 -p 25070 -mp 26000 -r 43 -m 1290 -nostdin -timeout 60s -trace_stat -stf flood-stats.csv -fd 1 >/dev/null 2>&1 ) &
flood=$!
sleep 15
( cd "$work" && sipp 127.0.0.1:$sipport -sf "$here/../fixtures/sipp/uac-call-bye.xml" -s agent -i 127.0.0.1 -p 25072 -mp 26002 -m 1 -nostdin -timeout 15s -timeout_error -trace_err -error_file normal-err.log >/dev/null 2>&1 ); normal=$?
curl -s localhost:28080/metrics > "$work/metrics-mid.txt"
wait $flood
sleep 1
lines_after=$(wc -l < "$work/stderr.log")
kill $sampler 2>/dev/null
echo "[$label] normal call during the flood: exit $normal $( [ $normal = 0 ] && echo OK || (head -c 300 "$work/normal-err.log" 2>/dev/null; echo FAILED) )"
echo "[$label] peak RTP ports bound by parley: $(awk '{print $2}' "$work/ports.txt" | sort -n | tail -1) of 500"
st="$work/flood-stats.csv"
echo "[$label] flood (SIPp): $(tail -1 "$st" | awk -F';' -v h="$(head -1 "$st")" 'BEGIN{} {n=split(h,H,";"); for(i=1;i<=n;i++){ if(H[i]=="TotalCallCreated"||H[i]=="SuccessfulCall(C)"||H[i]=="FailedCall(C)") printf "%s=%s ", H[i], $i }}')"
echo "[$label] log lines during the flood: $((lines_after - lines_before)); by message:"
tail -n +$((lines_before+1)) "$work/stderr.log" | grep -o '"msg":"[^"]*"' | sort | uniq -c | sort -rn | head -6
grep -E "^parley_(calls_active|calls_slots_used|rtp_ports_in_use|sip_unacknowledged_dialogs|log_lines_suppressed_total)" "$work/metrics-mid.txt" | head
kill -TERM $pid; wait $pid; echo "[$label] exit $?"
rm -rf "$work"
