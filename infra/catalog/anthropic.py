"""Anthropic Claude models on Bedrock (Converse), with where each fact was read.

Common to all of them:
* Prices: Anthropic's list price per 1M tokens for the global profile, plus the ~10% AWS documents for
  a geographic (`us.`) profile or in-region call of Claude 4.5 and later ("Global cross-Region
  inference ... offers approximately 10% savings ... compared to geographic cross-Region inference",
  https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html). The
  catalog keeps the US geographic price: a `global.` profile costs about 10% less.
* Sampling: Claude 4.5 and 4.6 reject temperature together with top_p ("`temperature` and `top_p`
  cannot both be specified for this model", [second-hand] reports on Sonnet 4.5 / Haiku 4.5 /
  Sonnet 4.6); Claude 4.7 and later reject temperature, top_p and top_k ("temperature is deprecated
  for this model", the AWS Opus 4.7 card and [second-hand] Bedrock error reports); while a model
  thinks, this product refuses sampling parameters altogether (Anthropic: "temperature may only be
  set to 1 when thinking is enabled or in adaptive mode").
* Thinking: https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-adaptive-thinking.html
  (adaptive thinking on Opus 4.6, Sonnet 4.6, Opus 4.7; Opus 4.7 "only support[s] adaptive thinking ...
  disabled thinking (thinking.type: "disabled") [is] not supported ... and will return a 400 error";
  older models need `budget_tokens`, which this product does not expose).
* Profiles of the models released in 2026 are [second-hand] (the model cards' programmatic-access
  tables could not be read): only `us.` (from us-east-1, us-east-2, us-west-2) and `global.` are
  listed; see docs/configuration.md for the prefixes left out and why.
"""

from __future__ import annotations

from infra.catalog.model_info import UNIT, ChatModelInfo, Effort, Lifecycle, Range, Reasoning
from infra.catalog.regions import EU6, JP, US, claude_profiles, same, us_only

CARD = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-{}.md"
ALL_EFFORTS: tuple[Effort, ...] = ("low", "medium", "high", "xhigh", "max")
UP_TO_MAX: tuple[Effort, ...] = ("low", "medium", "high", "max")  # Claude 4.6: `max` came with 4.6, `xhigh` with Opus 4.7 [second-hand]


def _claude(model_id: str, name: str, **facts: object) -> ChatModelInfo:
    """A Claude model with the family's common facts (4 stop sequences, no in-region throughput, a global profile)."""
    base: dict[str, object] = {
        "model_id": model_id,
        "name": name,
        "family": "anthropic",
        "max_stop_sequences": 4,
        "in_region": (),
        "global_profile": True,
        "temperature": None,
        "top_p": None,
        "top_k": None,
        "temperature_with_top_p": False,
    }
    return ChatModelInfo(**(base | facts))  # type: ignore[arg-type]


SAMPLING_4_5 = {"temperature": UNIT, "top_p": UNIT, "top_k": Range(1, 500)}

ANTHROPIC_MODELS = (
    _claude(
        "anthropic.claude-haiku-5-5",
        "Claude Haiku 5.5",
        max_output_tokens=128_000,
        price_input_per_million=0.11,
        price_output_per_million=0.55,
        profiles=us_only(),
        output_tokens_per_second=60,
        reasoning=Reasoning(
            ALL_EFFORTS,
            "optional",
            thinks_by_default=True,
            efforts_without_thinking=("low", "medium", "high"),
            default_effort="medium",
            thinking_types=("adaptive", "disabled"),
        ),
        lifecycle=Lifecycle(
            launched="2026-10-07",
            eol_not_before="2027-10-07",
            source=CARD.format("haiku-5-5")
            + " [official]: launch Oct 7, 2026; EOL no sooner than Oct 7, 2027; Legacy period 6 months; Active",
        ),
        sources=f"{CARD.format('haiku-5-5')} [official]: id, 128K output, 'adaptive thinking is on by default and can be turned "
        "off; effort ... low, medium, high, xhigh, max; default: medium; effort capped at high when thinking is disabled'. "
        "Price: Anthropic's 'From $0.10 / $0.50' for prompts up to 100,000 tokens (5x above) + 10% [official Anthropic; the "
        "Bedrock price page was not readable]. No sampling parameters [second-hand: Claude 5.5 migration notes]. "
        "Profiles us., global. [second-hand: @ai-sdk/amazon-bedrock 'us.anthropic.claude-haiku-5-5', public configs].",
    ),
    _claude(
        "anthropic.claude-opus-5-5",
        "Claude Opus 5.5",
        max_output_tokens=128_000,
        price_input_per_million=4.40,
        price_output_per_million=22.00,
        profiles=us_only(),
        output_tokens_per_second=25,
        reasoning=Reasoning(ALL_EFFORTS, "always", thinks_by_default=True, efforts_without_thinking=(), default_effort="medium"),
        lifecycle=Lifecycle(
            launched="2026-09-22",
            eol_not_before="2027-09-22",
            source=CARD.format("opus-5-5")
            + " [official, ja_jp/zh_tw copies]: launch Sep 22, 2026; EOL no sooner than Sep 22, 2027; Legacy 6 months",
        ),
        sources=f"{CARD.format('opus-5-5')} [official, translated copies]: 128K output, 'adaptive thinking is always on and "
        "cannot be disabled; effort low, medium, high, xhigh, max; default: medium'; Converse on bedrock-runtime. "
        "Price $4/$20 [official Anthropic] + 10%. No sampling parameters, no forced tool use [official Anthropic: "
        "what's new in Opus 5.5]. Profiles us., global. [second-hand].",
    ),
    _claude(
        "anthropic.claude-opus-4-7",
        "Claude Opus 4.7",
        max_output_tokens=128_000,
        price_input_per_million=5.50,
        price_output_per_million=27.50,
        profiles=us_only(),
        output_tokens_per_second=25,
        reasoning=Reasoning(ALL_EFFORTS, "optional", thinks_by_default=False, efforts_without_thinking=ALL_EFFORTS, default_effort="high"),
        lifecycle=Lifecycle(
            launched="2026-04-16",
            eol_not_before="2027-04-16",
            source=CARD.format("opus-4-7") + " [official]: launch Apr 16, 2026; EOL no sooner than Apr 16, 2027; Active",
        ),
        sources=f"{CARD.format('opus-4-7')} [official]: 128K output, 'Reasoning: Supported (thinking.type: \"adaptive\" only)'; "
        "the adaptive-thinking page: 'disabled' is a 400, so thinking off is sent as no thinking field (thinking is opt-in "
        "[second-hand: OpenRouter's Opus 4.7 guide]). No temperature/top_p/top_k [second-hand: Bedrock 'temperature is "
        "deprecated for this model' reports]. Price $5/$25 [official Anthropic] + 10%. Profiles us., global. [second-hand].",
    ),
    _claude(
        "anthropic.claude-opus-4-6-v1",
        "Claude Opus 4.6",
        max_output_tokens=128_000,
        price_input_per_million=5.50,
        price_output_per_million=27.50,
        temperature=UNIT,
        top_p=UNIT,
        profiles={"us": same(US), "eu": claude_profiles()["eu"]},
        output_tokens_per_second=25,
        reasoning=Reasoning(
            UP_TO_MAX, "optional", False, UP_TO_MAX, default_effort="high", thinking_types=("adaptive", "enabled", "disabled")
        ),
        lifecycle=Lifecycle(
            launched="2026-02-05",
            eol_not_before="2027-02-05",
            source=CARD.format("opus-4-6") + " [official]: launch Feb 5, 2026; EOL no sooner than Feb 5, 2027; Active",
        ),
        sources=f"{CARD.format('opus-4-6')} [official]: 128K output, reasoning supported; adaptive thinking (budget "
        "thinking deprecated) per the adaptive-thinking page. Accepts temperature [second-hand]; temperature with top_p "
        "assumed refused like 4.5/4.6. Price $5/$25 [official Anthropic] + 10%. Profiles: Anthropic's Bedrock page says "
        "global/us/eu/jp/apac, a table citing the AWS card says global/us/eu/au: only the ones both name are listed.",
    ),
    _claude(
        "anthropic.claude-sonnet-4-6",
        "Claude Sonnet 4.6",
        max_output_tokens=64_000,
        price_input_per_million=3.30,
        price_output_per_million=16.50,
        temperature=UNIT,
        top_p=UNIT,
        top_k=Range(1, 500),
        profiles={"us": same(US), "eu": same(EU6), "jp": same(JP)},
        output_tokens_per_second=30,
        reasoning=Reasoning(
            UP_TO_MAX, "optional", False, UP_TO_MAX, default_effort="high", thinking_types=("adaptive", "enabled", "disabled")
        ),
        lifecycle=Lifecycle(
            launched="2026-02-17",
            source="launch date from Anthropic's Sonnet 4.6 page; the AWS card was not found: "
            "Bedrock's status and dates come from ListFoundationModels (make doctor)",
        ),
        sources="AWS card not found. Max output: Anthropic says 128K, earlier summaries 64K: 64K kept (a lower limit can only "
        "refuse, never fail at AWS). Adaptive thinking per the AWS adaptive-thinking page; effort levels low/medium/high/max "
        "[second-hand]. Price $3/$15 [official Anthropic] + 10%. Profiles from the earlier catalog (Anthropic's table: no apac).",
    ),
    _claude(
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "Claude Sonnet 4.5",
        max_output_tokens=64_000,
        price_input_per_million=3.30,
        price_output_per_million=16.50,
        **SAMPLING_4_5,
        profiles=claude_profiles(),
        output_tokens_per_second=30,
        lifecycle=Lifecycle(
            launched="2025-09-29",
            source="Bedrock dates not found. Anthropic retires it from its own API on "
            "2026-11-30; Bedrock sets its own dates (model-lifecycle page), so none is recorded: make doctor reads them",
        ),
        sources="64K output, $3/$15 [official Anthropic] + 10%; temperature XOR top_p [second-hand reports]; profiles per the "
        "geographic-cross-region-inference page (earlier catalog). Extended thinking needs budget_tokens: not exposed.",
    ),
    _claude(
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        "Claude Haiku 4.5",
        max_output_tokens=64_000,
        price_input_per_million=1.10,
        price_output_per_million=5.50,
        **SAMPLING_4_5,
        profiles=claude_profiles(),
        output_tokens_per_second=60,
        lifecycle=Lifecycle(
            launched="2025-10-16",
            eol_not_before="2026-10-01",
            source="a May 2026 copy of the AWS Haiku 4.5 card "
            "[second-hand copy]: launch Oct 16, 2025, 'EOL: No sooner than 10/1/2026', Active; that date has passed, "
            "so Bedrock may announce an end of life: make doctor reads it",
        ),
        sources="64K output, temperature XOR top_p ('Setting both returns a 400 error on Claude Haiku 4.5') [official Anthropic "
        "migration guide]; $1/$5 [official Anthropic] + 10%; no adaptive thinking or effort (adaptive-thinking page: older "
        "models need budget_tokens, not exposed here); profiles per the geographic-cross-region-inference page.",
    ),
)
