from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "passgenau.apps.funding"
    label = "funding"
    verbose_name = _("Funding and distribution by key")
    default_auto_field = "django.db.models.BigAutoField"
