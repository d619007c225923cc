#!/usr/bin/env bash
# Installs the Nu HTML Checker (vnu-jar from the npm registry, a pinned version) into a
# cache directory outside the checkout, for tests/test_valid_html.py; prints the jar's path.
# Installs Debian's npm first if it is missing. Nothing is written to the project.
set -euo pipefail
VERSION="${ABSHER_VNU_VERSION:-26.9.27}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/absher-web/vnu-jar-$VERSION"
JAR="$CACHE/node_modules/vnu-jar/build/dist/vnu.jar"
if [ -f "$JAR" ]; then
  echo "$JAR"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: installing Debian's npm package." >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "Cannot install npm: not root and no sudo. Install it with: apt-get install npm" >&2
      exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
echo "Installing vnu-jar $VERSION into $CACHE" >&2
mkdir -p "$CACHE"
npm install --prefix "$CACHE" --no-save --no-audit --no-fund --silent "vnu-jar@$VERSION" >&2
[ -f "$JAR" ]
echo "$JAR"
