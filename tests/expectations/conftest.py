import pytest

from transforms.examples import birth_raw


@pytest.fixture
def raw_birth():
    """``raw_birth([{field: text, …}, …])``: raw birth rows, the example row overridden."""
    return birth_raw
