from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = "News board"

    def ready(self):
        from items import caching

        caching.connect()
