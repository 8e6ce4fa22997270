"""Audit actions read as words in the reader's language, for every action the code writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from passgenau.apps.audit.actions import describe_action, describe_parts

SRC = Path(__file__).resolve().parents[3] / "src" / "passgenau"
APPS = (
    "accounts|audit|relocation|funding|territories|measures|directory|cases|notifications|privacy"
)
STATIC_CODE = re.compile(rf'"((?:{APPS})\.[a-z_]+\.[a-z_.]+)"')
# Codes built at run time, with the values their parts take.
DYNAMIC = [
    "relocation.decision.municipality.accept",
    "relocation.decision.household.decline",
    "relocation.proposal.published",
    "relocation.proposal.accepted",
    "relocation.householdcontact.read",
    "relocation.household.read",
    "accounts.user.deleted",
    "audit.auditentry.read",
    "audit.auditentry.exported",
]


def _codes_in_source() -> set[str]:
    codes = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for match in STATIC_CODE.finditer(path.read_text(encoding="utf-8")):
            code = match.group(1)
            if code.count(".") >= 2 and not code.endswith((".html", ".py", ".csv")):
                codes.add(code)
    return codes


@pytest.mark.parametrize("code", sorted(_codes_in_source() | set(DYNAMIC)))
def test_every_action_reads_as_words(code: str) -> None:
    thing, events, known = describe_parts(code)
    assert known, f"{code}: add its thing or event to apps/audit/actions.py ({thing}, {events})"


def test_german_words_and_unknown_codes_kept() -> None:
    with translation.override("de"):
        assert describe_action("funding.grant.approved") == "Zuwendung: genehmigt"
        assert describe_action("relocation.decision.municipality.accept") == (
            "Entscheidung: durch die Kommune angenommen"
        )
        assert (
            describe_action("nowhere.thing.happened") == "thing: happened (nowhere.thing.happened)"
        )


@pytest.mark.django_db
def test_audit_page_shows_words(client_for_role) -> None:
    from passgenau.apps.audit.services import log_action

    log_action("funding.grant.approved", actor=None, data={})
    html = client_for_role("administrator").get("/audit/", HTTP_ACCEPT_LANGUAGE="de").content
    assert "Zuwendung: genehmigt" in html.decode()
