"""JSON API of case management: the caseload figures and the monthly statement of a funding
contract (cases pseudonymised). Same rights and access functions as the pages."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest

from . import selectors

router = Router(tags=["cases"])


class CaseloadOut(Schema):
    open_cases: int
    overdue_steps: int
    reviews_due: int
    without_contact: int
    arrivals_without_case: int


@router.get("/caseload", response=CaseloadOut, auth=ApiPermission("cases.view_cases"))
def caseload(request: AuthenticatedHttpRequest) -> CaseloadOut:
    load = selectors.caseload_for_user(user=request.user)
    return CaseloadOut(
        open_cases=load.cases.count(),
        overdue_steps=load.overdue_steps,
        reviews_due=load.reviews_due,
        without_contact=load.without_contact,
        arrivals_without_case=len(load.arrivals),
    )


class StatementLineOut(Schema):
    case: str  # pseudonymous reference
    hours: str
    amount: str


class StatementOut(Schema):
    contract: int
    year: int
    month: int
    hourly_rate: str
    hours: str
    amount: str
    lines: list[StatementLineOut]


@router.get(
    "/contracts/{contract_id}/statements/{year}/{month}",
    response=StatementOut,
    auth=ApiPermission("cases.view_statements"),
)
def statement(
    request: AuthenticatedHttpRequest, contract_id: int, year: int, month: int
) -> StatementOut:
    contract = selectors.contract_get_for_user(user=request.user, pk=contract_id)
    if contract is None or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise HttpError(404, "Not found")
    first, last = selectors.month_bounds(year, month)
    result = selectors.statement(contract=contract, first_day=first, last_day=last)
    return StatementOut(
        contract=contract.pk,
        year=year,
        month=month,
        hourly_rate=f"{result.rate:.2f}",
        hours=f"{result.hours:.2f}",
        amount=f"{result.amount:.2f}",
        lines=[
            StatementLineOut(
                case=line.case_reference, hours=f"{line.hours:.2f}", amount=f"{line.amount:.2f}"
            )
            for line in result.lines
        ],
    )
