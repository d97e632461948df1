"""LOCAL_TODAY: the date the local stack's lifecycle rules read; tests pin tests/clock.py's, unset is the real date."""

from __future__ import annotations

import os
from datetime import date
from types import ModuleType
from typing import Any


def pin_today(sim: Any, *handlers: ModuleType) -> None:
    """Give each handler module (its `clock`) and the offline Bedrock (`sim`, when local) the pinned date, if any."""
    today = os.environ.get("LOCAL_TODAY")
    if not today:
        return
    from common.clock import Clock

    for handler in handlers:
        handler.clock = Clock(date.fromisoformat(today))  # type: ignore[attr-defined]
    if sim is not None:
        sim.account.today = today
