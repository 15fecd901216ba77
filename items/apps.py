from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = "News board"

    def ready(self):
        from items import listed_tags, signals

        signals.connect()
        listed_tags.connect()
