"""Shared test set-up: hypothesis profiles and paths.

The default profile ("quick") keeps the suite fast enough for CI on two cores; run the deep one
with ``HYPOTHESIS_PROFILE=deep pytest``.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile(
    "quick", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA_DIR = ROOT / "src" / "proccodes" / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"
