#!/usr/bin/env bash
# Installs Debian's Java runtime (17, headless) for the Nu HTML Checker that
# tests/test_valid_html.py runs, when no java is on the PATH.
set -euo pipefail
if command -v java >/dev/null 2>&1; then
  exit 0
fi
echo "Java is missing: installing Debian's openjdk-17-jre-headless package."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Cannot install Java: not root and no sudo. Install it with: apt-get install openjdk-17-jre-headless" >&2
    exit 1
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
command -v java >/dev/null
