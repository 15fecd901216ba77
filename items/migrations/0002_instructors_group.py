"""The Instructors group: exactly what curation and moderation need, nothing of users or groups."""

from django.db import migrations

INSTRUCTOR_PERMISSIONS = {
    "items": {
        "category": ["add", "change", "delete", "view"],
        "weeklyissue": ["add", "change", "delete", "view"],
        "newsitem": ["add", "change", "delete", "view"],
        "media": ["add", "change", "delete", "view"],
        "insight": ["add", "change", "delete", "view"],
        "discussion": ["add", "change", "view"],
        "comment": ["change", "view"],
        "commentreport": ["change", "view"],
        "coursesettings": ["change", "view"],
    },
    "taggit": {
        "tag": ["add", "change", "delete", "view"],
        "taggeditem": ["add", "change", "delete", "view"],
    },
}


def create_instructors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Instructors")
    codenames = []
    for app_label, models in INSTRUCTOR_PERMISSIONS.items():
        for model, actions in models.items():
            codenames += [(app_label, f"{action}_{model}") for action in actions]
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in codenames
    ]
    group.permissions.set(permissions)


def remove_instructors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Instructors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_instructors_group, remove_instructors_group)]
