"""Role, ClusterRole, RoleBinding and ClusterRoleBinding: who may do what (RBAC).

A Role lists allowed verbs on resources within one namespace; a ClusterRole does the same
cluster-wide (or for non-resource URLs such as `/healthz`). A RoleBinding grants a role to
users, groups or service accounts in its namespace; a ClusterRoleBinding grants a ClusterRole
everywhere. KubeLab stores and prints them; nothing is enforced yet.
"""

from datetime import datetime
from typing import Any

from cluster.errors import Cause
from cluster.kinds import Kind, plain, register
from cluster.kinds.printing import AGE, NAME, Column, age
from cluster.objects import Obj, name_of
from cluster.validation import object_meta, required, unsupported_value

GROUP = "rbac.authorization.k8s.io"
SUBJECT_KINDS = ["ServiceAccount", "User", "Group"]


def validate_rules(obj: Obj, *, namespaced: bool) -> list[Cause]:
    causes = object_meta(obj, namespaced=namespaced)
    for i, rule in enumerate(obj.get("rules") or []):
        if not isinstance(rule, dict) or not rule.get("verbs"):
            causes.append(required(f"rules[{i}].verbs", "verbs must contain at least one value"))
        elif not rule.get("nonResourceURLs") and not rule.get("apiGroups"):
            causes.append(required(f"rules[{i}].apiGroups", "resource rules must supply at least one api group"))
    return causes


def default_binding(binding: Obj) -> None:
    """Users and groups belong to the RBAC API group, service accounts to the core group."""
    role_ref = binding.setdefault("roleRef", {})
    if isinstance(role_ref, dict):
        role_ref.setdefault("apiGroup", GROUP)
    for subject in binding.get("subjects") or []:
        if isinstance(subject, dict) and not subject.get("apiGroup"):
            subject["apiGroup"] = "" if subject.get("kind") == "ServiceAccount" else GROUP


def validate_binding(binding: Obj, *, namespaced: bool) -> list[Cause]:
    causes = object_meta(binding, namespaced=namespaced)
    role_ref = binding.get("roleRef") or {}
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if role_ref.get("kind") not in kinds:
        causes.append(unsupported_value("roleRef.kind", role_ref.get("kind"), kinds))
    if not role_ref.get("name"):
        causes.append(required("roleRef.name"))
    for i, subject in enumerate(binding.get("subjects") or []):
        causes += validate_subject(subject, f"subjects[{i}]", namespaced=namespaced)
    return causes


def validate_subject(subject: Any, path: str, *, namespaced: bool) -> list[Cause]:
    if not isinstance(subject, dict) or subject.get("kind") not in SUBJECT_KINDS:
        kind = subject.get("kind") if isinstance(subject, dict) else None
        return [unsupported_value(f"{path}.kind", kind, SUBJECT_KINDS)]
    if not subject.get("name"):
        return [required(f"{path}.name")]
    if subject["kind"] == "ServiceAccount" and not namespaced and not subject.get("namespace"):
        return [required(f"{path}.namespace")]
    return []


def subjects_text(binding: Obj) -> tuple[str, str, str]:
    """The wide USERS, GROUPS and SERVICEACCOUNTS cells; service accounts as `namespace:name`."""
    users, groups, accounts = [], [], []
    for subject in binding.get("subjects") or []:
        if subject.get("kind") == "User":
            users.append(subject.get("name", ""))
        elif subject.get("kind") == "Group":
            groups.append(subject.get("name", ""))
        elif subject.get("kind") == "ServiceAccount":
            accounts.append(f"{subject.get('namespace', '')}:{subject.get('name', '')}")
    return ", ".join(users), ", ".join(groups), ", ".join(accounts)


def binding_cells(binding: Obj, now: datetime) -> list[Any]:
    role_ref = binding.get("roleRef") or {}
    return [name_of(binding), f"{role_ref.get('kind', '')}/{role_ref.get('name', '')}", age(binding, now),
            *subjects_text(binding)]


def binding_columns(what: str) -> tuple[Column, ...]:
    return (NAME, Column("Role", description="RoleRef can reference a Role in the current namespace or a ClusterRole "
                         "in the global namespace."), AGE,
            Column("Users", priority=1, description=f"Users in the {what}"),
            Column("Groups", priority=1, description=f"Groups in the {what}"),
            Column("ServiceAccounts", priority=1, description=f"ServiceAccounts in the {what}"))


ROLE = register(Kind(
    group=GROUP, version="v1", kind="Role", plural="roles", has_spec=False,
    validate=lambda role: validate_rules(role, namespaced=True), columns=plain.COLUMNS, cells=plain.cells,
))
CLUSTER_ROLE = register(Kind(
    group=GROUP, version="v1", kind="ClusterRole", plural="clusterroles", namespaced=False, has_spec=False,
    validate=lambda role: validate_rules(role, namespaced=False), columns=plain.COLUMNS, cells=plain.cells,
))
ROLE_BINDING = register(Kind(
    group=GROUP, version="v1", kind="RoleBinding", plural="rolebindings", has_spec=False, default=default_binding,
    validate=lambda binding: validate_binding(binding, namespaced=True), columns=binding_columns("roleBinding"),
    cells=binding_cells,
))
CLUSTER_ROLE_BINDING = register(Kind(
    group=GROUP, version="v1", kind="ClusterRoleBinding", plural="clusterrolebindings", namespaced=False,
    has_spec=False, default=default_binding, validate=lambda binding: validate_binding(binding, namespaced=False),
    columns=binding_columns("clusterRoleBinding"), cells=binding_cells,
))
