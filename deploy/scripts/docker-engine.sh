#!/usr/bin/env bash
# Starts or stops one site's Docker Engine beside any other on this machine: its own data root,
# exec root, socket, pid file, config and containerd namespace, experimental on (checkpoints),
# no default bridge and no iptables rules, so two engines never fight over docker0 or NAT rules.
# Most of Baton's containers run with --network none and are reached through exec. A service
# with a port (a networked service) runs on the engine's own user-defined bridge network
# "baton-net", whose subnet and bridge name this script derives from the site (below), and is
# published on 127.0.0.1 by Docker's userland proxy, which works without iptables. start creates
# baton-net; `docker-engine.sh network SITE` creates it on an engine already running (idempotent).
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

# The engine's bridge network for networked services. Engines share this host, so each gets its
# own /24 in 10.213.0.0/16 and its own bridge device: the subnet starts from a hash of the site
# and moves on past any subnet another site under BASE recorded or the host already routes; the
# bridge is bt-SITE (bt-HASH when that exceeds the 15 bytes of an interface name). No masquerade
# and no ip forwarding: a container reaches nothing beyond this host.
ensure_network() {
  local docker="/usr/bin/docker" subnet="" hash bridge taken n
  if DOCKER_HOST="unix://$sock" $docker network inspect baton-net >/dev/null 2>&1; then return 0; fi
  hash="$(printf %s "$site" | cksum | cut -d' ' -f1)"
  bridge="bt-$site"
  [ "${#bridge}" -le 15 ] || bridge="bt-$(printf %x "$hash" | cut -c1-8)"
  [ -f "$dir/network.subnet" ] && subnet="$(cat "$dir/network.subnet")"
  if [ -z "$subnet" ]; then
    taken="$(for f in "$base"/*/network.subnet; do [ -f "$f" ] && [ "$f" != "$dir/network.subnet" ] && cat "$f"; done; { ip -4 route 2>/dev/null || true; } | awk '{print $1}')"
    for i in $(seq 0 253); do
      n=$(( (hash + i) % 254 + 1 ))
      if ! grep -qx "10.213.$n.0/24" <<<"$taken"; then subnet="10.213.$n.0/24"; break; fi
    done
    [ -n "$subnet" ] || { echo "no free /24 in 10.213.0.0/16 for $site" >&2; return 1; }
  fi
  DOCKER_HOST="unix://$sock" $docker network create --driver bridge --subnet "$subnet" \
    -o com.docker.network.bridge.name="$bridge" -o com.docker.network.bridge.enable_ip_masquerade=false \
    --label io.baton.site="$site" baton-net >/dev/null
  echo "$subnet" >"$dir/network.subnet"
  echo "engine $site: network baton-net $subnet on bridge $bridge"
}

case "$action" in
  start)
    if running && [ -S "$sock" ]; then echo "engine $site already running: unix://$sock"; ensure_network; exit 0; fi
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
        ensure_network
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
  network)
    running || { echo "engine $site not running" >&2; exit 1; }
    ensure_network
    ;;
  status)
    if running; then echo "engine $site running: unix://$sock"; else echo "engine $site not running"; exit 1; fi
    ;;
  *) echo "unknown action '$action'" >&2; exit 2 ;;
esac
