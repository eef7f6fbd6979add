#!/bin/sh
# make demo: genie-mock end to end, as a client sees it. Starts the mock on
# free ports with the default scenario and time running 20x faster, asks one
# question in each space of the first workspace, polls each message to a
# terminal status as a careful client would (1 s, then backing off), reads
# the query results, asks a follow-up, and stops the mock with SIGTERM.
# Needs curl; everything else is POSIX sh.
set -eu

MOCK=${MOCK:-build/genie-mock}
SCALE=${SCALE:-20}
out=$(mktemp)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    rm -f "$out"
}
trap cleanup EXIT INT TERM

"$MOCK" --port 0 --time-scale "$SCALE" --log-level warn >"$out" 2>&1 &
pid=$!
i=0
until grep -q '^workspace' "$out"; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "demo: genie-mock did not start:" >&2
        cat "$out" >&2
        exit 1
    fi
    sleep 0.1
done
sed -n '1,4p' "$out"
url=$(awk '/^workspace/ {print $3; exit}' "$out")
token=$(awk '/^  token/ {print $2; exit}' "$out")

api() { # METHOD PATH [BODY]
    if [ $# -ge 3 ]; then
        curl -sS -m 10 -X "$1" -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' -d "$3" "$url$2"
    else
        curl -sS -m 10 -X "$1" -H "Authorization: Bearer $token" "$url$2"
    fi
}
field() { # KEY: the first string value of KEY in the JSON on stdin
    sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}
number() {
    sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p" | head -n 1
}

# Polls until a terminal status: 1 s, 2 s, 4 s ... of simulated time.
wait_terminal() { # SPACE CONV MSG
    delay=1
    while :; do
        msg=$(api GET "/api/2.0/genie/spaces/$1/conversations/$2/messages/$3")
        status=$(printf '%s' "$msg" | sed -n 's/.*"status":"\([A-Z_]*\)".*/\1/p' | tail -n 1)
        case $status in
        COMPLETED | FAILED | CANCELLED | QUERY_RESULT_EXPIRED) return 0 ;;
        esac
        sleep "$(awk "BEGIN {print $delay / $SCALE}")"
        [ $delay -lt 60 ] && delay=$((delay * 2))
    done
}

# One line on the answer in $msg: SQL title and rows, the error, or the text.
describe() {
    rows=$(printf '%s' "$msg" | number row_count)
    case $status in
    FAILED) detail=$(printf '%s' "$msg" | field type) ;;
    *) if [ -n "$rows" ]; then
           detail="$(printf '%s' "$msg" | field title) ($rows rows)"
       else
           detail=$(printf '%s' "$msg" | field content | tail -n 1 | cut -c1-90)
       fi ;;
    esac
    echo "   -> $status: $detail"
}

spaces=$(api GET /api/2.0/genie/spaces | grep -o '"space_id":"[0-9a-f]*"' | cut -d'"' -f4)
questions="What were total sales by region last month?
Which stores had the most sales this year?
How many shipments were delayed per warehouse?"
n=0
for space in $spaces; do
    n=$((n + 1))
    question=$(printf '%s\n' "$questions" | sed -n "${n}p")
    [ -n "$question" ] || question="How many rows are there?"
    reply=$(api POST "/api/2.0/genie/spaces/$space/start-conversation" "{\"content\":\"$question\"}")
    conv=$(printf '%s' "$reply" | field conversation_id)
    mid=$(printf '%s' "$reply" | field message_id)
    wait_terminal "$space" "$conv" "$mid"
    echo "Q: $question"
    describe
    last_space=$space last_conv=$conv
done

follow="And only for the top one?"
reply=$(api POST "/api/2.0/genie/spaces/$last_space/conversations/$last_conv/messages" \
    "{\"content\":\"$follow\"}")
mid=$(printf '%s' "$reply" | field message_id)
wait_terminal "$last_space" "$last_conv" "$mid"
echo "Q: $follow (follow-up)"
describe

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
echo "genie-mock stopped (exit $rc)"
exit $rc
