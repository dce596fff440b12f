#!/usr/bin/env bash
# Generates SUMO floating-car-data traces and matching site lists for `baton bench predictor`.
#
#   deploy/scripts/sumo-traces.sh OUT_DIR [VEHICLES] [SEED]
#
# Writes, for a grid network (5x5 junctions 200 m apart) and a spider network (6 arms, 4 rings
# 150 m apart): NAME.net.xml, NAME.rou.xml, NAME.fcd.xml (sumo --fcd-output, 1 s steps) and
# NAME.sites.json (site id, x, y, transmit power, path-loss exponent). VEHICLES (default 300)
# vehicles depart over the first VEHICLES seconds on random trips (randomTrips.py, seeded).
# Needs Debian's sumo and sumo-tools packages (netgenerate, duarouter, sumo, randomTrips.py).
set -euo pipefail
out=${1:?usage: sumo-traces.sh OUT_DIR [VEHICLES] [SEED]}
vehicles=${2:-300}
seed=${3:-42}
export SUMO_HOME=${SUMO_HOME:-/usr/share/sumo}
tools=$SUMO_HOME/tools
for tool in netgenerate duarouter sumo; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install sumo sumo-tools" >&2; exit 1; }
done
[ -f "$tools/randomTrips.py" ] || { echo "missing $tools/randomTrips.py: apt-get install sumo-tools" >&2; exit 1; }
mkdir -p "$out"
cd "$out"

netgenerate --grid --grid.number 5 --grid.length 200 --default.lanenumber 1 --default.speed 13.89 \
  --seed "$seed" -o grid.net.xml >/dev/null
netgenerate --spider --spider.arm-number 6 --spider.circle-number 4 --spider.space-radius 150 \
  --default.lanenumber 1 --default.speed 13.89 --seed "$seed" -o spider.net.xml >/dev/null

# Sites: grid sites near every other junction (0, 400, 800 m: 9 sites); spider sites near the
# centre and near each arm at the second ring (300 m), the network centred on (600, 519.62) by
# netgenerate. Each site stands up to JITTER m (default 60) off its junction, seeded: a mast sits on
# a roof, not in the middle of a crossing, and with every site exactly on a junction, a road halfway
# between two sites is equally far from both, so which one wins is decided by the noise alone.
SEED=$seed JITTER=${JITTER:-60} python3 - <<'PY'
import json, math, os, random
rng = random.Random(int(os.environ["SEED"]))
jitter = float(os.environ["JITTER"])
def site(i, x, y):
    x += rng.uniform(-jitter, jitter)
    y += rng.uniform(-jitter, jitter)
    return {"id": "site-%d" % i, "x": round(x, 2), "y": round(y, 2), "txPowerDbm": 20.0, "pathLossExponent": 3.0}
grid = [site(i, x, y) for i, (x, y) in enumerate((x, y) for y in (0, 400, 800) for x in (0, 400, 800))]
cx, cy = 600.0, 519.62
spider = [site(0, cx, cy)] + [site(i + 1, cx + 300 * math.cos(math.radians(60 * i)), cy + 300 * math.sin(math.radians(60 * i)))
                              for i in range(6)]
json.dump(grid, open("grid.sites.json", "w"), indent=1)
json.dump(spider, open("spider.sites.json", "w"), indent=1)
PY

for net in grid spider; do
  python3 "$tools/randomTrips.py" -n $net.net.xml -o $net.trips.xml -r $net.rou.xml --seed "$seed" \
    -b 0 -e "$vehicles" -p 1 --min-distance 600 --fringe-factor 5 --validate >/dev/null
  sumo -n $net.net.xml -r $net.rou.xml --step-length 1 --seed "$seed" --no-step-log --no-warnings \
    --fcd-output $net.fcd.xml >/dev/null
  rm -f $net.trips.xml
  echo "$out/$net.fcd.xml: $(grep -c '<vehicle ' $net.fcd.xml) samples of $(grep -c '<vehicle ' $net.rou.xml) vehicles"
done
