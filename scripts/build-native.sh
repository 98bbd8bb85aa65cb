#!/bin/sh
# Run by `npm ci` / `npm install` (the install script): builds the text parser's native fast path
# (native/text-lines.cc, see src/ingest/parse/native.ts) with node-gyp, which npm provides and
# points at Node's headers. Without g++, make or python3 the build fails and flowsight falls back
# to its JavaScript parser (same results, ingest about 1.3x slower): the install goes on, saying so.
# The test suite requires the addon (native.test.ts), so CI notices a build that stopped working.
set -u

if node-gyp rebuild --silent >/tmp/flowsight-node-gyp.log 2>&1 || node-gyp rebuild --silent --nodedir=/usr >>/tmp/flowsight-node-gyp.log 2>&1; then
  exit 0
fi
echo "flowsight: the native text parser did not build (it needs g++, make and python3; log: /tmp/flowsight-node-gyp.log)." >&2
echo "flowsight: ingest will use the JavaScript parser: same results, slower. Install a compiler and run 'npm rebuild flowsight' (or 'npm ci') to build it." >&2
tail -5 /tmp/flowsight-node-gyp.log >&2
exit 0
