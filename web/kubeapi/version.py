"""`/version` and the health probes: what a client asks before anything else.

kubectl compares the server's minor version with its own and warns about skew beyond one
minor, so KubeLab reports the release of the kubectl it is tested with. The Python client's
VersionInfo model requires all nine fields, as strings.
"""

from typing import Any

from cluster.version import GIT_VERSION, MAJOR, MINOR


def version_info() -> dict[str, Any]:
    return {"major": MAJOR, "minor": MINOR, "emulationMajor": MAJOR, "emulationMinor": MINOR,
            "minCompatibilityMajor": MAJOR, "minCompatibilityMinor": str(int(MINOR) - 1),
            "gitVersion": GIT_VERSION, "gitCommit": "0" * 40, "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.25.0", "compiler": "gc",
            "platform": "linux/amd64"}
