"""``passgenau manage notify_due``: the daily job that sends reminders that fall due today."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from passgenau.apps.notifications.services import notifications_send_due


class Command(BaseCommand):
    help = "Send the reminders due today (each once per user); run daily, e.g. from cron."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_send_due(today=timezone.localdate())
        for kind, count in sorted(sent.items()):
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(f"sent: {sum(sent.values())}")
