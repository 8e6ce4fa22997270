"""The relocation policies: one module decides who may do what, from the permission table."""

from __future__ import annotations

import pathlib
import re

import pytest
from django.contrib.auth.models import AnonymousUser

import passgenau.apps.relocation as relocation
from passgenau.apps.relocation import policies
from passgenau.apps.relocation.models import RoundStatus
from passgenau.apps.relocation.selectors import intake as intake_selectors
from passgenau.apps.relocation.selectors import rounds as round_selectors
from relocation_helpers import make_round, municipality, register, user

pytestmark = pytest.mark.django_db

ROLE_LITERAL = re.compile(
    r"\.role\s*(==|!=|in\b|not in\b)|Role\.[A-Z_]+\s*(==|!=)|(==|!=|in)\s*Role\.[A-Z_]+"
)


def test_no_role_is_compared_by_name_outside_the_policies():
    package = pathlib.Path(relocation.__file__).parent
    found = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if path.name not in ("policies.py", "demo.py") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE_LITERAL.search(line)
    ]
    assert found == []


def _other(role, name):
    org = municipality(f"Other organisation of a {role}")
    org.kind = {"coordinator": "coordinating", "interviewer": "interviewing"}.get(
        role, "municipality"
    )
    org.save()
    return user(role, f"other-{role}", organisation=org)


def test_a_round_is_coordinated_only_by_its_own_organisation():
    round_ = make_round()
    assert policies.round_is_coordinated_by(user("coordinator"), round_)
    assert not policies.round_is_coordinated_by(_other("coordinator", "c"), round_)
    assert not policies.round_is_coordinated_by(user("municipal_officer"), round_)
    assert not policies.round_is_coordinated_by(AnonymousUser(), round_)


def test_households_are_changed_only_by_their_interviewing_organisation():
    household = register(make_round())
    assert policies.household_may_edit(user("interviewer"), household)
    assert not policies.household_may_edit(_other("interviewer", "i"), household)
    assert not policies.household_may_edit(user("coordinator"), household)
    with pytest.raises(Exception, match="no such household"):
        intake_selectors.household_get_for_interviewer(
            user=_other("interviewer", "i"), pk=household.pk
        )


@pytest.mark.parametrize(
    ("role", "sees_draft", "sees_open"),
    [
        ("coordinator", True, True),
        ("municipal_officer", True, True),
        ("interviewer", False, True),
        ("administrator", False, False),
        ("funder", False, False),
    ],
)
def test_which_rounds_each_role_sees(role, sees_draft, sees_open):
    draft = make_round(status=RoundStatus.DRAFT, name="draft")
    open_ = make_round(name="open")
    seen = set(round_selectors.rounds_for_user(user=user(role)).values_list("pk", flat=True))
    assert (draft.pk in seen, open_.pk in seen) == (sees_draft, sees_open)
    assert policies.rounds_scope(AnonymousUser()) is None
