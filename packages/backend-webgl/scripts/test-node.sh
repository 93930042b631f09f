#!/bin/sh
# The 'node' test project runs the backend on headless-gl (the optional 'gl'
# package), which makes a context only when an X display exists. Use the
# current DISPLAY, else a virtual one from xvfb-run; with neither, fail
# loudly (never skip the project silently).
if [ -n "$DISPLAY" ]; then
  exec vitest run --project node "$@"
fi
if command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a vitest run --project node "$@"
fi
echo "backend-webgl: the 'node' test project runs WebGL on headless-gl, which needs an X display." >&2
echo "Install Xvfb (apt-get install xvfb, which provides xvfb-run) or set DISPLAY, then run npm test again." >&2
exit 1
