"""Test-wide settings.

Under CI (``CI=true``) every hypothesis test runs derandomized: a submission's result then
depends on its code alone, not on the day's random examples. Locally the default profile keeps
exploring new examples (and stores failures in .hypothesis/ to replay them).
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")


# pytest-xdist's workers start with COLUMNS=80 when the controller has none, and the table
# format fits COLUMNS (scenario._render.terminal_width): give each worker the controller's.
@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["controller_columns"] = os.environ.get("COLUMNS")


def pytest_configure(config):
    columns = getattr(config, "workerinput", {}).get("controller_columns", "unset")
    if columns is None:
        os.environ.pop("COLUMNS", None)
    elif columns != "unset":
        os.environ["COLUMNS"] = columns
