#!/usr/bin/env bash
# Everything the docker runtime's tests and benchmark need on a fresh Debian machine: Docker and
# CRIU 4 (install-docker.sh), one engine per named site (docker-engine.sh) and the workload images
# built on each (deploy/workloads/build-images.sh).
#
# Usage: setup-docker-sites.sh [SITE...]   (default: site-a site-b, the engines the tests use)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sites=("$@")
[ ${#sites[@]} -gt 0 ] || sites=(site-a site-b)

"$here/install-docker.sh"
for site in "${sites[@]}"; do
  "$here/docker-engine.sh" start "$site"
  "$here/../workloads/build-images.sh" "unix:///var/lib/baton/engines/$site/docker.sock"
done
