#!/usr/bin/env bash
# Install Debian's chromium for the end-to-end browser test (Playwright drives it; it never downloads
# a browser of its own). Needs root or passwordless sudo; otherwise says so and leaves the test to skip
# (outside CI) or fail (in CI).
set -uo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "install_chromium: not root; run 'apt-get install chromium' to enable the browser test" >&2; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
($SUDO apt-get install -y -q chromium || ($SUDO apt-get update -q && $SUDO apt-get install -y -q chromium)) >&2 \
  || echo "install_chromium: apt-get could not install chromium" >&2
exit 0
