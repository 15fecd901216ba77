from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = "News board"

    def ready(self):
        from items import caching, search_index

        caching.connect()
        post_migrate.connect(search_index.install, sender=self, dispatch_uid="search-index-install")
