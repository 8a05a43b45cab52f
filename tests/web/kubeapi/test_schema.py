"""schema.json is generated from the official client's models; it must match what they say today."""

import json
from pathlib import Path

from web.kubeapi import schema_build


def test_it_is_current_with_the_installed_client() -> None:
    committed = json.loads((Path(schema_build.__file__).parent / "schema.json").read_text())

    assert committed == schema_build.build(), "run: python -m web.kubeapi.schema_build > web/kubeapi/schema.json"
