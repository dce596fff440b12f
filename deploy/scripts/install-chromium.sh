#!/usr/bin/env bash
# Installs the headless browser the dashboard test drives: Debian's chromium and its chromedriver
# (/usr/bin/chromium, /usr/bin/chromedriver). Idempotent.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get -o DPkg::Lock::Timeout=900 install -y -q chromium chromium-driver
