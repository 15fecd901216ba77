"""The pages behind the links in emails: one-click unsubscribe (RFC 8058) and address verification.

Neither needs a sign-in: the signed token in the link is the authority. A link that was tampered
with, has expired or names an account that is gone gets a page that says so (4xx), never a 500.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsletter.models import Subscriber, same_address
from newsletter.tokens import LinkExpired, LinkInvalid, unsubscribe_user_pk, verify_payload


def _link_problem(request, problem, status):
    return render(request, "newsletter/link_problem.html", {"problem": problem}, status=status)


@csrf_exempt  # Mail clients POST "List-Unsubscribe=One-Click" with no cookie and no CSRF token.
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button; POST (the button, or the mail client's one-click): unsubscribe."""
    try:
        user_pk = unsubscribe_user_pk(token)
    except LinkExpired:
        return _link_problem(request, "expired", 410)
    except LinkInvalid:
        return _link_problem(request, "invalid", 400)
    subscriber = Subscriber.objects.select_related("user").filter(user_id=user_pk).first()
    if subscriber is None:
        return _link_problem(request, "gone", 404)
    context = {"subscriber": subscriber}
    if request.method == "POST":
        with transaction.atomic():
            changed = Subscriber.objects.filter(pk=subscriber.pk, weekly_issue=True).update(
                weekly_issue=False, unsubscribed_at=timezone.now()
            )
        return render(request, "newsletter/unsubscribed.html", context | {"already": not changed})
    if not subscriber.weekly_issue:
        return render(request, "newsletter/unsubscribed.html", context | {"already": True})
    return render(request, "newsletter/unsubscribe_confirm.html", context)


@login_not_required
def verify_email(request, token):
    """Prove an address: the one on the account, or a new one waiting in ``pending_email``."""
    try:
        user_pk, email = verify_payload(token)
    except LinkExpired:
        return _link_problem(request, "verify-expired", 410)
    except LinkInvalid:
        return _link_problem(request, "invalid", 400)
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return _link_problem(request, "gone", 404)
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.select_for_update().get_or_create(user=user)
        if same_address(email, subscriber.pending_email) and not same_address(email, user.email):
            taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
            if taken:
                return _link_problem(request, "taken", 409)
            user.email = email
            user.save(update_fields=["email"])
        elif not same_address(email, user.email):
            return _link_problem(request, "stale", 400)
        subscriber.pending_email = ""
        subscriber.mark_verified(user.email)
        subscriber.save()
    return render(request, "newsletter/verified.html", {"email": user.email})
