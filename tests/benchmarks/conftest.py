"""A tiny synthetic office, generated once per test that asks for it."""

import pytest

from benchmark.generate import generate
from benchmark.shape import Shape

FILES = 30


@pytest.fixture
def office(db):
    """30 files (and a few pending receipts) in the generator's own office, without the demo
    seeds; batches of 10 so that the batch boundaries are crossed."""
    messages = []
    generated = generate(Shape(files=FILES, batch=10), messages.append, with_base=False)
    generated.messages = messages
    return generated
