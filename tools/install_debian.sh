#!/usr/bin/env bash
# Install the Debian packages the tests use (never a browser, font or engine downloaded by a library):
#   chromium          the end-to-end browser tests (Playwright drives Debian's Chromium)
#   fonts-dejavu-core the PDF's Unicode font (the app falls back to Helvetica without it)
#   tesseract-ocr     the OCR engine that finds text burned into a film before a copy is kept
#   nginx             the tested reverse-proxy configuration in deploy/
#   nodejs, npm       the real OpenID Connect provider the sign-in tests start on loopback
# Needs root or passwordless sudo; otherwise says so and leaves the tests that need them to skip
# (outside CI) or fail (in CI).
set -uo pipefail
PACKAGES=(chromium fonts-dejavu-core tesseract-ocr nginx)
command -v node >/dev/null && command -v npm >/dev/null || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "install_debian: not root; run 'apt-get install ${missing[*]}' to enable the tests that need them" >&2; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
($SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" \
  || ($SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}")) >&2 \
  || echo "install_debian: apt-get could not install ${missing[*]}" >&2
# nginx's Debian package starts a server on port 80 where it can; the tests run their own on loopback.
command -v systemctl >/dev/null || { [ -x /usr/sbin/nginx ] && /usr/sbin/nginx -s stop 2>/dev/null; }
exit 0
