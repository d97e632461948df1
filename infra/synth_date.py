"""The synth date: the day the catalog's lifecycle dates are read on, by `cdk synth` and by `make cost`.

It decides which models a synth refuses (past end of life), warns about (Legacy), grants (the customization role's
teachers, the customize function's base models: infra/constructs/customization.py) and prices (`make cost` (d)). The
date is the UTC date of the machine, the calendar Lambda keeps (it runs in UTC), so a synth east or west of Greenwich
does not drop a grant a day early or late. The context value `genai:today` (`-c genai:today=YYYY-MM-DD`, or a key in
cdk.json's context) fixes it: a synth can be reproduced, and the tests do not depend on the day they run. A deployed
stack's grants follow the calendar only when it is synthesized and deployed again (docs/configuration.md#model-lifecycle).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from infra.config import ConfigError

CONTEXT_KEY = "genai:today"


def utc_today() -> date:
    return datetime.now(UTC).date()


def synth_date(value: object) -> date:
    """The date `genai:today` names, or today's UTC date when it is unset; anything else is a ConfigError."""
    if value is None or value == "":
        return utc_today()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{CONTEXT_KEY}: {value!r} is not a date like 2026-11-24") from None
