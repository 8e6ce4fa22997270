"""Forms of the directory: the public search (GET), the provider's offer form, the editor's
decision, the Lotse's needs record (no name, no contact, no free text)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from passgenau.apps.core.forms import checkboxes
from passgenau.apps.listing import ListSearchForm

from .models import ChangeStatus, Directory, ServiceStatus, TargetGroup, TaxonomyTerm

# languages a newcomer may speak (ISO 639-1); names in their own language so that a reader finds
# theirs without knowing German
SPOKEN_LANGUAGES: list[tuple[str, str]] = [
    ("de", "Deutsch"), ("en", "English"), ("uk", "Українська"), ("ru", "Русский"),
    ("ar", "العربية"), ("fa", "فارسی"), ("tr", "Türkçe"), ("ku", "Kurdî"), ("ps", "پښتو"),
    ("ti", "ትግርኛ"), ("so", "Soomaali"), ("fr", "Français"), ("pl", "Polski"), ("ro", "Română"),
    ("sq", "Shqip"), ("sr", "Srpski"), ("es", "Español"), ("ur", "اردو"), ("it", "Italiano"),
    ("bg", "Български"),
]  # fmt: skip


def _topic_choices(language: str) -> list[tuple[str, str]]:
    terms = TaxonomyTerm.objects.filter(taxonomy__directory=None).order_by("pk")
    return [(t.code, t.name_in(language)) for t in terms]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(
        label=_("Language spoken"),
        required=False,
        choices=[("", _("any language")), *SPOKEN_LANGUAGES],
    )
    place = forms.CharField(
        label=_("Postcode or town"),
        required=False,
        max_length=60,
        help_text=_("Results are listed by distance from there."),
    )
    km = forms.IntegerField(
        label=_("Within (km)"),
        required=False,
        min_value=1,
        max_value=200,
        # a text box with the digits keyboard: styled as the other boxes, no spinner to miss
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
    )
    group = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("everyone")), *TargetGroup.choices]
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    barrier_free = forms.BooleanField(label=_("Barrier-free"), required=False)

    def __init__(self, *args: Any, language: str = "de", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic"]).choices = [
            ("", _("all topics")),
            *_topic_choices(language),
        ]


class OfferForm(forms.Form):
    """What a provider keeps of an offer; the change waits for the editor."""

    name = forms.CharField(label=_("Name"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    email = forms.EmailField(label=_("E-mail"), required=False)
    url = forms.URLField(label=_("Web address"), required=False, assume_scheme="https")
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False)
    minimum_age = forms.IntegerField(
        label=_("Minimum age"), required=False, min_value=0, max_value=120
    )
    maximum_age = forms.IntegerField(
        label=_("Maximum age"), required=False, min_value=0, max_value=120
    )
    what_to_bring = forms.CharField(
        label=_("What to bring"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), widget=forms.CheckboxSelectMultiple)
    languages = checkboxes(_("Languages spoken at the offer"), SPOKEN_LANGUAGES)
    target_groups = checkboxes(_("Target groups"), TargetGroup.choices)

    def __init__(self, *args: Any, language: str = "de", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topics"]).choices = _topic_choices(language)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("minimum_age"), data.get("maximum_age")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("maximum_age", _("The maximum age is below the minimum age."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve and publish")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note to the provider"), max_length=500, required=False)


class NeedsForm(forms.Form):
    """The needs of a newcomer: topics, languages, place, constraints. Never a name."""

    topics = forms.MultipleChoiceField(label=_("Topics"), widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(
        label=_("Languages the person speaks"),
        choices=SPOKEN_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    slip_language = forms.ChoiceField(
        label=_("Second language of the referral slip"), choices=SPOKEN_LANGUAGES
    )
    place = forms.CharField(label=_("Postcode or town"), max_length=60, required=False)
    max_km = forms.IntegerField(label=_("At most (km)"), required=False, min_value=1, max_value=200)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    free_only = forms.BooleanField(label=_("Free of charge only"), required=False)
    barrier_free = forms.BooleanField(label=_("Barrier-free needed"), required=False)
    # when the person can go (none ticked: any time); offers open then rank higher
    weekdays = checkboxes(
        _("Days the person can go"), [(str(iso + 1), name) for iso, name in WEEKDAYS.items()]
    )
    day_parts = checkboxes(
        _("Times of day the person can go"),
        [
            ("morning", _("in the morning (until 12:00)")),
            ("afternoon", _("in the afternoon (12:00 to 17:00)")),
            ("evening", _("in the evening (from 17:00)")),
        ],
    )

    def __init__(self, *args: Any, language: str = "de", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topics"]).choices = _topic_choices(language)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("went", _("went")),
            ("did_not_go", _("did not go")),
            ("not_suitable", _("not suitable")),
        ],
    )


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Offer spreadsheet (.xlsx or .csv)"),
        help_text=_("One row per offer; the first row gives the column headings."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class _TextForm(forms.Form):
    """A form whose fields are described by the help paragraph ``help_id``; an invalid field
    names its errors too, for a screen reader."""

    help_id = ""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self.help_id} id_{name}-errors"


class EasyTextForm(_TextForm):
    """The offer's name and description in Einfache Sprache (both empty: none, the reader gets
    the standard German text)."""

    help_id = "easy-help"
    easy_name = forms.CharField(
        label=_("Name in Einfache Sprache"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"aria-describedby": "easy-help"}),
    )
    easy_description = forms.CharField(
        label=_("Description in Einfache Sprache"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "aria-describedby": "easy-help"}),
    )


class OfferTextForm(_TextForm):
    """An offer's name and description in one language (both empty: none, the reader gets the
    German text, marked as such)."""

    help_id = "text-help"
    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"aria-describedby": "text-help"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "aria-describedby": "text-help"}),
    )

    def __init__(self, *args: Any, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the text is written in that language and direction
            field.widget.attrs.update({"lang": language, "dir": "auto"})


class ChangeSearchForm(ListSearchForm):
    """The changes to review: a text (offer, provider) and a status (waiting ones unless told)."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=ChangeStatus.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Offer or provider")

    def chosen_status(self) -> str:
        """The status asked for; waiting for review when none or none valid is given."""
        return self.value("status") or ChangeStatus.PENDING


class OfferSearchForm(ListSearchForm):
    """The provider's offers: a name and a directory."""

    directory = forms.ModelChoiceField(
        label=_("Directory"),
        queryset=Directory.objects.none(),
        required=False,
        empty_label=_("all"),
    )

    def __init__(self, *args: Any, directories: QuerySet[Directory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Offer")
        cast(forms.ModelChoiceField, self.fields["directory"]).queryset = directories
