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
