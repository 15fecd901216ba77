import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create (or reset) a staff account in the Instructors group with a freshly generated "
        "password, and print how to sign in. Run it again to get a new password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="instructor")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name="Instructors"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Sign in to the admin at {url} as “{username}” with the password {password}\n"
                "(generated just now; run `python manage.py instructor_login` for a new one)."
            )
        )
