#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine (its own Node may be 20: the pinned Node is installed beside it).
#   scripts/setup.sh          what `npm start` needs: pcscd + vpcd, Chromium, npm packages, the build (dist/app, dist/ui)
#   scripts/setup.sh --test   what `npm test` needs: the above, socat, PostgreSQL (started, test role made)
# Every step checks first and does nothing when the thing is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=start
[ "${1:-}" = "--test" ] && mode=test

log() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root for: $*  (run as root or install sudo)"; return 1; fi
}

# ---- apt packages -----------------------------------------------------------------
apt_packages=(pcscd vsmartcard-vpcd libpcsclite-dev socat chromium fonts-noto-cjk unifont python3 make g++ x11-utils)
# Tests also need: PostgreSQL; gcc (the power-loss test compiles its LD_PRELOAD shim with cc);
# Xvfb and xwd (x11-apps) for the kiosk window tests; cage, which the installed window service
# runs (systemd-analyze verify checks that it exists); coturn, the TURN relay a call between
# two network namespaces goes through.
[ "$mode" = test ] && apt_packages+=(postgresql gcc xvfb x11-apps cage coturn)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing apt packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ---- npm packages -----------------------------------------------------------------
# Native addons are built against the pinned Node (scripts/node.sh); the stamp records which.
node_home=$(bash scripts/node.sh ensure)
node_version=$("$node_home/bin/node" --version)
stamp=node_modules/.setup-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ] ||
   [ "$(cat "$stamp")" != "$node_version" ]; then
  log "installing npm packages for Node $node_version"
  bash scripts/node.sh exec npm ci --no-audit --no-fund
  echo "$node_version" >"$stamp"
fi

# ---- pcscd ------------------------------------------------------------------------
bash scripts/pcscd.sh ensure

# ---- PostgreSQL (tests of the fleet engine) ---------------------------------------
if [ "$mode" = test ]; then
  bash scripts/postgres.sh ensure
fi

# ---- build: compiled runtime (dist/app), kiosk UI (dist/ui), browser pages (dist/pages, dist/panel)
# Production runs compiled JavaScript; each part is rebuilt when one of its sources is newer.
newest_app=$(find kiosk driver shared central hardware-sim scripts/build.ts package.json -type f -newer dist/app/BUILD.json 2>/dev/null | grep -v -e '^kiosk/ui/' -e '^central/pages/' -e '^hardware-sim/panel/' | head -1 || true)
if [ ! -f dist/app/BUILD.json ] || [ -n "$newest_app" ]; then
  log "compiling the runtime into dist/app"
  bash scripts/node.sh exec npx tsx scripts/build.ts --no-ui
fi
if [ -f kiosk/ui/vite.config.ts ]; then
  newest_src=$(find kiosk/ui shared -type f -newer dist/ui/index.html 2>/dev/null | head -1 || true)
  if [ ! -f dist/ui/index.html ] || [ -n "$newest_src" ]; then
    log "building the kiosk UI"
    bash scripts/node.sh exec npx vite build --config kiosk/ui/vite.config.ts --logLevel warn
  fi
fi
# Central's agent console and staff page, and the sim daemon's control panel (TypeScript, Vite).
for page in central/pages:dist/pages/console.html hardware-sim/panel:dist/panel/index.html; do
  src=${page%%:*} built=${page#*:}
  newest_src=$(find "$src" shared -type f -newer "$built" 2>/dev/null | head -1 || true)
  if [ ! -f "$built" ] || [ -n "$newest_src" ]; then
    log "building the browser pages of $src"
    bash scripts/node.sh exec npx vite build --config "$src/vite.config.ts" --logLevel warn
  fi
done
log "ready"
