"""A lesson's sandbox: fresh for each learner, built from the lesson's scene, the same for everyone.

Names are deterministic inside the sandbox (node-1..node-N, the manifests' own names, and
generated names seeded by the sandbox's resourceVersion), so every learner sees the same
scene; only the sandbox's own name carries a short random part, `l-<lesson>-<6 hex>`.
"""

import secrets

from cluster import reconcile, sandboxes
from cluster.models import Sandbox
from web.learn import actions
from web.learn.lessons import Action, Lesson

NAME_LIMIT = 63  # a sandbox name is a DNS label


def sandbox_name(lesson: Lesson) -> str:
    suffix = secrets.token_hex(3)
    return f"l-{lesson.id[:NAME_LIMIT - 9].rstrip('-')}-{suffix}"


def start(lesson: Lesson, name: str | None = None, *, profile: str | None = None,
          speed: float | None = None) -> Sandbox:
    """A new sandbox with the scene applied and reconciled, and the first step's setup done.

    Tests pass `profile="fast", speed=0` for a paused clock and no delays.
    """
    scene = lesson.scene
    sandbox = sandboxes.create(name or sandbox_name(lesson), nodes=scene.nodes, profile=profile or scene.profile,
                               speed=scene.speed if speed is None else speed, node_cpu=scene.node_cpu,
                               node_memory=scene.node_memory)
    actions.run_all(sandbox, lesson, tuple(Action("apply", {"file": m}) for m in scene.manifests))
    reconcile.run(sandbox.pk)
    actions.run_all(sandbox, lesson, lesson.steps[0].setup)
    return sandbox
