"""The small account views Django does not ship: sign-up (with the course join code), its email
confirmation, and settings; and Django's password reset with throttles.

Sign-in, sign-out, password change and reset are Django's own views (``django.contrib.auth.urls``)
with the templates in ``templates/registration/``.

Sign-up never tells whether an email address has an account: like Django's password reset, every
valid sign-up answers "check your email". A new address gets a link that activates the account;
an address that has one gets an email saying so, with a link to reset its password. Reset and
sign-up are throttled per client address and per email address, so neither can be used to flood
a mailbox or to try join codes.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.contrib.auth.views import PasswordResetView
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlencode,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage, is_ratelimited

from items import services
from items.models import CourseSettings, Profile
from items.rendering import without_bidi_controls
from newsboard.signin import client_ip
from newsletter import tasks
from newsletter.models import Subscriber, same_address
from newsletter.verification import send_verification

# Letters and digits that look alike in common fonts, after casefolding (from Unicode's
# confusables.txt, UTS #39, restricted to the ASCII that user names may use).
LOOKALIKE_SEQUENCES = [("rn", "m"), ("vv", "w"), ("cl", "d")]
LOOKALIKE_LETTERS = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})


def username_skeleton(username):
    """What a user name looks like, so that names one could pass for another compare equal."""
    skeleton = username.casefold()
    for sequence, looks_like in LOOKALIKE_SEQUENCES:
        skeleton = skeleton.replace(sequence, looks_like)
    return skeleton.translate(LOOKALIKE_LETTERS)


THROTTLED = "Too many attempts from your address. Please wait an hour and try again."


class SignUpForm(UserCreationForm):
    """Username, email, password (Django's validators), display name and, when set, the join code."""

    email = forms.EmailField(
        help_text="For password resets and, if you want them, the weekly issue and reply notifications."
    )
    display_name = forms.CharField(
        max_length=80, required=False, help_text="Shown with your comments. Defaults to your username."
    )
    join_code = forms.CharField(
        max_length=60, required=False, help_text="The code your instructor gave you for this course."
    )
    weekly_issue = forms.BooleanField(
        label="Email me each week's issue",
        required=False,
        initial=True,
        help_text="ML Weekly in your inbox when it is published. Unsubscribe from any issue in one click.",
    )
    notify_replies = forms.BooleanField(
        label="Email me replies", required=False, initial=True, help_text="When someone answers your comment."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]
        help_texts = {
            "username": (
                "Letters a–z, digits and @ . + - _ only, so that no name can pass for another "
                "(a Cyrillic “і” in “іnstructor”). Shown with your comments unless you set a display name."
            )
        }

    def __init__(self, *args, join_code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_join_code = join_code
        if join_code:
            self.fields["join_code"].required = True
            # First on the page, as it is checked first.
            self.order_fields(["join_code"])
        else:
            del self.fields["join_code"]

    def full_clean(self):
        # A wrong join code is the only answer a stranger gets: no word on user names, emails
        # or passwords (and no password hashing) until the code is right.
        if self.is_bound and self.expected_join_code and not self.join_code_matches():
            self._errors = ErrorDict()
            self.cleaned_data = {}
            self.add_error("join_code", "That is not this course's join code. Ask your instructor for it.")
            return
        super().full_clean()

    def clean_username(self):
        username = super().clean_username()
        if not username:  # Django's own check found the same name in another case.
            return username
        ASCIIUsernameValidator()(username)
        skeleton = username_skeleton(username)
        names = get_user_model().objects.values_list("username", flat=True)
        if any(username_skeleton(name) == skeleton for name in names):
            raise forms.ValidationError(
                "That user name looks too much like an existing one. Please choose another.",
                code="confusable",
            )
        return username

    def clean_display_name(self):
        # Shown beside every comment: a bidi override here would reorder the thread around it.
        return without_bidi_controls(self.cleaned_data["display_name"]).strip()

    def join_code_matches(self):
        code = str(self.data.get(self.add_prefix("join_code"), "")).strip().casefold()
        return bool(code) and constant_time_compare(code, self.expected_join_code.strip().casefold())


class ProfileForm(forms.ModelForm):
    """Display name, the email address and what the board may send to it.

    A new address is not taken at once: it waits (``Subscriber.pending_email``) until the link
    sent to it is opened, and the account keeps its verified address until then.
    """

    email = forms.EmailField(
        required=False, help_text="Where the board sends email. A new address gets a link to confirm it."
    )
    weekly_issue = forms.BooleanField(
        label="Email me each week's issue",
        required=False,
        help_text="ML Weekly in your inbox when it is published. Each issue has a one-click unsubscribe.",
    )

    class Meta:
        model = Profile
        fields = ["display_name", "email", "weekly_issue", "notify_replies", "credit_by_name"]
        labels = {
            "notify_replies": "Email me replies to my comments",
            "credit_by_name": "Credit me by name when my comment becomes an insight",
        }
        help_texts = {
            "display_name": "Shown with your comments. Leave empty to use your username.",
            "credit_by_name": "An instructor may turn a comment of yours into one of the course's insights, "
            "which then says “Suggested by” your name. Untick to be credited as “a student”, "
            "on insights already published too. A comment you posted anonymously always is.",
        }

    def __init__(self, *args, subscriber, **kwargs):
        self.subscriber = subscriber
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("email", subscriber.user.email)
        initial.setdefault("weekly_issue", subscriber.weekly_issue)
        super().__init__(*args, **kwargs)
        self.order_fields(["display_name", "email", "weekly_issue", "notify_replies", "credit_by_name"])

    def clean_display_name(self):
        return without_bidi_controls(self.cleaned_data["display_name"]).strip()

    def save(self, commit=True):
        profile = super().save(commit)
        if "credit_by_name" in self.changed_data and not profile.credit_by_name:
            services.uncredit_author(profile.user)
        subscriber = self.subscriber
        if self.cleaned_data["weekly_issue"] != subscriber.weekly_issue:
            subscriber.weekly_issue = self.cleaned_data["weekly_issue"]
            subscriber.unsubscribed_at = None if subscriber.weekly_issue else timezone.now()
        self.new_email = ""
        email = self.cleaned_data["email"].strip()
        if email and not same_address(email, subscriber.user.email):
            subscriber.pending_email = self.new_email = email
        subscriber.save()
        return profile


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only paths on this site: a bare word ("hide") is no place to send anyone.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return ""


def _limited(request, group, key, per_hour):
    """Count this request against ``key``'s hourly allowance in ``group``; True past it."""
    return is_ratelimited(
        request, group=group, key=lambda _group, _request: key, rate=f"{per_hour}/h", increment=True
    )


def _over(request, group, key, per_hour):
    """Whether ``key`` has used up its hourly allowance in ``group``, without counting this request."""
    usage = get_usage(request, group=group, key=lambda _group, _request: key, rate=f"{per_hour}/h")
    return usage is not None and usage["count"] >= usage["limit"]


def _mailbox(email):
    return str(email).strip().casefold()


def _valid_for():
    hours = settings.PASSWORD_RESET_TIMEOUT / 3600
    return f"{hours:g} hour{'s' if hours != 1 else ''}"


def _mail(request, template, recipient, context):
    context = context | {
        "site_name": settings.NEWSBOARD_SITE_NAME,
        "base": request.build_absolute_uri("/")[:-1],
    }
    subject, _, body = render_to_string(template, context).partition("\n\n")
    # Sent by the worker (newsletter.tasks), never inside this request.
    tasks.enqueue(tasks.send_email, subject.strip(), body, recipient)


def _send_sign_up_mail(request, form, next_url):
    """Email the address: an activation link for a new account, or a note that one exists."""
    email = form.cleaned_data["email"]
    if _limited(request, "signup-mail", _mailbox(email), settings.NEWSBOARD_ACCOUNT_EMAILS_PER_ADDRESS):
        return  # The same answer as ever: the mailbox already got its share this hour.
    existing = get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None and (existing.is_active or existing.last_login):
        _mail(request, "registration/signup_existing_email.txt", email, {"user": existing})
        return
    if existing is None:
        with transaction.atomic():
            existing = form.save(commit=False)
            existing.is_active = False
            existing.save()
            Profile.objects.create(
                user=existing,
                display_name=form.cleaned_data["display_name"].strip(),
                notify_replies=form.cleaned_data["notify_replies"],
            )
            Subscriber.objects.create(user=existing, weekly_issue=form.cleaned_data["weekly_issue"])
    uid = urlsafe_base64_encode(force_bytes(existing.pk))
    link = reverse("signup_activate", args=[uid, default_token_generator.make_token(existing)])
    if next_url:
        link += "?" + urlencode({"next": next_url})
    _mail(request, "registration/signup_activation_email.txt", email, {"user": existing, "link": link})


@login_not_required
@sensitive_post_parameters("password1", "password2")
def signup(request):
    """Create a student account; it is activated from the link emailed to its address.

    Template: ``registration/signup.html``. Context: ``form``, ``next``.
    """
    if request.user.is_authenticated:
        return redirect("items:home")
    join_code = CourseSettings.load().join_code
    form = SignUpForm(request.POST or None, join_code=join_code)
    status = 200
    if request.method == "POST":
        ip = client_ip(request)
        if join_code and _over(request, "join-code", ip, settings.NEWSBOARD_JOIN_CODE_FAILURES_PER_IP):
            form, status = _throttled_form(request, join_code), 429
        elif form.is_valid():
            if not _limited(request, "signup", ip, settings.NEWSBOARD_SIGNUPS_PER_IP):
                _send_sign_up_mail(request, form, _next_url(request))
                return redirect("signup_done")
            form, status = _throttled_form(request, join_code), 429
        elif join_code and not form.join_code_matches():
            _limited(request, "join-code", ip, settings.NEWSBOARD_JOIN_CODE_FAILURES_PER_IP)
    return render(
        request, "registration/signup.html", {"form": form, "next": _next_url(request)}, status=status
    )


def _throttled_form(request, join_code):
    messages.error(request, THROTTLED)
    return SignUpForm(join_code=join_code, initial=request.POST.dict())


@login_not_required
def signup_done(request):
    """Template: ``registration/signup_done.html``."""
    return render(request, "registration/signup_done.html", {"valid_for": _valid_for()})


@login_not_required
def signup_activate(request, uidb64, token):
    """Activate the account from its emailed link and sign it in (the link then stops working)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
        user = get_user_model().objects.get(pk=pk, is_active=False, last_login__isnull=True)
    except (ValueError, OverflowError, UnicodeDecodeError, get_user_model().DoesNotExist):
        raise Http404("This activation link is not valid.") from None
    if not default_token_generator.check_token(user, token):
        raise Http404("This activation link is not valid or has expired.")
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        # The link reached the address: it is verified.
        subscriber, _ = Subscriber.objects.get_or_create(user=user)
        subscriber.mark_verified(user.email)
        subscriber.save()
    login(request, user, backend="newsboard.signin.ProfileModelBackend")
    messages.success(request, "Welcome! Your account is ready.")
    # A plain redirect: redirect() would try a bare word like "hide" as a view name (a 500).
    next_url = _next_url(request)
    return HttpResponseRedirect(next_url) if next_url else redirect("items:home")


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most a few emails an hour to one mailbox (silently: the
    answer never tells whether the address has an account)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        if _limited(self.request, "reset-mail", _mailbox(self.cleaned_data["email"]), self.per_mailbox):
            return
        # Django's own rendering; the sending is the worker's (newsletter.tasks).
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        html = render_to_string(html_email_template_name, context) if html_email_template_name else None
        tasks.enqueue(tasks.send_email, subject, body, to_email, html=html)


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, with a limit on requests from one client address."""

    form_class = ThrottledPasswordResetForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.request = self.request
        form.per_mailbox = settings.NEWSBOARD_ACCOUNT_EMAILS_PER_ADDRESS
        return form

    def post(self, request, *args, **kwargs):
        if _limited(request, "reset", client_ip(request), settings.NEWSBOARD_RESET_REQUESTS_PER_IP):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, THROTTLED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def _base(request):
    return request.build_absolute_uri("/")[:-1]


@login_required
def account_settings(request):
    """Display name, email address, the weekly issue and reply notifications.

    Template: ``registration/account_settings.html``. Context: ``form``, ``subscriber``.
    """
    profile, _ = Profile.objects.get_or_create(user=request.user)
    subscriber, _ = Subscriber.objects.select_related("user").get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile, subscriber=subscriber)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.new_email:
            if not _limited(
                request,
                "verify-mail",
                _mailbox(form.new_email),
                settings.NEWSBOARD_ACCOUNT_EMAILS_PER_ADDRESS,
            ):
                send_verification(request.user, form.new_email, base=_base(request))
            messages.success(
                request,
                f"Your settings are saved. Open the link we sent to {form.new_email} to start using it; "
                "until then email goes to your current address.",
            )
        else:
            messages.success(request, "Your settings are saved.")
        return redirect("account_settings")
    return render(request, "registration/account_settings.html", {"form": form, "subscriber": subscriber})


@login_required
@require_POST
def send_verification_link(request):
    """Send (again) the link that verifies the account's address, or the new one waiting."""
    subscriber, _ = Subscriber.objects.select_related("user").get_or_create(user=request.user)
    email = subscriber.pending_email or request.user.email
    if not email or (subscriber.is_verified and not subscriber.pending_email):
        return redirect("account_settings")
    if _limited(request, "verify-mail", _mailbox(email), settings.NEWSBOARD_ACCOUNT_EMAILS_PER_ADDRESS):
        messages.error(
            request, "A few links were already sent to that address this hour. Please wait and try again."
        )
    else:
        send_verification(request.user, email, base=_base(request))
        messages.success(request, f"We sent a link to {email}. Open it to confirm the address.")
    return redirect("account_settings")
