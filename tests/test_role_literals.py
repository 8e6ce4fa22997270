"""No role is compared by name outside the permission table and the policies.

"May this user do X?" is answered by ``apps/<app>/policies.py`` from the permission table
(``apps/accounts/permissions.py``); services, selectors, views, forms and the API ask a policy.
This test reads every module of the apps and of the web project (as syntax trees, so comments and
strings that merely mention a role do not count) and fails on a comparison that involves a role:
``Role.X``, a role's value such as ``"coordinator"``, a user's ``.role``, ``user_role(...)`` or
``request_role(...)``, or a set of roles (``x in SOME_ROLES``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import passgenau
from passgenau.apps.accounts.roles import Role

SRC = Path(passgenau.__file__).parent
SCANNED = ("apps", "web")
# The roles, the permission table and its check for a request, the policies built on them,
# migrations and demo fixtures.
ALLOWED_FILES = {
    "apps/accounts/roles.py",
    "apps/accounts/permissions.py",
    "apps/accounts/access.py",
}
ALLOWED_NAMES = {"policies.py", "demo.py"}
ALLOWED_DIRS = {"migrations", "policies"}

ROLE_VALUES = frozenset(Role.values)
ROLE_FUNCTIONS = {"user_role", "request_role"}


def _is_role_set_name(name: str) -> bool:
    return name.isupper() and "ROLES" in name


def _strongly_role(node: ast.expr) -> bool:
    """An expression that is a role, a role's value, the role of a user, or a set of roles."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    ):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in ROLE_VALUES
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in ROLE_FUNCTIONS:
            return True
        if name == "getattr" and len(node.args) >= 2:
            attr = node.args[1]
            return isinstance(attr, ast.Constant) and attr.value == "role"
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return _is_role_set_name(name)
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        return any(_strongly_role(element) for element in node.elts)
    return False


def _other_enum(node: ast.expr) -> bool:
    """``SomeChoices.MEMBER`` of another enumeration (a family member's role is not a user's)."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id != "Role"
        and node.attr.isupper()
    )


def role_comparisons(source: str) -> list[tuple[int, str]]:
    """(line, code) of every comparison in ``source`` that involves a role."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        strongly = any(_strongly_role(operand) for operand in operands)
        user_role_attr = any(
            isinstance(operand, ast.Attribute) and operand.attr == "role" for operand in operands
        ) and not any(_other_enum(operand) for operand in operands)
        if strongly or user_role_attr:
            found.append((node.lineno, ast.unparse(node)))
    return found


def _scanned_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((SRC / top).rglob("*.py")):
            relative = path.relative_to(SRC)
            if (
                relative.as_posix() in ALLOWED_FILES
                or path.name in ALLOWED_NAMES
                or ALLOWED_DIRS & set(relative.parts[:-1])
            ):
                continue
            files.append(path)
    return files


def test_no_role_is_compared_outside_the_permission_table_and_the_policies():
    found: dict[str, list[str]] = {}
    for path in _scanned_files():
        comparisons = role_comparisons(path.read_text(encoding="utf-8"))
        if comparisons:
            found[path.relative_to(SRC).as_posix()] = [
                f"{line}: {code}" for line, code in comparisons
            ]
    assert found == {}, (
        "a role is compared by name; ask a policy (apps/<app>/policies.py) built on the "
        "permission table instead"
    )


def test_the_scan_sees_what_it_is_meant_to_see():
    flagged = """
if user.role == Role.COORDINATOR: pass
if request_role(request) != Role.FUNDER: pass
if getattr(actor, "role", None) != Role.INTERVIEWER: pass
if role in {Role.COORDINATOR, Role.INTERVIEWER}: pass
if role == "municipal_officer": pass
if self.role in ROLES_REQUIRING_TOTP: pass
if user_role(user) == other: pass
if user.role: pass
"""
    assert [line for line, _ in role_comparisons(flagged)] == [2, 3, 4, 5, 6, 7, 8]
    not_flagged = """
if member.role == MemberRole.CHILD: pass
if status == "open": pass
x = Role.COORDINATOR
roles = {Role.COORDINATOR: 1}
# user.role == Role.COORDINATOR
text = "user.role == 'coordinator'"
"""
    assert role_comparisons(not_flagged) == []
