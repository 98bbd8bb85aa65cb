#!/bin/sh
# Run before `npm test` (the pretest script): the dashboard's end-to-end tests drive Debian's
# Chromium through playwright-core, which never downloads a browser. On a fresh machine (CI),
# install it with apt; elsewhere, say what to do.
set -eu

CHROMIUM=${FLOWSIGHT_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

echo "pretest: $CHROMIUM is missing; installing Debian's chromium for the dashboard's end-to-end tests" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  SUDO="none"
fi

if [ "$SUDO" != "none" ] && command -v apt-get >/dev/null 2>&1 &&
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2 &&
  [ -x "$CHROMIUM" ]; then
  echo "pretest: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)" >&2
  exit 0
fi

cat >&2 <<MSG
error: cannot install Chromium for the dashboard's end-to-end tests ($CHROMIUM is missing).
hint: install it yourself (Debian/Ubuntu: sudo apt-get install chromium), or point
      FLOWSIGHT_CHROMIUM at a Chromium binary, then run npm test again.
MSG
exit 1
