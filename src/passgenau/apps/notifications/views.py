"""A user's notifications and preferences (every staff role, only their own)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.listing import list_page

from . import selectors, services
from .forms import PreferencesForm

PER_PAGE = 25


@require("notifications.view_own")
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = list_page(request, selectors.notifications_for_user(user=request.user), PER_PAGE)
    items = []
    for notification in page.object_list:
        subject, text = services.render_notification(
            kind=notification.kind, params=notification.params
        )
        items.append({"notification": notification, "subject": subject, "text": text})
    return render(request, "notifications/list.html", {"page": page, "items": items})


@require_POST
@require("notifications.view_own")
def notification_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all read; go to its link when one is given."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() and len(raw) < 19 else None
    services.notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require("notifications.view_own")
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    kinds = selectors.kinds_for_user(user=user)
    initial: dict[str, object] = {"language": selectors.language_for(user=user)}
    for kind in kinds:
        preference = selectors.preference_for(user=user, kind=kind.code)
        initial[f"{kind.code}:in_app"] = preference.in_app
        initial[f"{kind.code}:email"] = preference.email
    form = PreferencesForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=user, language=form.cleaned_data["language"], channels=form.channels()
        )
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
