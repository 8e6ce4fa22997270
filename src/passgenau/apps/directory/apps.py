from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "passgenau.apps.directory"
    label = "directory"
    verbose_name = _("Directory of offers")
    default_auto_field = "django.db.models.BigAutoField"
