from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = "News board"

    def ready(self):
        from items import caching, issue_listing, listed_media, listed_tags

        caching.connect()
        listed_tags.connect()
        issue_listing.connect()
        listed_media.connect()
