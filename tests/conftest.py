"""Test-wide settings.

Under CI (``CI=true``) every hypothesis test runs derandomized: a submission's result then
depends on its code alone, not on the day's random examples. Locally the default profile keeps
exploring new examples (and stores failures in .hypothesis/ to replay them).
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")
