import pytest

from oversight.directives.seed import ensure_seed_documents


@pytest.fixture
def seeded(world):
    """The world with the three seed documents and their tasks loaded."""
    world.docs = ensure_seed_documents()
    return world
