#!/usr/bin/env bash
# Installs a pinned CRIU (4.2.1 from Debian unstable) into a prefix and a `criu` wrapper on PATH,
# without touching the machine's own apt sources or libc, then proves it with a real dump and
# restore.
#
# Why this version: on kernel 6.18 Debian 12's CRIU 3.17 fails ("Unexpected rt vDSO area bounds")
# and Debian 13's CRIU 4.1.1 passes `criu check` but hangs in every dump. CRIU 4.2.1 dumps and
# restores here, listening sockets included. It needs a newer libc than Debian 12's, so the
# package and the libraries it links against are fetched through a private apt configuration,
# unpacked into PREFIX and run through PREFIX's own dynamic loader.
#
# Why the self-test is a dump and not `criu check`: `criu check` says "Looks good" where dumps
# hang. The self-test dumps and restores a throwaway process and one holding a listening TCP
# socket, each under a timeout; when it fails the script says so in one line and exits non-zero.
#
# Usage: install-criu.sh [PREFIX] [WRAPPER]       (defaults /opt/baton/criu, /usr/local/bin/criu)
#        install-criu.sh --self-test [WRAPPER]    (only the dump/restore test of an installed criu)
# Environment: CRIU_VERSION (default 4.2.1-1), CRIU_SUITE (default sid), CRIU_DEBIAN_MIRROR,
#              CRIU_SELFTEST_TIMEOUT (seconds per criu call, default 30).
# Idempotent: does nothing but the self-test when the wrapper already runs the pinned version.
set -euo pipefail

CRIU_VERSION="${CRIU_VERSION:-4.2.1-1}"
SUITE="${CRIU_SUITE:-sid}"
MIRROR="${CRIU_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
STEP_TIMEOUT="${CRIU_SELFTEST_TIMEOUT:-30}"
# criu's own library and the shared libraries it (and they) link against, as Debian unstable
# names them; checked after unpacking: any library the loader cannot find in PREFIX fails the
# install instead of being picked up from the host.
LIBRARIES=(libcompel1 libc6 libbsd0 libmd0 libgnutls30t64 libnettle8t64 libhogweed6t64 libgmp10
  libidn2-0 libunistring5 libtasn1-6 libp11-kit0 libffi8 libnet9 libnftables1 libmnl0 libnftnl11
  libjansson4 libxtables12 libnl-3-200 libprotobuf-c1 libuuid1)

fail() { echo "install-criu: $*" >&2; exit 1; }

# A real dump and restore, each criu call under a timeout, of (1) a sleeping process and (2) a
# process serving a listening TCP socket, which must answer again after its restore.
self_test() {
  local criu="$1" dir pid port reply
  command -v python3 >/dev/null 2>&1 || fail "self-test needs python3 (apt-get install python3-minimal)"
  dir="$(mktemp -d /tmp/criu-selftest.XXXXXX)"
  local pids=()
  cleanup_test() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
  trap cleanup_test RETURN

  setsid sleep 600 </dev/null >/dev/null 2>&1 &
  pid=$!; pids+=("$pid"); disown "$pid"
  mkdir -p "$dir/sleep"
  timeout -k 5 "$STEP_TIMEOUT" "$criu" dump -t "$pid" -D "$dir/sleep" -o dump.log \
    || { echo "criu self-test FAILED: dump of a sleeping process did not finish within ${STEP_TIMEOUT}s or failed ($(tail -1 "$dir/sleep/dump.log" 2>/dev/null))" >&2; return 1; }
  timeout -k 5 "$STEP_TIMEOUT" "$criu" restore -d -D "$dir/sleep" -o restore.log --pidfile "$dir/sleep/pid" \
    || { echo "criu self-test FAILED: restore of a sleeping process ($(tail -1 "$dir/sleep/restore.log" 2>/dev/null))" >&2; return 1; }
  pids+=("$(cat "$dir/sleep/pid")")
  kill -0 "$(cat "$dir/sleep/pid")" 2>/dev/null || { echo "criu self-test FAILED: restored sleeping process is not running" >&2; return 1; }

  # A tiny TCP server: answers each connection with "pong N", N counting across the restore.
  port=$((20000 + RANDOM % 20000))
  mkdir -p "$dir/sock"
  setsid python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); n = 0
while True:
    c, _ = s.accept(); n += 1; c.sendall(b"pong %d\n" % n); c.close()
' "$port" </dev/null >/dev/null 2>&1 &
  pid=$!; pids+=("$pid"); disown "$pid"
  ask() { python3 -c '
import socket, sys
for _ in range(50):
    try:
        c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2); print(c.recv(64).decode().strip()); break
    except OSError:
        import time; time.sleep(0.1)
' "$port"; }
  reply="$(ask)"
  [ "$reply" = "pong 1" ] || { echo "criu self-test FAILED: test server did not answer before the dump ('$reply')" >&2; return 1; }
  timeout -k 5 "$STEP_TIMEOUT" "$criu" dump -t "$pid" -D "$dir/sock" -o dump.log \
    || { echo "criu self-test FAILED: dump of a process with a listening socket did not finish within ${STEP_TIMEOUT}s or failed ($(tail -1 "$dir/sock/dump.log" 2>/dev/null))" >&2; return 1; }
  timeout -k 5 "$STEP_TIMEOUT" "$criu" restore -d -D "$dir/sock" -o restore.log --pidfile "$dir/sock/pid" \
    || { echo "criu self-test FAILED: restore of a process with a listening socket ($(tail -1 "$dir/sock/restore.log" 2>/dev/null))" >&2; return 1; }
  pids+=("$(cat "$dir/sock/pid")")
  reply="$(ask)"
  [ "$reply" = "pong 2" ] || { echo "criu self-test FAILED: restored server answered '$reply', expected 'pong 2'" >&2; return 1; }
  echo "criu self-test passed: $("$criu" --version | sed -n 1p), dump+restore of a process and of a listening socket"
}

if [ "${1:-}" = "--self-test" ]; then
  self_test "${2:-/usr/local/bin/criu}" || exit 1
  exit 0
fi

PREFIX="${1:-/opt/baton/criu}"
WRAPPER="${2:-/usr/local/bin/criu}"
wanted="${CRIU_VERSION%%-*}"

if [ -x "$WRAPPER" ] && "$WRAPPER" --version 2>/dev/null | grep -x "Version: $wanted" >/dev/null; then
  echo "criu: $wanted already installed at $WRAPPER"
  self_test "$WRAPPER" || exit 1
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs" "$work/etc/preferences.d"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" >"$work/sources.list"
# A private apt: its own source list, state and cache, so the system's own sources stay as they are.
apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::Etc::preferencesparts=$work/etc/preferences.d"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work" -o "Dir::Cache::archives=$work/archives"
  -o "APT::Get::List-Cleanup=0" -o "Acquire::Retries=5")

retry() {
  local what="$1"; shift
  for attempt in 1 2 3 4 5; do
    if "$@"; then return 0; fi
    [ "$attempt" = 5 ] && fail "$what failed"
    sleep $((attempt * 5))
  done
}
retry "apt-get update of Debian $SUITE lists" apt-get "${apt_opts[@]}" update -q
# The pin: criu and libcompel at exactly CRIU_VERSION. Debian unstable moves on; when the pinned
# version has left the mirror the install stops here with the versions it does offer, rather than
# silently installing an untested CRIU.
if ! apt-cache "${apt_opts[@]}" madison criu | awk '{print $3}' | grep -x "$CRIU_VERSION" >/dev/null; then
  fail "criu $CRIU_VERSION is not in Debian $SUITE any more (it offers: $(apt-cache "${apt_opts[@]}" madison criu | awk '{print $3}' | tr '\n' ' ')); set CRIU_VERSION to one of them"
fi
cd "$work/debs"
retry "apt-get download of criu $CRIU_VERSION and its libraries" \
  apt-get "${apt_opts[@]}" download "criu=$CRIU_VERSION" "libcompel1=$CRIU_VERSION" "${LIBRARIES[@]:1}"

rm -rf "$PREFIX.new"
mkdir -p "$PREFIX.new"
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$PREFIX.new"; done

loader="$PREFIX/usr/lib64/ld-linux-x86-64.so.2"
[ -e "$PREFIX.new/usr/lib64/ld-linux-x86-64.so.2" ] || loader="$PREFIX/lib64/ld-linux-x86-64.so.2"
libpath="$PREFIX/lib/x86_64-linux-gnu:$PREFIX/usr/lib/x86_64-linux-gnu"
# Every library must come from the prefix: one found on the host (or not at all) means the list
# above is missing a package.
stray="$("${loader/$PREFIX/$PREFIX.new}" --library-path "${libpath//$PREFIX/$PREFIX.new}" --list "$PREFIX.new/usr/sbin/criu" \
  | grep -v -e "$PREFIX.new" -e linux-vdso || true)"
[ -z "$stray" ] || fail "criu links libraries outside its prefix: $stray"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"

mkdir -p "$(dirname "$WRAPPER")"
cat >"$WRAPPER" <<EOF
#!/bin/sh
# CRIU $CRIU_VERSION from Debian $SUITE, run through its own loader and libraries (see deploy/scripts/install-criu.sh).
exec "$loader" --library-path "$libpath" "$PREFIX/usr/sbin/criu" "\$@"
EOF
chmod 755 "$WRAPPER"
"$WRAPPER" --version | sed -n 1p
self_test "$WRAPPER" || exit 1
