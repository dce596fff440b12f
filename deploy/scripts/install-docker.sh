#!/usr/bin/env bash
# Installs what Baton's docker runtime needs on a fresh Debian machine: Debian's Docker Engine
# (docker.io 20.10, checkpoint/restore in experimental mode), busybox-static (the root filesystem
# of the workload images), gcc for the static workload binaries, and CRIU 4.x (install-criu.sh).
# Also makes `/` a shared mount: CRIU's restore of a container fails with "Failed to copy
# sharing" when `/` is private (systemd hosts have it shared already; containers and minimal
# hosts often do not).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need=()
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
# gcc -static needs the static libc.
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || need+=(libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -q
  apt-get -o DPkg::Lock::Timeout=900 install -y -q "${need[@]}"
fi

"$here/install-criu.sh"
mount --make-rshared /
echo "docker: $(/usr/sbin/dockerd --version), criu: $(criu --version | sed -n 1p), / propagation: $(findmnt -no PROPAGATION /)"
