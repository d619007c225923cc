#!/usr/bin/env bash
# Installs Debian's nginx for tests/test_deploy.py (nginx -t on deploy/nginx/absher.conf,
# then serving through it from a temporary prefix) when it is missing. The tests only run
# the binary; on a machine with systemd, Debian also starts the nginx service on port 80:
# `systemctl disable --now nginx` if you do not want it.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
echo "nginx is missing: installing Debian's nginx package."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Cannot install nginx: not root and no sudo. Install it with: apt-get install nginx" >&2
    exit 1
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null
