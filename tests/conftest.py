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
    """CACHES for the Redis at REDIS_URL under a key prefix of the test's own.

    A prefix rather than a database: clear() would flush the whole database, and the keys the
    tests write expire by themselves.
    """
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"newsboard-test-{uuid.uuid4().hex}",
        }
    }
