#!/bin/sh
# Checks that the libraries geniekit builds against are installed, and installs
# the missing ones with apt-get when run as root on Debian. Anyone else gets the
# exact command to run. `deps.sh fuzz` also checks clang and libFuzzer.
#
# GK_NO_INSTALL=1 turns installing off (the check and the message stay).
set -eu

PKG_CONFIG=${PKG_CONFIG:-pkg-config}

# pkg-config module : Debian package
MODULES="libcjson:libcjson-dev libcurl:libcurl4-openssl-dev
libmicrohttpd:libmicrohttpd-dev openssl:libssl-dev libsodium:libsodium-dev
criterion:libcriterion-dev"

missing=""
have_pc=1
command -v "$PKG_CONFIG" >/dev/null 2>&1 || { have_pc=0; missing="pkg-config"; }
for pair in $MODULES; do
    mod=${pair%%:*}
    deb=${pair#*:}
    if [ $have_pc = 0 ] || ! "$PKG_CONFIG" --exists "$mod"; then
        missing="$missing $deb"
    fi
done

if [ "${1:-}" = demo ] && ! command -v curl >/dev/null 2>&1; then
    missing="$missing curl"
fi

if [ "${1:-}" = sdk ]; then
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi

if [ "${1:-}" = fuzz ]; then
    probe=$(mktemp -d)
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$probe/f.c"
    if ! command -v clang >/dev/null 2>&1; then
        missing="$missing clang libclang-rt-14-dev"
    elif ! clang -fsanitize=fuzzer,address,undefined "$probe/f.c" -o "$probe/f" >/dev/null 2>&1; then
        missing="$missing libclang-rt-14-dev"
    fi
    rm -rf "$probe"
fi

[ -z "$missing" ] && exit 0

missing=$(echo $missing)   # squeeze blanks
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${GK_NO_INSTALL:-}" ]; then
    echo "geniekit: installing $missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends $missing >&2
    exit 0
fi

echo "geniekit: missing build dependencies: $missing" >&2
echo "geniekit: on Debian 12 install them with: sudo apt-get install -y $missing" >&2
exit 1
