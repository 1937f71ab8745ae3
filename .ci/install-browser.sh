#!/usr/bin/env bash
# Installs what tests/browser.rs needs when it is missing: Debian's headless-
# capable Chromium and the Noto CJK fonts (so Korean renders in the report).
# Safe to call on every CI run: it does nothing when both are present.
set -euo pipefail

need=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  need+=(chromium)
fi
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed"; then
  need+=(fonts-noto-cjk)
fi
if [ ${#need[@]} -eq 0 ]; then
  echo "install-browser: chromium and fonts-noto-cjk are present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-browser: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
echo "install-browser: done ($(chromium --version 2>/dev/null || chromium-browser --version))"
