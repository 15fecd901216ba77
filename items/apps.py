from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = "News board"

    def ready(self):
        from items import caching, search_index

        caching.connect()
        # SQLite's search index: triggers off while migrations rebuild tables, on again after.
        pre_migrate.connect(search_index.drop_triggers, sender=self, dispatch_uid="search-index-drop")
        post_migrate.connect(search_index.install, sender=self, dispatch_uid="search-index-install")
