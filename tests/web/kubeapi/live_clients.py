"""What the real-client tests share: a live sandbox and a kubeconfig pointing kubectl at it."""

from dataclasses import dataclass
from pathlib import Path

from cluster import sandboxes
from cluster.models import Profile, Sandbox
from tests.live.harness import LiveCluster


@dataclass
class Target:
    sandbox: Sandbox
    server: str
    kubeconfig: Path


def kubeconfig(path: Path, server: str) -> Path:
    """kubectl over http sends no token, so the sandbox token rides in the server URL."""
    path.write_text(f"""apiVersion: v1
kind: Config
clusters: [{{name: kubelab, cluster: {{server: "{server}"}}}}]
users: [{{name: learner, user: {{}}}}]
contexts: [{{name: kubelab, context: {{cluster: kubelab, user: learner, namespace: default}}}}]
current-context: kubelab
""")
    return path


def live_sandbox(live: LiveCluster, directory: Path, token: str | None = None) -> Target:
    sandbox = sandboxes.create("live", nodes=2, profile=Profile.FAST, speed=0)
    server = f"{live.url}/k8s/{token or sandbox.token}"
    return Target(sandbox, server, kubeconfig(directory / "kubeconfig", server))
