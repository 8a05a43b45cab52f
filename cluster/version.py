"""The Kubernetes release KubeLab's simulated cluster presents itself as.

kubectl warns when the server is more than one minor release away from it, so this follows
the kubectl KubeLab is tested with. The API's `/version` and every kubelet's nodeInfo read it.
"""

MAJOR, MINOR = "1", "37"
GIT_VERSION = f"v{MAJOR}.{MINOR}.0-kubelab"
