"""The small account views Django does not ship: sign-up (with the course join code) and settings.

Sign-in, sign-out, password change and reset are Django's own views (``django.contrib.auth.urls``)
with the templates in ``templates/registration/``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from items.models import CourseSettings, Profile


class SignUpForm(UserCreationForm):
    """Username, email, password (Django's validators), display name and, when set, the join code."""

    email = forms.EmailField(help_text="For password resets and, if you want them, reply notifications.")
    display_name = forms.CharField(
        max_length=80, required=False, help_text="Shown with your comments. Defaults to your username."
    )
    join_code = forms.CharField(
        max_length=60, required=False, help_text="The code your instructor gave you for this course."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def __init__(self, *args, join_code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_join_code = join_code
        if join_code:
            self.fields["join_code"].required = True
        else:
            del self.fields["join_code"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email exists. Try “Forgot your password?”.")
        return email

    def clean_join_code(self):
        code = self.cleaned_data["join_code"].strip()
        if not constant_time_compare(code.casefold(), self.expected_join_code.strip().casefold()):
            raise forms.ValidationError("That is not this course's join code. Ask your instructor for it.")
        return code


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "notify_replies"]
        labels = {"notify_replies": "Email me when someone replies to my comment"}
        help_texts = {"display_name": "Shown with your comments. Leave empty to use your username."}


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only paths on this site: a bare word ("hide") is no place to send anyone.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return ""


@login_not_required
@sensitive_post_parameters("password1", "password2")
def signup(request):
    """Create a student account and sign it in.

    Template: ``registration/signup.html``. Context: ``form``, ``next``.
    """
    if request.user.is_authenticated:
        return redirect("items:home")
    join_code = CourseSettings.load().join_code
    form = SignUpForm(request.POST or None, join_code=join_code)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            Profile.objects.create(user=user, display_name=form.cleaned_data["display_name"].strip())
        login(request, user, backend="newsboard.signin.ProfileModelBackend")
        messages.success(request, "Welcome! Your account is ready.")
        # A plain redirect: redirect() would try a bare word like "hide" as a view name (a 500).
        next_url = _next_url(request)
        return HttpResponseRedirect(next_url) if next_url else redirect("items:home")
    return render(request, "registration/signup.html", {"form": form, "next": _next_url(request)})


@login_required
def account_settings(request):
    """Display name and reply notifications.

    Template: ``registration/account_settings.html``. Context: ``form``.
    """
    profile, _ = Profile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("account_settings")
    return render(request, "registration/account_settings.html", {"form": form})
