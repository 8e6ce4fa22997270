"""The Lotse desk: a newcomer's needs recorded anonymously, offers ranked by fit, a bilingual
referral slip, and the outcome recorded later — without a name or a contact anywhere."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404, id_or_404

from ..exports import referral_slip_pdf
from ..forms import NeedsForm, OutcomeForm
from ..models import Service
from ..selectors import lotse as lotse_selectors
from ..selectors import work
from ..selectors.search import _place, directory_scope
from ..services import lotse as lotse_services
from .public import reader_language

# What each reason of the engine's ranking (rank_offers) tells the Lotse.
REASONS = {
    "topic": gettext_lazy("a topic asked for"),
    "language": gettext_lazy("speaks a language of the person"),
    "near": gettext_lazy("nearby"),
    "hours": gettext_lazy("open when the person can go"),
    "target group": gettext_lazy("for the person's target group"),
}


@require("directory.lotse_desk")
def desk(request: AuthenticatedHttpRequest) -> HttpResponse:
    directories = list(work.directories_for_user(user=request.user))
    chosen = next((d for d in directories if d.slug == request.GET.get("d")), None) or (
        directories[0] if directories else None
    )
    form = NeedsForm(request.POST or None, language=reader_language())
    if request.method == "POST" and form.is_valid() and chosen is not None:
        data = form.cleaned_data
        place = _place(data["place"]) if data["place"] else None
        if data["place"] and place is None:
            form.add_error(
                "place", _("We do not know this place. Try a postcode or the name of the town.")
            )
        else:
            try:
                needs = lotse_services.needs_record(
                    actor=request.user,
                    directory=chosen,
                    topics=data["topics"],
                    languages=data["languages"],
                    slip_language=data["slip_language"],
                    gemeinde=place,
                    max_km=data["max_km"],
                    age=data["age"],
                    free_only=data["free_only"],
                    barrier_free=data["barrier_free"],
                    weekdays=[int(d) for d in data["weekdays"]],
                    day_parts=data["day_parts"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("directory:needs_detail", pk=needs.pk)
    return render(
        request,
        "directory/lotse_desk.html",
        {
            "form": form,
            "directories": directories,
            "chosen": chosen,
            "recent": lotse_selectors.needs_for_lotse(user=request.user)[:20],
        },
    )


@require("directory.lotse_desk")
def needs_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    needs = found_or_404(lotse_selectors.needs_for_lotse(user=request.user).filter(pk=pk).first())
    if request.method == "POST":
        service = found_or_404(
            Service.objects.filter(
                pk=id_or_404(request.POST.get("service")),
                directory_id__in=directory_scope(needs.directory),
            ).first()
        )
        referral = lotse_services.referral_create(actor=request.user, needs=needs, service=service)
        messages.success(request, _("Referral recorded. Print the slip for the person."))
        return redirect(f"{request.path}#referral-{referral.pk}")
    return render(
        request,
        "directory/needs_detail.html",
        {
            "needs": needs,
            "ranked": [
                (rank, service, [REASONS.get(r, r) for r in rank.reasons])
                for rank, service in lotse_selectors.offers_ranked(needs=needs)
            ],
            "weekdays": [WEEKDAYS[d - 1] for d in needs.weekdays],
            "day_parts": [
                label
                for key, label in NeedsForm.base_fields["day_parts"].choices  # type: ignore[attr-defined]
                if key in needs.day_parts
            ],
            "referrals": needs.referrals.select_related("service"),
            "outcome_form": OutcomeForm(),
        },
    )


@require("directory.lotse_desk")
def referral_slip(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = found_or_404(lotse_selectors.referral_get_for_lotse(user=request.user, pk=pk))
    response = HttpResponse(referral_slip_pdf(referral=referral), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="referral-{referral.pk}.pdf"'
    return response


@require("directory.lotse_desk")
def referral_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = found_or_404(lotse_selectors.referral_get_for_lotse(user=request.user, pk=pk))
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lotse_services.referral_outcome_record(
                actor=request.user, referral=referral, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Outcome recorded."))
        return redirect("directory:needs_detail", pk=referral.needs_id)
    return render(request, "directory/referral_outcome.html", {"referral": referral, "form": form})
