"""pod-template-hash and template equality: stable, short, safe, and blind to how a client spelled the template."""

from cluster.controllers.deployment import hashing
from cluster.objects import copy
from tests.cluster.deployment_builders import new_deployment


def template() -> dict:
    return copy(new_deployment()["spec"]["template"])


def test_it_hashes_the_same_template_to_the_same_short_safe_string() -> None:
    first, again = hashing.compute_hash(template()), hashing.compute_hash(template())

    assert first == again
    assert 1 <= len(first) <= 10 and set(first) <= set(hashing.SAFE_ALPHABET)


def test_it_spells_the_decimal_fnv_digest_with_the_safe_alphabet() -> None:
    # FNV-32a("a") is 3826002220 (the published test vector), spelled digit by digit.
    assert hashing.fnv32a(b"a") == 0xE40C292C
    assert hashing.safe_encode("3826002220") == "7d6b446664"
    assert hashing.safe_encode("0123456789") == "456789bcdf"


def test_it_changes_the_hash_with_the_template_and_the_collision_count() -> None:
    changed = template()
    changed["spec"]["containers"][0]["image"] = "nginx:1.26"

    assert hashing.compute_hash(changed) != hashing.compute_hash(template())
    assert hashing.compute_hash(template(), 1) != hashing.compute_hash(template())


def test_it_hashes_the_normalized_template() -> None:
    """`rollout undo` sends `creationTimestamp: null` and `resources: {}`, and no server defaults."""
    sent = {"metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
                                     "resources": {}}]}}

    assert hashing.compute_hash(sent) == hashing.compute_hash(template())
    assert hashing.equal_ignore_hash(sent, template())


def test_it_ignores_the_hash_label_when_comparing_templates() -> None:
    labelled = template()
    labelled["metadata"]["labels"][hashing.HASH_LABEL] = "5785d45f9"

    assert hashing.equal_ignore_hash(labelled, template())
    assert hashing.compute_hash(labelled) == hashing.compute_hash(template())


def test_it_tells_different_templates_apart() -> None:
    other = template()
    other["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = "2026-01-01T00:00:00Z"

    assert not hashing.equal_ignore_hash(other, template())
