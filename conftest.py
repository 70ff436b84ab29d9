import pytest

from oversight.testing import make_world


@pytest.fixture
def world(db):
    """The small city of oversight.testing.make_world, rolled back after each test."""
    return make_world()
