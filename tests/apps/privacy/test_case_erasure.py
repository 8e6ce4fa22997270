"""Erasure of a case opened directly in case management (a person accompanied who never was
in a relocation round): a caseworker of the responsible organisation erases it with a reason;
afterwards no table holds the name or what was recorded (plain SQL of every table and
``dumpdata``), the billed hours stay summable under the pseudonymous reference, and the audit
entry holds the reference and the reason only. Before, such a case could not be erased at all:
only a household's erasure reached the cases taken over from it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from cases_helpers import caseworker, make_case
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import Case, HourEntry
from passgenau.apps.privacy import services
from privacy_helpers import case_areas, case_file, database_text, dumpdata_text, tables_holding
from relocation_helpers import english  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MARKER = "P4Z"


def _person_case():
    worker = caseworker()
    case = make_case(worker, name=f"Mariia Hnatiuk-{MARKER}")
    case_file(case, marker=MARKER)
    case_areas(case, marker=MARKER)
    return worker, case


def test_nothing_of_an_erased_person_case_is_left_in_any_table():
    worker, case = _person_case()
    before = database_text()
    for table in (
        "cases_case",
        "cases_healthrecord",
        "cases_goal",
        "cases_step",
        "cases_planversion",
        "cases_referral",
        "cases_contactnote",
        "cases_mediationrequest",
        "cases_hourentry",
    ):
        assert table in tables_holding(MARKER, before), table

    reference = services.case_erase(actor=worker, case=case, reason="request")

    assert reference == case.reference
    assert tables_holding(MARKER, database_text()) == []
    assert MARKER.lower() not in dumpdata_text().lower()
    shell = Case.objects.get(pk=case.pk)
    assert shell.name == shell.reference
    total = HourEntry.objects.filter(case=shell).aggregate(total=Sum("hours"))["total"]
    assert total == Decimal("1.00")
    entry = AuditEntry.objects.get(action="cases.case.erased")
    assert entry.data == {"reason": "request", "kept_for_billing": True}
    assert entry.actor == worker


def test_a_case_without_hours_goes_entirely():
    worker = caseworker()
    case = make_case(worker, name=f"Ivan {MARKER}")
    services.case_erase(actor=worker, case=case, reason="in_error")
    assert not Case.objects.exists()
    assert tables_holding(MARKER, database_text()) == []


def test_only_a_caseworker_of_the_responsible_organisation_erases_and_with_a_reason():
    from funding_helpers import organisation

    case = make_case(name=f"Ivan {MARKER}")
    elsewhere = caseworker("other-caseworker", organisation("Other NGO", "ngo"))
    with pytest.raises(ValidationError, match="may not erase"):
        services.case_erase(actor=elsewhere, case=case, reason="request")
    with pytest.raises(ValidationError) as error:
        services.case_erase(actor=case.caseworker, case=case, reason="bored")
    assert "reason" in error.value.message_dict
    assert Case.objects.filter(pk=case.pk, name__contains=MARKER).exists()
    assert not AuditEntry.objects.filter(action="cases.case.erased").exists()
