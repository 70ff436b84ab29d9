#!/usr/bin/env bash
# Debian packages the project needs beyond Python: fonts with Vietnamese letters and the
# libraries WeasyPrint renders PDFs with; Chromium too when WITH_BROWSER=true (browser tests).
# Installs what is missing when run as root with apt; otherwise says what to install.
set -euo pipefail
need=()
[ -d /usr/share/fonts/truetype/liberation2 ] || need+=(fonts-liberation2)
for lib in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
           libharfbuzz-subset.so.0:libharfbuzz-subset0; do
  ldconfig -p 2>/dev/null | grep -q "${lib%%:*}" || need+=("${lib##*:}")
done
if [ "${WITH_BROWSER:-}" = "true" ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Thiếu gói hệ thống / missing system packages: sudo apt-get install ${need[*]}" >&2
fi
