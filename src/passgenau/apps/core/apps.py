from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "passgenau.apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import pre_save
        from django.utils.module_loading import autodiscover_modules

        from .input_limits import check_model_limits

        pre_save.connect(check_model_limits, dispatch_uid="passgenau.core.input_limits")
        # Each app registers its to-do providers on import (``core/todo.py``).
        autodiscover_modules("todo")
