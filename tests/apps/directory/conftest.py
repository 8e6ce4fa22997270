from __future__ import annotations

from pathlib import Path

import pytest

HSDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "hsds-3.0"


@pytest.fixture
def hsds_spec() -> Path:
    if not (HSDS / "schema" / "service.json").is_file():
        pytest.skip(f"the HSDS 3.0 specification is not at {HSDS.resolve()} (../shared/data)")
    return HSDS


@pytest.fixture
def directory(db):
    from passgenau.apps.directory.models import Directory

    return Directory.objects.create(name="Salzgitter", slug="salzgitter")
