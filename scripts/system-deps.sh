#!/usr/bin/env bash
# Install the Debian packages the tests need (Chromium for browser tests, CJK fonts, pdftoppm) when missing.
set -euo pipefail
# `system-deps.sh runtime` installs only what serving needs (CJK fonts for PDF reports).
need=()
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)  # no -q: SIGPIPE + pipefail
if [ "${1:-test}" != "runtime" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "system-deps: missing ${need[*]} and not root; browser tests will be skipped" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
