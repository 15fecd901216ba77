from django.conf import settings


def board(request):
    """The site name every page shows."""
    return {"site_name": settings.NEWSBOARD_SITE_NAME}
