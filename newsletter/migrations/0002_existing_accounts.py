"""Accounts that exist before the newsletter: an active account that has signed in got its address
from an activation link or from an instructor, so it counts as verified, and it gets the weekly
issue (on by default for a course; every issue has a one-click unsubscribe)."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Subscriber = apps.get_model("newsletter", "Subscriber")
    now = timezone.now()
    users = User.objects.filter(is_active=True, last_login__isnull=False).exclude(email="")
    Subscriber.objects.bulk_create(
        [
            Subscriber(user_id=pk, verified_email=email, verified_at=now)
            for pk, email in users.values_list("pk", "email")
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
