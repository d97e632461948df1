"""`make cost` (d) reads the customizable models' lifecycle on the synth's date (`genai:today`, else today's UTC date):
a base model past its end of life is shown as retired and not priced; a Legacy one is priced, with its end of life."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from infra.config import ConfigError
from infra.cost import customization_lines
from tests.clock import TODAY

ROOT = Path(__file__).resolve().parents[2]
HAIKU = "Anthropic Claude 3 Haiku"  # fine-tuned in us-west-2; end of life 2026-09-10


def _row(lines: list[str], name: str) -> list[str]:
    """The model's lines: its own and the indented ones under it."""
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(name))
    rest = lines[start + 1 :]
    end = next((i for i, line in enumerate(rest) if line[2:3] != " "), len(rest))
    return [lines[start], *rest[:end]]


def test_given_a_base_model_past_its_end_of_life_then_cost_shows_it_retired_and_prices_nothing_for_it():
    lines = customization_lines("us-west-2", TODAY)
    haiku = _row(lines, HAIKU)
    assert "retired: end of life 2026-09-10, not priced" in haiku[0]
    assert not any("storage" in line or "Provisioned Throughput" in line or "$" in line for line in haiku)
    assert "delete it" in haiku[1]
    assert "lifecycle on 2026-11-24" in lines[0]


def test_given_the_day_before_its_end_of_life_then_cost_prices_the_legacy_model_and_names_its_end_of_life():
    haiku = _row(customization_lines("us-west-2", date(2026, 9, 9)), HAIKU)
    assert "kept custom model: storage" in haiku[0]
    assert haiku[1].strip() == "Legacy: end of life 2026-09-10 (priced until then)"
    assert any("Provisioned Throughput" in line for line in haiku)


def test_given_make_cost_with_a_synth_date_then_the_report_reads_lifecycles_on_that_date(tmp_path):
    """What `make cost` runs after the synth: the same `-c` pairs, `genai:today` among them."""
    (tmp_path / "Stack.template.json").write_text(json.dumps({"Resources": {"T": {"Type": "AWS::DynamoDB::GlobalTable"}}}))
    run = subprocess.run(
        [sys.executable, "-m", "infra.cost", str(tmp_path), "-c", "profile=dev", "-c", f"genai:today={TODAY.isoformat()}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert "retired: end of life 2026-09-10, not priced" in _row(lines, HAIKU)[0]
    assert "retired: end of life 2026-07-07, not priced" in _row(lines, "Meta Llama 3.2 3B Instruct")[0]


def test_given_no_synth_date_then_cost_reads_today_in_utc_and_a_bad_one_is_refused():
    from infra.cost import cost_date

    assert cost_date({"genai:today": "2026-09-09"}) == date(2026, 9, 9)
    assert cost_date({}) == datetime.now(UTC).date()
    with pytest.raises(ConfigError, match="genai:today: 'soon' is not a date"):
        cost_date({"genai:today": "soon"})
