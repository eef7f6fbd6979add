#!/bin/sh
# make sdk-check: the official Databricks JavaScript SDK, unmodified, against
# genie-mock (tests/sdk/js/genie.mjs). Starts the mock on a free port with the
# "happy" scenario and time running 20x faster, runs the SDK, stops the mock.
set -eu

MOCK=${MOCK:-build/genie-mock}
out=$(mktemp)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    rm -f "$out"
}
trap cleanup EXIT INT TERM

"$MOCK" --scenario happy --port 0 --time-scale 20 --log-level warn >"$out" 2>&1 &
pid=$!
i=0
until grep -q '^workspace' "$out"; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "sdk-check: genie-mock did not start:" >&2
        cat "$out" >&2
        exit 1
    fi
    sleep 0.1
done
GENIE_HOST=$(awk '/^workspace/ {print $3; exit}' "$out")
GENIE_TOKEN=$(awk '/^  token/ {print $2; exit}' "$out")
GENIE_CLIENT_ID=$(awk '/^  client_id/ {print $2; exit}' "$out")
GENIE_CLIENT_SECRET=$(awk '/^  client_id/ {print $4; exit}' "$out")
GENIE_ADMIN_TOKEN=$(awk '/^admin/ {print $4; exit}' "$out")
export GENIE_HOST GENIE_TOKEN GENIE_CLIENT_ID GENIE_CLIENT_SECRET GENIE_ADMIN_TOKEN
# The SDK reads DATABRICKS_* and ~/.databrickscfg too: keep the user's out.
unset DATABRICKS_HOST DATABRICKS_TOKEN DATABRICKS_CLIENT_ID DATABRICKS_CLIENT_SECRET \
    DATABRICKS_CONFIG_PROFILE
export DATABRICKS_CONFIG_FILE=/dev/null

node tests/sdk/js/genie.mjs
