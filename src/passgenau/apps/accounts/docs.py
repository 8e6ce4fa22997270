"""Writes docs/roles.md from the permission table (run as a module; a test keeps them equal)."""

from __future__ import annotations

from django.utils import translation

from .permissions import PERMISSIONS, role_requires_second_factor
from .roles import PUBLIC, Role

HEADER = """# Roles and rights

Generated from `src/passgenau/apps/accounts/permissions.py` — the one place where rights are
defined — by `.venv/bin/python -m passgenau.apps.accounts.docs > docs/roles.md`; a test fails
when the two differ. Views check these rights with `@require(code)`, API operations with
`auth=ApiPermission(code)`, and `tests/apps/accounts/test_access_matrix.py` requests every page and
API operation as every role to prove that each is granted or refused as written here.

Beyond these rights, access functions (`<entity>_get_for_user`, `<entities>_for_user`) narrow what
a role sees to its own objects: an interviewer sees only its own organisation's households, a
caseworker only its own cases, a municipal officer only proposals addressed to it.

"""


def roles_markdown() -> str:
    with translation.override("en"):
        roles = [*Role.choices, (PUBLIC, "Public")]
        head = "| Right | " + " | ".join(str(label) for _, label in roles) + " |"
        rule = "|---|" + "---|" * len(roles)
        lines = [HEADER.rstrip("\n"), "", head, rule]
        for permission in PERMISSIONS:
            planned = " *(planned)*" if permission.planned else ""
            cells = ["✓" if value in permission.roles else "" for value, _ in roles]
            lines.append(
                f"| `{permission.code}` {permission.description}{planned} | "
                + " | ".join(cells)
                + " |"
            )
        totp = ", ".join(
            str(label) for value, label in Role.choices if role_requires_second_factor(value)
        )
        lines += [
            "",
            "## Second factor",
            "",
            f"Roles that see personal data confirm every log-in with a one-time password (TOTP, "
            f"RFC 6238): {totp}. Until the code is confirmed, the session has only the public's "
            "rights.",
            "",
            "*(planned)*: the right is defined for a module not built yet; no page uses it.",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passgenau.web.settings.test")
    django.setup()
    print(roles_markdown(), end="")
