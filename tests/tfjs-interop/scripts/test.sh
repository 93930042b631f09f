#!/bin/sh
# The webgl and gpujs backends run in Node on headless-gl, which needs an X
# display: use DISPLAY, else xvfb-run; with neither, fail loudly.
if [ -n "$DISPLAY" ]; then exec vitest run "$@"; fi
if command -v xvfb-run >/dev/null 2>&1; then exec xvfb-run -a vitest run "$@"; fi
echo "tfjs-interop: the webgl and gpujs backends run on headless-gl, which needs an X display; install Xvfb (apt-get install xvfb) or set DISPLAY" >&2
exit 1
