"""No document points at a file that is not in the repository.

Checked: the relative links of README.md and docs/ (``[text](path)``, images too), the paths in
backticks there (``src/…``, ``tests/…``, ``docs/…``, ``bench/…`` exactly; a shorter path such as
``mechanisms/optimal.py`` must be the end of some file's path), and in the source code the paths
that name a file of the repository (``docs/…``, ``tests/…``, ``bench/…``, ``src/…``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__", "var", "build", "dist"}
ANCHORED = ("src/", "tests/", "bench/", "docs/", ".ci/", "passgenau/")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
BACKTICKED = re.compile(r"`([^`\s]+)`")
SOURCE_PATH = re.compile(
    r"(?<![\w/.-])((?:docs|tests|bench|src)/[\w./-]+\.(?:md|py|yaml|csv|json|toml))"
)


def _files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts) or any(
            p.endswith(".egg-info") for p in relative.parts
        ):
            continue
        found.append(relative)
    return found


FILES = _files()
PATHS = {p.as_posix() for p in FILES}
DIRS = {p.as_posix() for p in FILES if (ROOT / p).is_dir()}
DIR_NAMES = {p.rsplit("/", 1)[-1] for p in DIRS}
DOCUMENTS = sorted(
    p for p in FILES if p.suffix == ".md" and (p.parts[0] == "docs" or p == Path("README.md"))
)


def _exists_anchored(path: str) -> bool:
    path = path.rstrip("/")
    return path in PATHS or f"src/{path}" in PATHS


def _ends_some_path(path: str) -> bool:
    path = path.rstrip("/")
    return any(known == path or known.endswith("/" + path) for known in PATHS)


def _is_repo_path(token: str) -> bool:
    """A backticked token that names a file or folder of the repository (not a URL, an address
    on the server, a placeholder or a command)."""
    if token.startswith(("/", "http", ".venv", "var/")) or ("/" not in token and "." not in token):
        return False
    if any(c in token for c in "*{}<>$=:?&") or re.search(r"[A-Z]{2,}", token):
        return False  # a glob, a placeholder (OUT_DIR/…) or a URL pattern
    if token.startswith(ANCHORED):
        return True
    first, last = token.split("/", 1)[0], token.rstrip("/").rsplit("/", 1)[-1]
    if first not in DIR_NAMES:
        return False  # a path inside something else (an export, a package), not the repository
    return "/" in token and "." in last and not last[0].isdigit()


def _problems(document: Path) -> list[str]:
    text = (ROOT / document).read_text(encoding="utf-8")
    problems = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL with a scheme, or an anchor on the same page
        path = target.split("#", 1)[0]
        resolved = (ROOT / document.parent / path).resolve()
        if not resolved.exists():
            problems.append(f"{document}: link to {target}")
    for token in BACKTICKED.findall(text):
        if not _is_repo_path(token):
            continue
        found = _exists_anchored(token) if token.startswith(ANCHORED) else _ends_some_path(token)
        if not found:
            problems.append(f"{document}: `{token}`")
    return problems


@pytest.mark.parametrize("document", DOCUMENTS, ids=str)
def test_the_files_a_document_names_exist(document):
    assert _problems(document) == []


def test_the_files_the_source_names_exist():
    missing = []
    for path in FILES:
        if path.suffix != ".py" or path.parts[0] not in ("src", "bench", "tests"):
            continue
        if path.name == Path(__file__).name or "migrations" in path.parts:
            continue
        for number, line in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), 1):
            missing += [
                f"{path}:{number}: {name}"
                for name in SOURCE_PATH.findall(line)
                if name not in PATHS
            ]
    assert missing == []


def test_a_missing_file_is_found():
    assert _exists_anchored("docs/roles.md")
    assert not _exists_anchored("docs/no-such-page.md")
    assert _ends_some_path("mechanisms/optimal.py")
    assert not _ends_some_path("mechanisms/pessimal.py")
    assert _is_repo_path("src/passgenau/engine/")
    assert not _is_repo_path("/relocation/arrivals/")
    assert not _is_repo_path("OUT_DIR/households.jsonl")
    assert _is_repo_path("mechanisms/pessimal.py")
    assert not _is_repo_path("json/services.json")  # inside an exported package
