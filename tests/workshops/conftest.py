"""A workshop with its instructor, and participants who joined it (fast, paused sandboxes)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cluster.models import Sandbox
from web.workshops import joining
from web.workshops.models import Participant, Workshop
from web.workshops.roles import make_instructor


@dataclass
class Joined:
    participant: Participant
    client: Client

    @property
    def sandbox(self) -> Sandbox:
        assert self.participant.sandbox is not None
        return self.participant.sandbox

    @property
    def session(self) -> str:
        return str(self.client.cookies["sessionid"].value)


def instructor_named(name: str) -> Any:
    user = get_user_model().objects.create_user(name, password="pw-" + name)
    make_instructor(user)
    return user


@pytest.fixture
def instructor(db: None) -> Any:
    return instructor_named("ada")


@pytest.fixture
def other_instructor(db: None) -> Any:
    return instructor_named("grace")


@pytest.fixture
def workshop(instructor: Any) -> Workshop:
    return Workshop.objects.create(instructor=instructor, title="Kubernetes 101", lessons=["cluster"],
                                   capacity=3, join_code="ABC234")


def join(workshop: Workshop, name: str) -> Joined:
    participant = joining.join(workshop.join_code, name, profile="fast", speed=0)
    client = Client()
    client.force_login(participant.user)
    return Joined(participant, client)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
