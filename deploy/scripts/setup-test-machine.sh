#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian 12 machine (run as root), idempotent:
# - JDK 17 and Maven;
# - the standard tools the interop tests drive: a real Mosquitto broker (the MQTT tests start it
#   themselves, one per test class on its own loopback address and port, so they can also stop it
#   to cut clients off), mosquitto_pub/mosquitto_sub, and libcoap's coap-client;
# - headless Chromium for the dashboard test;
# - Docker 20.10 and CRIU 4.2 (proved by a real dump and restore), the site-a and site-b engines
#   and the workload images, for the container tests;
# - skopeo and umoci, with which the runc runtime keeps its own images and bundles (its tests import
#   the workload images from the site-a engine), and openssl, which writes the member key in the
#   form CRIU's TLS (GnuTLS) reads for post-copy page traffic;
# - debootstrap and docker-compose 1.29, and an engine of their own ("compose"), for the test
#   that builds Baton's image and runs deploy/compose on it (ComposeMeshIT).
# The rest is real and needs no setup: the Hazelcast cluster (members bound to loopback addresses
# 127.0.x.y, which Linux routes to lo), Californium CoAP, Vert.x gRPC, Moquette.
#
# Usage: bash deploy/scripts/setup-test-machine.sh && mvn verify      (the README's test command)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need_install=()
command -v java >/dev/null 2>&1 && java -version 2>&1 | grep 'version "17' >/dev/null || need_install+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_install+=(maven)
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || need_install+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need_install+=(mosquitto-clients)
command -v coap-client-notls >/dev/null 2>&1 || command -v coap-client >/dev/null 2>&1 || need_install+=(libcoap3-bin)
command -v python3 >/dev/null 2>&1 || need_install+=(python3-minimal)  # the CRIU self-test's socket server
command -v skopeo >/dev/null 2>&1 || need_install+=(skopeo)
command -v umoci >/dev/null 2>&1 || need_install+=(umoci)
command -v openssl >/dev/null 2>&1 || need_install+=(openssl)
[ -x /usr/sbin/debootstrap ] || need_install+=(debootstrap)
[ -x /usr/bin/docker-compose ] || need_install+=(docker-compose)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "installing: ${need_install[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -q
  apt-get -o DPkg::Lock::Timeout=900 install -y -q "${need_install[@]}"
fi

# CRIU's lazy page server grows a pipe to 4 MiB; without CAP_SYS_RESOURCE (root here lacks it)
# that needs fs.pipe-max-size raised, or post-copy fails at the first fault.
if [ "$(cat /proc/sys/fs/pipe-max-size)" -lt 4194304 ]; then
  sysctl -q -w fs.pipe-max-size=4194304
  echo "fs.pipe-max-size = 4194304" > /etc/sysctl.d/60-baton-lazy-pages.conf
fi

bash "$here/install-chromium.sh"
# Docker and CRIU 4.2 in a prefix, the site-a/site-b engines, the workload images.
bash "$here/setup-docker-sites.sh" site-a site-b
# Its own engine, so that the compose mesh's containers and networks never meet the sites' tests.
bash "$here/docker-engine.sh" start compose

java -version 2>&1 | sed -n 1p
mvn -v 2>&1 | sed -n 1p
echo "mosquitto: $(command -v mosquitto || echo /usr/sbin/mosquitto), coap-client: $(command -v coap-client-notls || command -v coap-client)"
