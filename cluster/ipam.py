"""Pod and node addresses: which IP a new pod gets, which range a new node owns.

On a real cluster the node IPAM controller gives every node a slice of the cluster's pod
network (its `spec.podCIDR`, here `10.244.N.0/24`), and the node's CNI plugin hands each new
pod the lowest free address of that slice. The first address is the node's bridge (the
pods' gateway), so pods start at `.2`. Everything here is pure and deterministic: the same
cluster always gets the same addresses.
"""

import ipaddress
from collections.abc import Iterable

CLUSTER_CIDR = "10.244.0.0/16"
NODE_NETWORK = "10.0.0.0/24"
# Addresses of a node's range a pod never gets: the network address and the bridge.
RESERVED_HOSTS = 1


def lowest_free(pod_cidr: str, used: Iterable[str]) -> str | None:
    """The lowest address of `pod_cidr` a pod may take, or None when the range is full."""
    taken = set(used)
    try:
        hosts = ipaddress.ip_network(pod_cidr, strict=False).hosts()
    except ValueError:
        return None  # a node without a usable range (a learner's hand-written podCIDR) has no IP to give
    for index, address in enumerate(hosts):
        if index >= RESERVED_HOSTS and str(address) not in taken:
            return str(address)
    return None


def lowest_free_index(used: Iterable[int]) -> int:
    """The lowest node index (1, 2, ...) no other node holds."""
    taken = set(used)
    index = 1
    while index in taken:
        index += 1
    return index


def pod_cidr(index: int) -> str:
    """The node with index N owns 10.244.N.0/24."""
    base = ipaddress.ip_network(CLUSTER_CIDR).network_address
    return str(ipaddress.ip_network((int(base) + (index << 8), 24)))


def node_ip(index: int) -> str:
    """The node with index N answers at 10.0.0.N on the machines' network."""
    return str(ipaddress.ip_network(NODE_NETWORK).network_address + index)


def index_of(cidr: str) -> int | None:
    """The node index a `spec.podCIDR` encodes (10.244.3.0/24 -> 3), None if it is not ours."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None
    cluster = ipaddress.ip_network(CLUSTER_CIDR)
    if network.prefixlen != 24 or not network.subnet_of(cluster):  # type: ignore[arg-type]
        return None
    return (int(network.network_address) - int(cluster.network_address)) >> 8
