"""The benchmarks use only the engine: they import nothing of the apps, the web project or the
command line (those that measure the web application on a database, ``relocation_round.py``,
``directory.py`` and ``cases.py``, may use the apps)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
MAY_USE_THE_APPS = {"relocation_round.py", "directory.py", "cases.py"}


def _passgenau_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name for name in names if name.split(".")[0] == "passgenau"}


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_a_benchmark_imports_only_the_engine(path: Path) -> None:
    allowed = ["passgenau.engine"]
    if path.name in MAY_USE_THE_APPS:
        allowed.append("passgenau.apps")
    outside = {
        name
        for name in _passgenau_imports(path)
        if not any(name == a or name.startswith(a + ".") for a in allowed)
    }
    assert outside == set(), f"{path.name} imports {sorted(outside)}"


def test_the_check_sees_imports() -> None:
    assert "passgenau.engine.matching.model" in _passgenau_imports(BENCH / "instances.py")
