"""The one date every date-dependent test runs on, so no result depends on the day the suite runs.

2026-11-24: after Nova Canvas's end of life (2026-09-30) and Titan Image Generator v2's (2026-06-30).
"""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 24)
