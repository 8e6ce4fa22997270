"""Directory editors review the providers' changes before they are public."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from ..forms import ChangeSearchForm, DecisionForm, OfferTextForm
from ..models import TranslationStatus
from ..selectors import work
from ..selectors.search import SIMPLE_GERMAN
from ..services import offers


@require("directory.review_changes")
def change_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ChangeSearchForm(request.GET or None)
    page = list_page(
        request,
        work.changes_for_editor(user=request.user, status=form.chosen_status(), query=form.query()),
    )
    return render(
        request,
        "directory/change_list.html",
        {
            "form": form,
            "page": page,
            "changes": page.object_list,
            "directories": work.directories_for_editor(user=request.user),
        },
    )


@require("directory.review_changes")
def change_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    change = found_or_404(work.change_get_for_editor(user=request.user, pk=pk))
    form = DecisionForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda data: offers.change_decide(
            actor=request.user, change=change, to=data["decision"], note=data["note"]
        ),
        done=_("The decision was saved."),
    ):
        return redirect("directory:change_list")
    rows = []
    service = change.service
    for name, value in change.fields.items():
        before = ""
        if service is not None:
            if name == "topics":
                before = ", ".join(service.topics.values_list("code", flat=True))
            elif name == "languages":
                before = ", ".join(service.spoken.values_list("code", flat=True))
            elif name in offers.EASY_FIELDS:
                easy = service.texts.filter(language="de", easy_language=True).first()
                before = getattr(easy, offers.EASY_FIELDS[name], "") if easy else ""
            else:
                before = getattr(service, name, "")
        after = ", ".join(value) if isinstance(value, list) else value
        rows.append({"field": name, "before": before, "after": after})
    return render(
        request, "directory/change_detail.html", {"change": change, "rows": rows, "form": form}
    )


TEXTS_PER_PAGE = 50


def _language_name(code: str) -> str:
    if code == SIMPLE_GERMAN:
        return _("Einfache Sprache")
    return str(translation.get_language_info(code)["name_translated"])


@require("directory.review_changes")
def text_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The directory's offers with the state of their text in one language, to write what is
    missing or outdated."""
    directory = found_or_404(work.directory_get_for_editor(user=request.user, slug=slug))
    languages = work.text_languages(directory)
    language = request.GET.get("language", languages[0])
    if language not in languages:
        language = languages[0]
    status = request.GET.get("status", "")
    if status not in TranslationStatus.values:
        status = ""
    rows = work.text_rows(directory=directory, language=language, status=status)
    page = list_page(request, rows, TEXTS_PER_PAGE)
    return render(
        request,
        "directory/text_list.html",
        {
            "directory": directory,
            "languages": [(code, _language_name(code)) for code in languages],
            "language": language,
            "language_name": _language_name(language),
            "statuses": TranslationStatus.choices,
            "status": status,
            "page": page,
        },
    )


@require("directory.review_changes")
def text_edit(request: AuthenticatedHttpRequest, pk: int, language: str) -> HttpResponse:
    """The editor writes (or checks and confirms) one offer's text in one language."""
    service = found_or_404(work.service_get_for_editor(user=request.user, pk=pk))
    if language not in work.text_languages(service.directory):
        raise Http404
    easy = language == SIMPLE_GERMAN
    text = service.texts.filter(language="de" if easy else language, easy_language=easy).first()
    initial = {"name": text.name if text else "", "description": text.description if text else ""}
    form = OfferTextForm(request.POST or None, initial=initial, language="de" if easy else language)
    if form_saved(
        request,
        form,
        lambda data: offers.text_write(
            actor=request.user,
            service=service,
            language="de" if easy else language,
            easy_language=easy,
            name=data["name"],
            description=data["description"],
        ),
        done=_("The text is saved and public."),
    ):
        url = reverse("directory:texts", kwargs={"slug": service.directory.slug})
        return redirect(f"{url}?language={language}")
    return render(
        request,
        "directory/text_form.html",
        {
            "form": form,
            "service": service,
            "text": text,
            "language": language,
            "language_name": _language_name(language),
            "outdated": text is not None and text.source_digest != offers.german_digest(service),
        },
    )
