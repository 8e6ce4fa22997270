from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "passgenau.apps.measures"
    label = "measures"
    verbose_name = _("Measures plan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app may ship a ``measure_indicators`` module that registers its computed
        # indicators (see ``indicators.register``).
        autodiscover_modules("measure_indicators")
