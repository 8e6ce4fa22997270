from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "passgenau.apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each module that sends notifications registers its kinds (and due checks) on import.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("notification_kinds")
