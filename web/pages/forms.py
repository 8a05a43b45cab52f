"""The "create a sandbox" form: a name a learner can type, checked by Kubernetes' own rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster.models import Sandbox
from cluster.validation import dns1123_label

MAX_NODES = 10


class SandboxForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=63, help_text=_("For example: my-cluster"))
    nodes = forms.IntegerField(label=_("Nodes"), min_value=1, max_value=MAX_NODES, initial=3)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        # The sandbox name becomes part of URLs and kubeconfig names, so it follows the
        # same rule as a namespace name; the message is reworded for a newcomer.
        if dns1123_label("name", name):
            raise forms.ValidationError(
                _("Use lowercase letters, digits and '-', starting and ending with a letter or digit."),
                code="invalid")
        if Sandbox.objects.filter(name=name).exists():
            raise forms.ValidationError(_("A sandbox named “%(name)s” already exists."), code="exists",
                                        params={"name": name})
        return name
