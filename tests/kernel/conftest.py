"""The kernel's tests write audit rows with actions of their own, not any app's."""

import pytest

from kernel import audit_actions
from tests.kernel.example_actions import ExampleAction


@pytest.fixture(autouse=True)
def example_actions():
    audit_actions.register(ExampleAction)
    yield ExampleAction
    audit_actions.unregister(ExampleAction)
