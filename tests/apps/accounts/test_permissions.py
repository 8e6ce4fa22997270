"""The permission table itself: well-formed, matching product.md's "who sees what", and the same
table as docs/roles.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from passgenau.apps.accounts.docs import roles_markdown
from passgenau.apps.accounts.permissions import PERMISSIONS, check_table, roles_with
from passgenau.apps.accounts.roles import PUBLIC, ROLES_REQUIRING_TOTP, Role

ROOT = Path(__file__).resolve().parents[3]


def test_table_is_well_formed():
    check_table()


def test_check_table_rejects_duplicates_and_unknown_roles():
    from passgenau.apps.accounts.permissions import Permission

    with pytest.raises(ValueError, match="duplicate"):
        check_table([PERMISSIONS[0], PERMISSIONS[0]])
    with pytest.raises(ValueError, match="unknown roles"):
        check_table([Permission("x.y", "x", frozenset({"janitor"}))])


def test_unknown_code_is_an_error():
    with pytest.raises(KeyError, match="unknown permission"):
        roles_with("nothing.such")


# Spot checks written from product.md by hand, so that a wrong row in the table is caught.
@pytest.mark.parametrize(
    ("code", "role", "granted"),
    [
        ("audit.view_log", Role.ADMINISTRATOR, True),
        ("audit.view_log", Role.COORDINATOR, False),
        ("audit.view_log", Role.INTERVIEWER, False),
        ("audit.view_log", PUBLIC, False),
        ("accounts.manage_users", Role.ADMINISTRATOR, True),
        ("accounts.manage_users", Role.CASEWORKER, False),
        ("accounts.view_own_account", PUBLIC, False),
        ("accounts.view_own_account", Role.FUNDER, True),
        ("territories.view", PUBLIC, True),
        ("core.view_start", PUBLIC, True),
        ("relocation.register_households", Role.INTERVIEWER, True),
        ("relocation.register_households", Role.MUNICIPAL_OFFICER, False),
        ("relocation.decide_proposals", Role.MUNICIPAL_OFFICER, True),
        ("cases.manage_cases", Role.CASEWORKER, True),
        ("cases.manage_cases", Role.ADMINISTRATOR, False),
        ("funding.manage", Role.FUNDER, True),
        ("funding.manage", Role.PROVIDER, False),
        ("directory.edit_own_offers", Role.PROVIDER, True),
        ("directory.search", PUBLIC, True),
    ],
)
def test_rights_follow_product_md(code, role, granted):
    assert (role in roles_with(code)) is granted


def test_only_public_facts_are_open_to_the_public():
    public_codes = {p.code for p in PERMISSIONS if PUBLIC in p.roles}
    # an adopted measures plan is a public council document (no personal data)
    assert public_codes == {
        "core.view_start",
        "territories.view",
        "directory.search",
        "measures.view_public",
    }


def test_roles_seeing_personal_data_need_a_second_factor():
    assert {
        Role.COORDINATOR,
        Role.INTERVIEWER,
        Role.MUNICIPAL_OFFICER,
        Role.CASEWORKER,
        Role.ADMINISTRATOR,
    } == ROLES_REQUIRING_TOTP


def test_docs_roles_md_is_the_table():
    """docs/roles.md carries the generated table; regenerate with
    ``.venv/bin/python -m passgenau.apps.accounts.docs > docs/roles.md``."""
    text = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")
    assert text == roles_markdown()
