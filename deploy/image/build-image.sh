#!/usr/bin/env bash
# Builds Baton's container image on one Docker Engine without pulling anything (no registry is
# reachable here): a Debian bookworm root filesystem from debootstrap --variant=minbase, taken
# from the machine's own Debian mirror, with the Java 17 runtime, imported as a base image; then
# the baton jar on top of it. The base takes minutes, so it is reused when the engine already has
# it; its tag carries a hash of what goes into it, so changing the package list makes a new one.
#
# Usage: build-image.sh DOCKER_HOST [JAR]   (JAR defaults to deploy/target/baton.jar; `mvn package` makes it)
# Environment: BATON_IMAGE (default baton:0.1.0-SNAPSHOT), BATON_DEBIAN_MIRROR (default: the first
# bookworm mirror in /etc/apt/sources.list or sources.list.d).
set -euo pipefail
# debootstrap and chroot live in /usr/sbin, which a non-login PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"
export DOCKER_HOST="${1:?usage: build-image.sh DOCKER_HOST [JAR]}"
here="$(cd "$(dirname "$0")" && pwd)"
jar="${2:-$here/../target/baton.jar}"
image="${BATON_IMAGE:-baton:0.1.0-SNAPSHOT}"
# Debian's 20.10 client: its legacy builder needs no buildx plugin.
docker=/usr/bin/docker
[ -f "$jar" ] || { echo "no jar at $jar: run mvn package first" >&2; exit 2; }

# busybox: its wget is the healthchecks' HTTP client, a megabyte where curl would bring ten.
packages="openjdk-17-jre-headless,busybox"
base="baton/base:bookworm-$(printf '%s' "$packages" | cksum | cut -d' ' -f1)"

# The bookworm mirror apt already uses, in either sources format.
debian_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && awk '/^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print uri; exit } }' "$f"
  done
}

build_base() {
  local mirror rootfs started
  mirror="${BATON_DEBIAN_MIRROR:-$(debian_mirror | head -1)}"
  [ -n "$mirror" ] || { echo "no bookworm mirror in /etc/apt/sources.list*; set BATON_DEBIAN_MIRROR" >&2; return 1; }
  command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install debootstrap" >&2; return 1; }
  rootfs="$work/rootfs"
  started=$SECONDS
  echo "debootstrap bookworm ($packages) from $mirror ..."
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -30 "$work/debootstrap.log" >&2; return 1; }
  echo "debootstrap took $((SECONDS - started)) s"
  # What only a package manager or a reader uses; an image is rebuilt, never upgraded in place.
  rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian "$rootfs"/tmp/*
  tar -C "$rootfs" --numeric-owner -c . | $docker import \
    -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$base" >/dev/null
  echo "base image $base: $($docker image inspect -f '{{.Size}}' "$base" | awk '{printf "%.0f MB", $1 / 1e6}')"
}

work="$(mktemp -d /var/tmp/baton-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if $docker image inspect "$base" >/dev/null 2>&1; then
  echo "base image $base already on $DOCKER_HOST"
else
  build_base
fi

mkdir -p "$work/context"
cp "$here/Dockerfile" "$work/context/"
cp "$jar" "$work/context/baton.jar"
started=$SECONDS
$docker build -q --build-arg BASE="$base" -t "$image" "$work/context" >/dev/null
echo "image $image: $($docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}'), built in $((SECONDS - started)) s"
