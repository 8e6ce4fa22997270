"""What data protection asks of the administrators on the start page (found at start-up by the
core app's to-do registry): the daily retention job (``passgenau retention``, from cron) removes
what its periods make due; when it has missed a day, or never run, data are kept longer than the
periods allow. The item leads to the audit trail's entries of the job's runs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.core.todo import NOTHING, Item, Todo, register

from .services.retention import RETENTION_COMPLETED, retention_last_run

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


@register(
    "privacy.retention_not_run",
    permission="audit.view_log",
    title=ngettext_lazy(
        "%(count)s daily job that has not run", "%(count)s daily jobs that have not run", "count"
    ),
    order=5,
)
def retention_not_run(*, user: User, today: dt.date) -> Todo:
    """The retention job, when it did not complete yesterday or today (one query); due the day
    after its last run."""
    last = retention_last_run()
    if last is not None and timezone.localdate(last) >= today - dt.timedelta(days=1):
        return NOTHING
    url = f"{reverse('audit:entry_list')}?{urlencode({'action': RETENTION_COMPLETED})}"
    hint = _("Run “passgenau retention” daily, e.g. from cron.")
    if last is None:
        return Todo([Item(_("The retention job has never run"), url, None, hint)], 1)
    last_day = timezone.localdate(last)
    label = _("The retention job last ran on %(date)s") % {
        "date": formats.date_format(last_day, "SHORT_DATE_FORMAT")
    }
    return Todo([Item(label, url, last_day + dt.timedelta(days=1), hint)], 1, 1)
