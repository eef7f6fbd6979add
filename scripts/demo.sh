#!/bin/sh
# make demo: the main job end to end. Starts genie-mock on free ports with
# the default scenario and time running 60x faster, then genie-gen against
# both of its workspaces (the first with its developer PAT, the second with
# OAuth machine-to-machine): 3 spaces each, 2 conversations per space, 1 to
# 2 follow-ups each, at 4 questions per minute per workspace. Prints the
# summary and where the records are (build/demo/), stops the mock, and fails
# if the mock's client report found genie-gen misbehaving (--strict).
set -eu

MOCK=${MOCK:-build/genie-mock}
GEN=${GEN:-build/genie-gen}
SCALE=${SCALE:-60}
dir=${DEMO_DIR:-build/demo} # kept after the run: the records are the point
rm -rf "$dir"
mkdir -p "$dir"
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$MOCK" --port 0 --time-scale "$SCALE" --log-level warn --strict >"$dir/mock.out" 2>&1 &
pid=$!
i=0
until [ "$(grep -c '^workspace' "$dir/mock.out")" -ge 2 ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "demo: genie-mock did not start:" >&2
        cat "$dir/mock.out" >&2
        exit 1
    fi
    sleep 0.1
done
sed -n '1p;3,4p' "$dir/mock.out"

# The two workspaces as genie-mock printed them.
awk -v q='"' '
    /^workspace/ { n++; id[n] = $2; url[n] = $3 }
    /^  token/ && !tok[n] { tok[n] = $2 }
    /^  client_id/ && !cid[n] { cid[n] = $2; sec[n] = $4 }
    END {
        printf "{\"workspaces\": [\n"
        printf "  {\"workspace_id\": %s%s%s, \"host\": %s%s%s, \"token\": %s%s%s},\n", q, id[1], q, q, url[1], q, q, tok[1], q
        printf "  {\"workspace_id\": %s%s%s, \"host\": %s%s%s, \"client_id\": %s%s%s, \"client_secret\": %s%s%s}\n", q, id[2], q, q, url[2], q, q, cid[2], q, q, sec[2], q
        printf "]}\n"
    }' "$dir/mock.out" >"$dir/gen.json"

echo
echo "genie-gen: 2 workspaces x 3 spaces x 2 conversations x 1-2 follow-ups, 4 questions/min/workspace"
"$GEN" --config "$dir/gen.json" --time-scale "$SCALE" --conversations 2 \
    --follow-ups-min 1 --follow-ups-max 2 --rate 4 --seed 7 \
    --output "$dir/records.jsonl" --summary "$dir/summary.json"
echo
echo "records: $(wc -l <"$dir/records.jsonl") lines in $dir/records.jsonl, summary in $dir/summary.json"
echo "first record:"
head -n 1 "$dir/records.jsonl" | cut -c1-300

kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=
echo
sed -n '/client report/,$p' "$dir/mock.out" | head -n 12
echo "genie-mock stopped (exit $rc)"
exit $rc
