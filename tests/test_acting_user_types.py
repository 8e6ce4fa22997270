"""Who acts is typed: no ``actor: Any`` or ``user: Any``.

Services take the acting ``User`` (``User | None`` where a command or the demo acts), policies
and selectors the ``Visitor`` of the request (or a ``User`` behind a right the public does not
hold), so that mypy checks every use of the acting user. This test reads every module of the
package (as syntax trees) and fails on a parameter named ``actor`` or ``user`` that is annotated
with ``Any`` anywhere, or that is not annotated at all in services, selectors and policies.
"""

from __future__ import annotations

import ast
from pathlib import Path

import passgenau

SRC = Path(passgenau.__file__).parent
NAMES = {"actor", "user"}
TYPED_LAYERS = {"services", "selectors", "policies"}  # packages or modules of these names


def _mentions_any(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    return any(
        (isinstance(node, ast.Name) and node.id == "Any")
        or (isinstance(node, ast.Attribute) and node.attr == "Any")
        for node in ast.walk(annotation)
    )


def untyped_acting_users(source: str, *, layer: bool) -> list[tuple[int, str]]:
    """(line, problem) of every ``actor``/``user`` parameter in ``source`` typed ``Any`` (or,
    when ``layer``, not typed)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        arguments = node.args
        for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if argument.arg not in NAMES:
                continue
            name = getattr(node, "name", "lambda")
            if argument.annotation is not None and _mentions_any(argument.annotation):
                problem = f"{name}({argument.arg}: {ast.unparse(argument.annotation)})"
                found.append((node.lineno, problem))
            elif argument.annotation is None and layer and not isinstance(node, ast.Lambda):
                found.append((node.lineno, f"{name}({argument.arg}) has no annotation"))
    return found


def _in_typed_layer(relative: Path) -> bool:
    return bool(TYPED_LAYERS & {*relative.parts[:-1], relative.stem})


def test_the_acting_user_is_typed_in_every_module():
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts:
            continue
        problems = untyped_acting_users(
            path.read_text(encoding="utf-8"), layer=_in_typed_layer(relative)
        )
        if problems:
            found[relative.as_posix()] = [f"{line}: {problem}" for line, problem in problems]
    assert found == {}, (
        "type the acting user: a service takes `actor: User` (`User | None` when a command "
        "acts), a policy or selector `user: Visitor` (or `User`), from passgenau.apps.accounts"
    )


def test_the_scan_sees_what_it_is_meant_to_see():
    flagged = """
def a(*, actor: Any): pass
def b(user: typing.Any = None): pass
def c(*, actor: Any | None = None): pass
def d(*, user: "Any"): pass
def e(*, actor): pass
async def f(user, /): pass
class G:
    def h(self, *, actor: Optional[Any]): pass
"""
    assert [line for line, _ in untyped_acting_users(flagged, layer=True)] == [2, 3, 4, 5, 6, 7, 9]
    # outside services, selectors and policies only ``Any`` counts
    assert [line for line, _ in untyped_acting_users(flagged, layer=False)] == [2, 3, 4, 5, 9]
    not_flagged = """
def a(*, actor: User, data: Any): pass
def b(*, user: Visitor, other: Any = None): pass
def c(*, actor: User | None = None): pass
def d(request, users: Any, actors): pass
sort = lambda user: user.pk
# def e(*, actor: Any): pass
"""
    assert untyped_acting_users(not_flagged, layer=True) == []
    assert _in_typed_layer(Path("apps/cases/services/cases.py"))
    assert _in_typed_layer(Path("apps/directory/policies.py"))
    assert _in_typed_layer(Path("apps/measures/selectors.py"))
    assert not _in_typed_layer(Path("apps/cases/views/cases.py"))
