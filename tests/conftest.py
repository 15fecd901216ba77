import os
import uuid

import pytest

from tests.factories import InstructorFactory, UserFactory


@pytest.fixture
def student(db):
    return UserFactory(username="student")


@pytest.fixture
def instructor(db):
    return InstructorFactory(username="instructor")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def real_redis_caches():
    """CACHES for this test worker's Redis database (tests/settings.py), under a key prefix of
    the test's own.

    The worker's own database, because another pytest-xdist worker FLUSHes its database between
    tests; a prefix, because the keys the test writes then expire by themselves.
    """
    from django.conf import settings

    location = settings.CACHES["default"]["LOCATION"] if os.environ.get("REDIS_URL") else ""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"newsboard-test-{uuid.uuid4().hex}",
        }
    }
