from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelocationConfig(AppConfig):
    name = "passgenau.apps.relocation"
    label = "relocation"
    verbose_name = _("Relocation rounds")
    default_auto_field = "django.db.models.BigAutoField"
