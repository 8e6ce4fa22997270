"""Providers keep their own offers: every change waits for the directory editor's review."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404
from passgenau.apps.listing import list_page

from .. import policies
from ..forms import EasyTextForm, OfferForm, OfferSearchForm
from ..models import ChangeRequest, ChangeStatus, Organization, Service
from ..selectors import work
from ..services import offers
from .public import reader_language


def _initial(service: Service) -> dict[str, object]:
    return {
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "email": service.email,
        "url": service.url,
        "free_of_charge": service.free_of_charge,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "what_to_bring": service.what_to_bring,
        "topics": list(service.topics.values_list("code", flat=True)),
        "languages": list(service.spoken.values_list("code", flat=True)),
        "target_groups": list(service.target_groups),
    }


def _changed(form: OfferForm, initial: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in form.cleaned_data.items():
        old = initial.get(name)
        if isinstance(value, list):
            if sorted(value) != sorted(old if isinstance(old, list) else []):
                out[name] = sorted(value)
        elif value != old and not (value in ("", None) and old in ("", None)):
            out[name] = value
    return out


@require("directory.edit_own_offers")
def my_offers(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_edit_offers(user=request.user):
        raise PermissionDenied
    form = OfferSearchForm(
        request.GET or None, directories=work.directories_of_provider(user=request.user)
    )
    page = list_page(
        request,
        work.services_search_for_provider(
            user=request.user, query=form.query(), directory=form.value("directory")
        ),
    )
    pending = ChangeRequest.objects.filter(
        organization__provider_id=request.user.organisation_id
    ).select_related("service")[:50]
    return render(
        request,
        "directory/my_offers.html",
        {
            "form": form,
            "page": page,
            "services": page.object_list,
            "organizations": work.organizations_for_provider(user=request.user),
            "changes": pending,
        },
    )


def _sent_for_review(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    organization: Organization,
    service: Service | None,
    fields: dict[str, object],
) -> bool:
    """Propose ``fields`` for the editors' review; a refusal becomes an error of ``form``."""
    try:
        offers.change_propose(
            actor=request.user, organization=organization, service=service, fields=fields
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(
        request, _("Your change was sent to the directory's editors; it is public once approved.")
    )
    return True


def _propose(
    request: AuthenticatedHttpRequest,
    *,
    organization: Organization,
    service: Service | None,
    initial: dict[str, object],
) -> HttpResponse:
    form = OfferForm(request.POST or None, initial=initial, language=reader_language())
    if request.method == "POST" and form.is_valid():
        fields = _changed(form, initial) if service is not None else dict(form.cleaned_data)
        if not fields:
            messages.info(request, _("Nothing was changed."))
            return redirect("directory:my_offers")
        if _sent_for_review(request, form, organization, service, fields):
            return redirect("directory:my_offers")
    return render(
        request,
        "directory/offer_form.html",
        {"form": form, "service": service, "organization": organization},
    )


@require("directory.edit_own_offers")
def offer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = work.service_get_for_provider(user=request.user, pk=pk)
    if service is None or service.organization is None:  # a provider's offers have one
        raise Http404
    return _propose(
        request, organization=service.organization, service=service, initial=_initial(service)
    )


@require("directory.edit_own_offers")
def offer_new(request: AuthenticatedHttpRequest, organization: int) -> HttpResponse:
    org = found_or_404(
        work.organizations_for_provider(user=request.user).filter(pk=organization).first()
    )
    return _propose(request, organization=org, service=None, initial={"status": "active"})


@require("directory.edit_own_offers")
def offer_easy_text(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The offer's text in Einfache Sprache, sent for review as any other change."""
    service = work.service_get_for_provider(user=request.user, pk=pk)
    if (
        service is None
        or service.organization is None
        or not policies.may_edit_offers(user=request.user)
    ):
        raise Http404
    text = service.texts.filter(language="de", easy_language=True).first()
    initial = {
        "easy_name": text.name if text else "",
        "easy_description": text.description if text else "",
    }
    form = EasyTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if v != initial[k]}
        if not fields:
            messages.info(request, _("Nothing was changed."))
            return redirect("directory:my_offers")
        if _sent_for_review(request, form, service.organization, service, fields):
            return redirect("directory:my_offers")
    outdated = text is not None and text.source_digest != offers.german_digest(service)
    return render(
        request,
        "directory/easy_text_form.html",
        {"form": form, "service": service, "text": text, "outdated": outdated},
    )


@require("directory.edit_own_offers")
@require_POST
def offer_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = found_or_404(work.service_get_for_provider(user=request.user, pk=pk))
    offers.service_confirm(actor=request.user, service=service)
    messages.success(request, _("Thank you: the offer is marked as confirmed today."))
    return redirect("directory:my_offers")


__all__ = [
    "ChangeStatus",
    "my_offers",
    "offer_confirm",
    "offer_easy_text",
    "offer_edit",
    "offer_new",
]
