#!/usr/bin/env bash
# Installs CRIU 4.x into a prefix and a `criu` wrapper on PATH, without touching the machine's own
# apt sources or libc. Debian 12's CRIU 3.17 fails on current kernels ("Unexpected rt vDSO area
# bounds"); Debian 13's CRIU 4.1 works once it runs with its own libraries, so we fetch Debian 13's
# criu package and the libraries it links against through a private apt configuration, unpack them
# into PREFIX and run criu through PREFIX's dynamic loader.
#
# Usage: install-criu.sh [PREFIX] [WRAPPER]   (defaults /opt/baton/criu, /usr/local/bin/criu)
# Idempotent: does nothing when the wrapper already runs a CRIU 4.x that passes `criu check`.
set -euo pipefail

PREFIX="${1:-/opt/baton/criu}"
WRAPPER="${2:-/usr/local/bin/criu}"
MIRROR="${CRIU_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=(criu libc6 libbsd0 libmd0 libgnutls30t64 libnettle8t64 libhogweed6t64 libgmp10 libidn2-0
  libunistring5 libtasn1-6 libp11-kit0 libffi8 libnet1 libnftables1 libmnl0 libnftnl11 libjansson4
  libxtables12 libnl-3-200 libprotobuf-c1 libuuid1)

if [ -x "$WRAPPER" ] && "$WRAPPER" --version 2>/dev/null | grep -q 'Version: 4\.' && "$WRAPPER" check >/dev/null 2>&1; then
  echo "criu: $("$WRAPPER" --version | head -1) already installed at $WRAPPER"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs" "$work/etc/preferences.d"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" >"$work/sources.list"
# A private apt: its own source list, state and cache, so the system's own sources stay as they are.
apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::Etc::preferencesparts=$work/etc/preferences.d"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work" -o "Dir::Cache::archives=$work/archives"
  -o "APT::Get::List-Cleanup=0" -o "Acquire::Retries=5")

for attempt in 1 2 3 4 5; do
  if apt-get "${apt_opts[@]}" update -q; then break; fi
  [ "$attempt" = 5 ] && { echo "apt-get update of Debian 13 lists failed" >&2; exit 1; }
  sleep $((attempt * 5))
done
cd "$work/debs"
for attempt in 1 2 3 4 5; do
  if apt-get "${apt_opts[@]}" download "${PACKAGES[@]}"; then break; fi
  [ "$attempt" = 5 ] && { echo "apt-get download of criu and its libraries failed" >&2; exit 1; }
  sleep $((attempt * 5))
done

rm -rf "$PREFIX.new"
mkdir -p "$PREFIX.new"
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$PREFIX.new"; done
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"

loader="$PREFIX/usr/lib64/ld-linux-x86-64.so.2"
[ -e "$loader" ] || loader="$PREFIX/lib64/ld-linux-x86-64.so.2"
mkdir -p "$(dirname "$WRAPPER")"
cat >"$WRAPPER" <<EOF
#!/bin/sh
# CRIU 4.x from Debian 13, run through its own loader and libraries (see deploy/scripts/install-criu.sh).
exec "$loader" --library-path "$PREFIX/lib/x86_64-linux-gnu:$PREFIX/usr/lib/x86_64-linux-gnu" "$PREFIX/usr/sbin/criu" "\$@"
EOF
chmod 755 "$WRAPPER"
"$WRAPPER" --version
"$WRAPPER" check
