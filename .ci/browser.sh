#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver (the browser test of the dashboards, tests/test_bi.py) and a CJK font
# for its screenshots, installed when missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "missing ${missing[*]} and not root: the browser test will skip" >&2; exit 0; fi
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
