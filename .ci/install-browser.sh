#!/usr/bin/env bash
# Installs what tests/browser.rs needs when it is missing: Debian's Chromium,
# the Noto CJK fonts (so Korean renders in the report), Node.js with npm, and
# Playwright's client library (`playwright-core`, pinned in
# tests/browser/package-lock.json; it drives /usr/bin/chromium and downloads
# no browser of its own). Safe to call on every CI run: it installs only what
# is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  need+=(chromium)
fi
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed"; then
  need+=(fonts-noto-cjk)
fi
if ! command -v node >/dev/null 2>&1; then
  need+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  need+=(npm)
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "install-browser: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
echo "install-browser: $(chromium --version 2>/dev/null || chromium-browser --version), node $(node --version)"

if [ ! -f tests/browser/node_modules/playwright-core/package.json ]; then
  echo "install-browser: npm ci in tests/browser (playwright-core)"
  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
echo "install-browser: playwright-core $(node -p "require('./tests/browser/node_modules/playwright-core/package.json').version")"
