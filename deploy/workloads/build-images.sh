#!/usr/bin/env bash
# Builds Baton's workload images on one Docker Engine, from sources in this directory only (no
# registry is needed): baton/busybox:1 (a root filesystem of busybox-static, FROM scratch),
# baton/counter:1 (seed 004's counter), baton/memwork:1 (memwork.c, compiled static) and
# baton/netkv:1 (netkv.c, an HTTP counter and key-value server on port 8080, compiled static).
#
# Usage: build-images.sh DOCKER_HOST      e.g. unix:///var/lib/baton/engines/site-a/docker.sock
set -euo pipefail
export DOCKER_HOST="${1:?usage: build-images.sh DOCKER_HOST}"
here="$(cd "$(dirname "$0")" && pwd)"
# Debian's 20.10 client: its legacy builder needs no buildx plugin.
docker=/usr/bin/docker
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/busybox/rootfs/bin" "$work/busybox/rootfs/usr/bin" "$work/busybox/rootfs/tmp" "$work/busybox/rootfs/data"
cp /bin/busybox "$work/busybox/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$work/busybox/rootfs/bin/$applet"
done
chmod 1777 "$work/busybox/rootfs/tmp"
# Fixed mtimes keep the layer's bytes, hence its diff id, the same on every build.
find "$work/busybox/rootfs" -exec touch -h -d @0 {} +
printf 'FROM scratch\nCOPY rootfs/ /\nCMD ["/bin/sh"]\n' >"$work/busybox/Dockerfile"
$docker build -q -t baton/busybox:1 "$work/busybox"

mkdir -p "$work/memwork"
gcc -static -O2 -o "$work/memwork/memwork" "$here/memwork/memwork.c"
cp "$here/memwork/Dockerfile" "$work/memwork/"
touch -d @0 "$work/memwork/memwork"
$docker build -q -t baton/memwork:1 "$work/memwork"
mkdir -p "$work/netkv"
gcc -static -O2 -o "$work/netkv/netkv" "$here/netkv/netkv.c"
cp "$here/netkv/Dockerfile" "$work/netkv/"
touch -d @0 "$work/netkv/netkv"
$docker build -q -t baton/netkv:1 "$work/netkv"
$docker build -q -t baton/counter:1 "$here/counter"
$docker images --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' | grep '^baton/'
