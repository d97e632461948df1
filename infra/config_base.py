"""What every section of the configuration shares: strict, frozen pydantic models that refuse unknown keys
(each module's own `_Model(BaseModel)` uses STRICT, so linters see a pydantic model), and the error a synth stops on."""

from __future__ import annotations

from pydantic import ConfigDict

STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class ConfigError(ValueError):
    """A configuration problem found at synth time, naming the key and the allowed values."""
