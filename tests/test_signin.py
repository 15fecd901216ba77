"""Sign-in lockout (django-axes), driven through both sign-in forms as a guesser would."""

import os

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from newsboard.signin import client_ip
from tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
WRONG = "correct username and password"
LOCKED = "Too many failed sign-in attempts from your address. Try again in 15 minutes."
ATTACKER = "203.0.113.7"
CAMPUS = "198.51.100.9"
SIGN_IN_FORMS = ["admin:login", "login"]


def sign_in(
    client, username="instructor", password="wrong guess", ip=ATTACKER, form="admin:login", **headers
):
    return client.post(reverse(form), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in_as(client, user):
    return int(client.session.get("_auth_user_id", 0)) == user.pk


@pytest.mark.parametrize("form", SIGN_IN_FORMS)
def test_five_wrong_passwords_lock_that_user_name_from_that_address(client, instructor, form):
    for _ in range(4):
        response = sign_in(client, form=form)
        assert response.status_code == 200 and WRONG in response.content.decode()
    fifth = sign_in(client, form=form)
    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    # Even the right password is refused from that address while it is locked.
    locked = sign_in(client, password=PASSWORD, form=form)
    assert locked.status_code == 429 and not signed_in_as(client, instructor)


@pytest.mark.parametrize("form", SIGN_IN_FORMS)
def test_an_attacker_never_stops_the_instructor_signing_in_from_elsewhere(client, instructor, form):
    for name in ["instructor", "Instructor", "INSTRUCTOR"] * 5:
        sign_in(client, username=name, form=form)
    assert sign_in(client, password=PASSWORD, form="login").status_code == 429
    response = sign_in(client, password=PASSWORD, ip=CAMPUS, form=form)
    assert response.status_code == 302 and signed_in_as(client, instructor)


def test_user_names_count_case_insensitively(client, instructor):
    for name in ["instructor", "INSTRUCTOR", "Instructor", "iNsTrUcToR", "instructor"]:
        sign_in(client, username=name)
    assert sign_in(client, password=PASSWORD).status_code == 429


@override_settings(NEWSBOARD_TRUSTED_PROXY_COUNT=1)
def test_behind_the_trusted_proxy_each_client_address_is_counted_apart(client, instructor):
    proxy = "10.0.0.2"
    for _ in range(5):
        # A forged entry to the left of the proxy's own does not give the attacker a fresh address.
        sign_in(client, ip=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{_}, {ATTACKER}")
    assert sign_in(client, password=PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    response = sign_in(client, password=PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=CAMPUS, form="login")
    assert response.status_code == 302 and signed_in_as(client, instructor)


def test_a_class_behind_one_nat_is_never_locked_by_its_own_typos(client, instructor):
    students = [UserFactory(username=f"student{n}") for n in range(40)]
    for student in students:
        for _ in range(2):
            sign_in(client, username=student.username, ip=CAMPUS, form="login")
    response = sign_in(client, username="student0", password=PASSWORD, ip=CAMPUS, form="login")
    assert response.status_code == 302


@override_settings(NEWSBOARD_LOGIN_USERNAMES_PER_IP=3)
def test_an_address_failing_for_many_user_names_is_locked(client, instructor):
    for name in ["alice", "bob", "carol"]:
        sign_in(client, username=name)
    assert sign_in(client, password=PASSWORD).status_code == 429
    assert sign_in(client, password=PASSWORD, ip=CAMPUS).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, instructor):
    for _ in range(5):
        sign_in(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    response = sign_in(client, password=PASSWORD)
    assert response.status_code == 302 and signed_in_as(client, instructor)


def test_a_correct_password_resets_the_count_for_that_pair(client, instructor):
    for _ in range(4):
        sign_in(client)
    assert sign_in(client, password=PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client).status_code == 200


def test_an_instructor_unlocks_an_account_with_the_reset_command(client, instructor):
    for _ in range(5):
        sign_in(client)
    call_command("axes_reset_username", "instructor", verbosity=0)
    assert sign_in(client, password=PASSWORD).status_code == 302


def test_an_instructor_sees_the_attempts_in_the_admin_and_unlocks_by_deleting_them(client, instructor):
    for _ in range(5):
        sign_in(client)
    colleague = Client()
    colleague.force_login(InstructorFactory(username="colleague"))
    page = colleague.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and ATTACKER in page.content.decode()
    attempt = AccessAttempt.objects.get()
    confirm = {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    colleague.post(reverse("admin:axes_accessattempt_changelist"), confirm)
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, password=PASSWORD).status_code == 302


def test_every_login_path_is_locked_not_only_the_form(instructor):
    request = RequestFactory().post("/", REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        assert authenticate(request, username="instructor", password="wrong") is None
    request = RequestFactory().post("/", REMOTE_ADDR=ATTACKER)
    assert authenticate(request, username="instructor", password=PASSWORD) is None
    request = RequestFactory().post("/", REMOTE_ADDR=CAMPUS)
    assert authenticate(request, username="instructor", password=PASSWORD) == instructor


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "203.0.113.7"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.2", "1.1.1.1"),
        (2, "1.1.1.1", "203.0.113.7"),
    ],
)
def test_client_address_trusts_only_our_own_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(NEWSBOARD_TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="runs when the suite is on PostgreSQL")
def test_the_lock_holds_across_app_servers_through_the_shared_database(client, instructor):
    """Axes keeps attempts in the database every app server shares, not in a worker's memory."""
    for _ in range(5):
        sign_in(client)
    assert AccessAttempt.objects.get(username="instructor", ip_address=ATTACKER).failures_since_start == 5


@override_settings(NEWSBOARD_TRUSTED_PROXY_COUNT=1)
def test_a_forwarded_for_that_is_not_an_address_falls_back_to_the_peer(client, instructor):
    for junk in ["not-an-address", "1.2.3.4.5", "\x00", "unknown"]:
        response = sign_in(client, ip="10.0.0.2", HTTP_X_FORWARDED_FOR=junk)
        assert response.status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.2"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_USER_AGENT": "bot\x00", "HTTP_ACCEPT": "text/html\x00"}],
)
@pytest.mark.parametrize("username", ["x" * 5000, "Émile"])
def test_hostile_user_names_and_headers_are_counted_not_a_500(client, username, headers):
    for form in SIGN_IN_FORMS:
        response = sign_in(client, username=username, form=form, **headers)
        assert response.status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 2


def test_a_user_name_with_a_nul_is_a_form_error_not_a_500(client):
    # Django's form refuses it before authenticating, so there is nothing to count.
    assert sign_in(client, username="nul\x00name", form="login").status_code == 200
