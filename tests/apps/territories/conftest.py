"""Fixtures for the territory tests: the real Destatis files (skipped when absent), a small file."""

from __future__ import annotations

from pathlib import Path

import pytest
from territory_samples import GV_FILE, KREISE_FILE, SMALL_GV_LINES


@pytest.fixture
def small_gv(tmp_path: Path) -> Path:
    path = tmp_path / "gv-small.csv"
    path.write_text("\ufeff" + "\n".join(SMALL_GV_LINES) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def gv_file() -> Path:
    if not GV_FILE.exists():
        pytest.skip(f"the shared Destatis file is absent ({GV_FILE}); CI always has it")
    return GV_FILE


@pytest.fixture
def kreise_file() -> Path:
    if not KREISE_FILE.exists():
        pytest.skip(f"the shared Destatis file is absent ({KREISE_FILE}); CI always has it")
    return KREISE_FILE
