#!/usr/bin/env bash
# Makes the Secrets the manifests reference, from a directory `baton credentials` wrote:
#   secrets.sh CREDENTIALS_DIR [NAMESPACE]
# The directory's private/ (the authorities' keys) never leaves the machine: nothing here reads it.
#   baton-cluster    cluster-ca.crt.pem, client-ca.crt.pem, mesh.secret, operator.token (every member)
#   baton-broker     members/broker.{crt,key}.pem
#   baton-predictor  members/predictor.{crt,key}.pem
#   baton-agents     members/SITE.{crt,key}.pem for every other member (SITE = a node's name)
# Re-running replaces them (kubectl apply); restart the pods to load new ones (the cluster files
# are mounted by subPath, which does not follow updates).
set -euo pipefail
dir=${1:?usage: secrets.sh CREDENTIALS_DIR [NAMESPACE]}
ns=${2:-baton}
apply() { kubectl create secret generic "$@" --namespace "$ns" --dry-run=client -o yaml | kubectl apply -f -; }

apply baton-cluster \
  --from-file="$dir/cluster-ca.crt.pem" --from-file="$dir/client-ca.crt.pem" \
  --from-file="$dir/mesh.secret" --from-file="$dir/operator.token"
apply baton-broker --from-file="$dir/members/broker.crt.pem" --from-file="$dir/members/broker.key.pem"
apply baton-predictor --from-file="$dir/members/predictor.crt.pem" --from-file="$dir/members/predictor.key.pem"
sites=()
for crt in "$dir"/members/*.crt.pem; do
  name=$(basename "$crt" .crt.pem)
  case "$name" in broker | predictor | operator) continue ;; esac
  sites+=(--from-file="$crt" --from-file="$dir/members/$name.key.pem")
done
apply baton-agents "${sites[@]}"
