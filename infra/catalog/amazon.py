"""Amazon Nova chat models and the embedding models, with where each fact was read.

Nova takes `topK` (and Nova 2's other model-specific fields) in additionalModelRequestFields
["inferenceConfig"] (https://docs.aws.amazon.com/nova/latest/nova2-userguide/core-inference.html and
its code library, which also sends temperature with topP). Nova 2 Lite's extended thinking is off by
default and set by `reasoningConfig: {"type": "enabled", "maxReasoningEffort": "low"|"medium"|"high"}`
(https://docs.aws.amazon.com/nova/latest/nova2-userguide/extended-thinking.html); AWS's own samples and
langchain-aws put `reasoningConfig` at the top of additionalModelRequestFields, which is what this
product sends (the core-inference page's sentence could also be read as nesting it in `inferenceConfig`).
"""

from __future__ import annotations

from infra.catalog.model_info import UNIT, ChatModelInfo, EmbeddingModelInfo, Lifecycle, Range, Reasoning
from infra.catalog.regions import US, nova_profiles, same

NOVA_1_LIFECYCLE = Lifecycle(source="Active as of 2026-09-01 [second-hand: a summary generated from the Bedrock lifecycle page]")

NOVA_MODELS = (
    ChatModelInfo(
        model_id="amazon.nova-2-lite-v1:0",
        name="Amazon Nova 2 Lite",
        family="nova",
        max_output_tokens=10_000,
        temperature=UNIT,
        top_p=UNIT,
        top_k=Range(1, 128),
        temperature_with_top_p=True,
        max_stop_sequences=4,
        price_input_per_million=0.33,
        price_output_per_million=2.75,
        in_region=(),
        profiles={"us": same(US)},
        global_profile=True,
        output_tokens_per_second=60,
        reasoning=Reasoning(
            ("low", "medium"),
            "optional",
            thinks_by_default=False,
            efforts_without_thinking=(),
            note="high is not offered: at high effort Nova 2 Lite takes no maxTokens (the Converse call must leave it unset "
            "[second-hand: an AWS engineer's report, inspect_ai#3767]), so its answer could not be kept within this API's 29 s",
            thinking_types=("enabled", "disabled"),  # reasoningConfig.type
            documented_efforts=("low", "medium", "high"),
        ),
        lifecycle=Lifecycle(
            launched="2025-12-02",
            source="https://docs.aws.amazon.com/nova/latest/userguide/doc-history.md "
            "[official]: 'Amazon Nova 2.0 is now available' (2025-12-02); no end-of-life date found",
        ),
        sources="ids global./us.amazon.nova-2-lite-v1:0 [official: nova2-userguide/core-inference]; profile-only (no bare id "
        "listed); extended thinking off by default, effort low/medium/high, reasoning text returned as [REDACTED] [official: "
        "nova2-userguide reasoning-capabilities, extended-thinking]; us. sources assumed to be us-east-1/2, us-west-2. "
        "Max output: 65,535 reported [second-hand], 10,000 kept. topK range assumed from Nova 1. "
        "Price $0.33/$2.75 [second-hand: a gateway's Bedrock rate; the Bedrock price page was not readable].",
    ),
    ChatModelInfo(
        model_id="amazon.nova-lite-v1:0",
        name="Amazon Nova Lite",
        family="nova",
        max_output_tokens=5_000,
        temperature=UNIT,
        top_p=UNIT,
        top_k=Range(1, 128),
        temperature_with_top_p=True,
        max_stop_sequences=4,
        price_input_per_million=0.06,
        price_output_per_million=0.24,
        in_region=("us-east-1",),
        profiles=nova_profiles(),
        global_profile=False,
        output_tokens_per_second=100,
        lifecycle=NOVA_1_LIFECYCLE,
        sources="earlier catalog (Nova user guide v1; max output kept at 5,000, conservative); no reasoning: reasoningConfig is "
        "refused [second-hand: 'the provided reasoning config value is invalid' on Nova Pro, inspect_ai#5301]",
    ),
    ChatModelInfo(
        model_id="amazon.nova-pro-v1:0",
        name="Amazon Nova Pro",
        family="nova",
        max_output_tokens=5_000,
        temperature=UNIT,
        top_p=UNIT,
        top_k=Range(1, 128),
        temperature_with_top_p=True,
        max_stop_sequences=4,
        price_input_per_million=0.80,
        price_output_per_million=3.20,
        in_region=("us-east-1",),
        profiles=nova_profiles(),
        global_profile=False,
        output_tokens_per_second=60,
        lifecycle=NOVA_1_LIFECYCLE,
        sources="earlier catalog (Nova user guide v1); reasoningConfig refused [second-hand, inspect_ai#5301]",
    ),
)

EMBEDDING_MODELS: dict[str, EmbeddingModelInfo] = {
    m.model_id: m
    for m in (
        EmbeddingModelInfo(
            model_id="amazon.titan-embed-text-v2:0",
            name="Amazon Titan Text Embeddings V2",
            family="titan-embed",
            dimensions=(256, 512, 1024),
            price_input_per_million=0.02,
            notes="multilingual, Korean included; 8k-token input",
        ),
        EmbeddingModelInfo(
            model_id="cohere.embed-multilingual-v3",
            name="Cohere Embed Multilingual v3",
            family="cohere-embed",
            dimensions=(1024,),
            price_input_per_million=0.10,
            notes="512-token input: keep chunks small",
        ),
    )
}
