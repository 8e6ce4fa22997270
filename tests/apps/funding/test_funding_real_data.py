"""The calculator on the territories as imported from the official Destatis directory."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from passgenau.apps.funding import services

REPO = Path(__file__).resolve().parents[3]
GV_FILE = REPO.parent / "shared" / "data" / "destatis-gv-auszug-gemeinden.csv"

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def imported():
    if not GV_FILE.exists():
        pytest.skip(f"real data not available: {GV_FILE} (needs ../shared/data)")
    from passgenau.apps.territories.services import territories_import

    territories_import(path=GV_FILE)


def _inputs(**fields) -> services.CalculatorInput:
    base = dict(
        key_year=None,
        method="largest-remainder",
        ties="order",
        seed=None,
        unit="eur",
        amount=Decimal("8000000.00"),
    )
    return services.CalculatorInput(**{**base, **fields})


def test_imported_directory_bw_kreise_and_nrw_gemeinden(imported) -> None:
    # Baden-Württemberg: 44 Stadt- und Landkreise, populations summed from their Gemeinden.
    bw = services.distribution_compute(
        inputs=_inputs(level="kreis", land_key="08", key_kind="population")
    )
    assert len(bw.lines) == 44
    assert bw.total == Decimal("8000000.00")

    # NRW: the 396 municipalities under § 3 FlüAG NRW (90 % population, 10 % area, capped).
    nrw = services.distribution_compute(
        inputs=_inputs(
            level="gemeinde", land_key="05", key_kind="nrw", unit="persons", amount=Decimal(10_000)
        )
    )
    assert len(nrw.lines) == 396
    assert nrw.total == 10_000
    assert any(note.startswith("Obergrenze auf") for note in nrw.key.notes)
