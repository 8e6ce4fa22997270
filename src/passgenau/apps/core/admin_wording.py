"""Words of Django's admin that our catalogues translate instead of Django's own.

Django's German admin says "Sichern" where every page of ours says "Speichern", and leaves one
sentence of the user form in English; the task backend's model (django_tasks_db) has no German
name at all. Our catalogues come first in ``LOCALE_PATHS``, so listing the admin's message ids
here (for ``makemessages`` to find) lets them win.
"""

from django.utils.translation import gettext_noop

ADMIN_WORDING = (
    gettext_noop("Save"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Save and view"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # the database task backend's model (django_tasks_db), not in Django's catalogues
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)
