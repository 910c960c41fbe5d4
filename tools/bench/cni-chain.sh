#!/bin/bash
# The baseline of the pod-network benchmark: the same CNI plugin chain cria-network runs,
# invoked directly on a fresh netns by a shell script, as an operator would by hand.
# Usage: cni-chain.sh add|del NETNS_NAME CONTAINER_ID BRIDGE SUBNET IPAM_DIR
set -euo pipefail
cmd=$1 ns=$2 id=$3 bridge=$4 subnet=$5 ipam=$6
export CNI_CONTAINERID=$id CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni
head='"cniVersion":"1.0.0","name":"benchnet"'
bridge_conf="{$head,\"type\":\"bridge\",\"bridge\":\"$bridge\",\"isGateway\":true,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"$ipam\",\"ranges\":[[{\"subnet\":\"$subnet\"}]]}"
portmap_conf="{$head,\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"runtimeConfig\":{\"portMappings\":[]}"
if [ "$cmd" = add ]; then
  ip netns add "$ns"
  # cria-network brings lo up as it makes the netns; `ip netns add` leaves it down.
  ip -n "$ns" link set lo up
  export CNI_COMMAND=ADD CNI_NETNS=/run/netns/$ns
  prev=$(/usr/lib/cni/bridge <<<"$bridge_conf}")
  /usr/lib/cni/portmap <<<"$portmap_conf,\"prevResult\":$prev}" >/dev/null
else
  export CNI_COMMAND=DEL CNI_NETNS=/run/netns/$ns
  /usr/lib/cni/portmap <<<"$portmap_conf}" >/dev/null
  /usr/lib/cni/bridge <<<"$bridge_conf}" >/dev/null
  ip netns del "$ns"
fi
