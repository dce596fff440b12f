#!/usr/bin/env bash
# Starts or stops one site's Docker Engine beside any other on this machine: its own data root,
# exec root, socket, pid file, config and containerd namespace, experimental on (checkpoints),
# no bridge and no iptables rules (Baton's containers run with --network none and are reached
# through exec, so two engines never fight over docker0 or NAT rules).
#
# Usage: docker-engine.sh start|stop|status SITE [BASE]   (BASE defaults to /var/lib/baton/engines)
# The engine of SITE listens on unix://BASE/SITE/docker.sock; its data root is BASE/SITE/data.
# BATON_ENGINE_PATH, when set, goes in front of the engine's PATH: the fault tests put a `criu`
# that hangs there, so that one engine's checkpoints and restores get stuck as a broken CRIU's do.
set -euo pipefail

action="${1:?usage: docker-engine.sh start|stop|status SITE [BASE]}"
site="${2:?site id missing}"
base="${3:-/var/lib/baton/engines}"
case "$site" in *[!a-zA-Z0-9._-]*|'') echo "bad site id '$site'" >&2; exit 2 ;; esac

dir="$base/$site"
sock="$dir/docker.sock"
pidfile="$dir/dockerd.pid"
# The exec root holds runtime sockets whose paths must stay short (unix sockets: 108 bytes).
execroot="/run/baton-$site"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "$action" in
  start)
    if running && [ -S "$sock" ]; then echo "engine $site already running: unix://$sock"; exit 0; fi
    mkdir -p "$dir/data" "$execroot"
    cat >"$dir/daemon.json" <<JSON
{
  "experimental": true,
  "bridge": "none",
  "iptables": false,
  "ip-forward": false,
  "ip-masq": false,
  "storage-driver": "overlay2",
  "log-driver": "json-file"
}
JSON
    PATH="${BATON_ENGINE_PATH:+$BATON_ENGINE_PATH:}/usr/local/bin:$PATH" setsid /usr/sbin/dockerd \
      --config-file "$dir/daemon.json" --data-root "$dir/data" --exec-root "$execroot" \
      -H "unix://$sock" --pidfile "$pidfile" \
      --containerd-namespace "baton-$site" --containerd-plugins-namespace "baton-$site-plugins" \
      >"$dir/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 120); do
      if [ -S "$sock" ] && DOCKER_HOST="unix://$sock" /usr/bin/docker info >/dev/null 2>&1; then
        echo "engine $site: unix://$sock (data root $dir/data)"
        exit 0
      fi
      sleep 0.5
    done
    echo "engine $site did not come up; log:" >&2
    tail -30 "$dir/dockerd.log" >&2
    exit 1
    ;;
  stop)
    if running; then
      pid="$(cat "$pidfile")"
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    echo "engine $site stopped"
    ;;
  status)
    if running; then echo "engine $site running: unix://$sock"; else echo "engine $site not running"; exit 1; fi
    ;;
  *) echo "unknown action '$action'" >&2; exit 2 ;;
esac
