#!/usr/bin/env bash
# pcscd lifecycle for development and tests (a production image runs pcscd as a system service).
#   pcscd.sh ensure    start pcscd unless its socket already accepts connections
#   pcscd.sh stop      stop the pcscd this machine runs
#   pcscd.sh restart
set -euo pipefail
sock=/run/pcscd/pcscd.comm
# pcscd lives in /usr/sbin, which a non-login PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

alive() {
  # A killed pcscd leaves the socket file behind: test that it accepts a connection.
  [ -S "$sock" ] && python3 - "$sock" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(1)
s.connect(sys.argv[1])
PY
}

start() {
  if alive; then return 0; fi
  as_root rm -f "$sock" /run/pcscd/pcscd.pid
  as_root mkdir -p /run/pcscd
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    as_root systemctl start pcscd.socket pcscd.service || true
  fi
  if ! alive; then
    # Started with only stdin/stdout/stderr open: a caller's descriptors (the readers' lock that
    # `flock /tmp/kiosk-readers.lock …` hands its command) must not outlive the caller in the daemon,
    # or the lock stays taken for as long as pcscd runs.
    as_root python3 -c 'import subprocess, sys; subprocess.Popen([sys.argv[1], "--foreground"], stdin=subprocess.DEVNULL, stdout=open("/tmp/pcscd.log", "w"), stderr=subprocess.STDOUT, close_fds=True, start_new_session=True)' "$(command -v pcscd)"
  fi
  for _ in $(seq 1 50); do alive && break; sleep 0.1; done
  alive || { echo "[pcscd] did not start; see /tmp/pcscd.log" >&2; exit 1; }
  # vpcd's TCP ports come up with the daemon
  # vpcd listens on 35963 (0x8C7B); look at the socket table rather than connect (a connection is a card)
  for _ in $(seq 1 50); do grep -qi ':8C7B 00000000:0000 0A' /proc/net/tcp && break; sleep 0.1; done
}

stop() {
  as_root pkill -x pcscd 2>/dev/null || true
  for _ in $(seq 1 50); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done
}

case "${1:-ensure}" in
  ensure) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 ensure|stop|restart" >&2; exit 2 ;;
esac
