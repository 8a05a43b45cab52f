from django import forms

from web.workshops import catalogue


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=200)
    language = forms.ChoiceField(choices=[("en", "English"), ("ko", "한국어")], initial="en")
    lessons = forms.MultipleChoiceField(choices=[], required=False)
    capacity = forms.IntegerField(min_value=1, max_value=500, initial=30)
    expires_at = forms.DateTimeField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lessons"].choices = catalogue.choices()  # type: ignore[attr-defined]


class JoinForm(forms.Form):
    code = forms.CharField(max_length=20)
    display_name = forms.CharField(max_length=60)


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
