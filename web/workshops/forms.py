"""The workshop pages' forms: a new workshop, joining one, and the steering buttons' fields."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from web.workshops import catalogue


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=[("en", "English"), ("ko", "한국어")], initial="en")
    lessons = forms.MultipleChoiceField(label=_("Lessons"), choices=[], required=False,
                                        help_text=_("In the order the class takes them."))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500, initial=30)
    expires_at = forms.DateTimeField(label=_("Expires at"), required=False,
                                     help_text=_("Optional, e.g. 2030-05-01 18:00."))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        language = "ko" if get_language() == "ko" else "en"
        self.fields["lessons"].choices = catalogue.choices(language)  # type: ignore[attr-defined]


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=20)
    display_name = forms.CharField(label=_("Your name"), max_length=60)


class BroadcastForm(forms.Form):
    text = forms.CharField(max_length=2000)


class InjectForm(forms.Form):
    what = forms.CharField(max_length=40)
    node = forms.CharField(max_length=63, required=False, initial="node-1")
    service = forms.CharField(max_length=63, required=False)
    namespace = forms.CharField(max_length=63, required=False, initial="default")
    rps = forms.FloatField(required=False, min_value=0, max_value=10000)


class MoveForm(forms.Form):
    lesson = forms.CharField(max_length=63)
