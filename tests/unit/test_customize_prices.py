"""The customization catalog's prices (infra/catalog/customizable.json) and where they show: every price names its
sources (official or second-hand, with a URL and a date), a price no source gives stays null and is never copied from
another model's row, and `make cost` and `genai customize catalog` print what the catalog holds.

Sources of the numbers asserted here (docs/customization.md#costs has the table):
- Provisioned Throughput $60.50 an hour per model unit, no commitment, for Nova Micro, Lite and Pro in us-east-1: the
  AWS Price List (AmazonBedrock, us-east-1, version 20260901205051) as transcribed in
  https://github.com/api-evangelist/amazon-nova/blob/97c0aa270bfa98a5859c8974e12d07b1a4d88987/plans/amazon-nova-plans-pricing.yml
  [second-hand]; a custom model's Provisioned Throughput is priced as its base model's,
  https://docs.aws.amazon.com/bedrock/latest/userguide/prov-throughput.html [official].
- Nova Lite storage $1.95 a month: a 2025-05-05 bill, https://github.com/heuristicwave/GitHubPageMaker/blob/main/_posts/ai/2025-05-01-Fine-tuning-Nova.md
  [second-hand].
"""

from __future__ import annotations

import re

from customize.customization_catalog import load_catalog
from infra.cost import customization_lines
from tests.clock import TODAY
from ui.cli.customize_show import catalog_lines

CATALOG = load_catalog()
EAST = CATALOG.model_copy(update={"region": "us-east-1"})
PRICE_FIELDS = ("training_per_1k_tokens", "storage_per_month", "input_per_million", "output_per_million", "provisioned_throughput_per_hour")
NOVA_1 = ("amazon.nova-micro-v1:0:128k", "amazon.nova-lite-v1:0:300k", "amazon.nova-pro-v1:0:300k")


def test_given_the_catalog_then_every_price_names_official_or_second_hand_sources_with_an_address_and_a_date():
    for model in CATALOG.base_models:
        for field in PRICE_FIELDS:
            if getattr(model.prices, field) is None:
                continue
            keys = model.prices.sources.get(field)
            assert keys, f"{model.id} {field}: a price without a source"
            for key in keys:
                source = CATALOG.price_sources[key]
                assert source.label in ("official", "second-hand")
                if source.url is None:  # only field notes no public page backs, and they say so
                    assert source.what.startswith("no public page"), key
                else:
                    assert source.url.startswith("https://"), key
                if source.label == "second-hand":
                    assert source.published, key
                    assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", source.published), key


def test_given_a_price_no_source_gives_then_it_is_null_and_never_copied_from_another_models_row():
    pro, nova_2 = CATALOG.base("amazon.nova-pro-v1:0:300k"), CATALOG.base("amazon.nova-2-lite-v1:0:256k")
    assert (pro.prices.storage_per_month, nova_2.prices.storage_per_month) == (None, None)
    assert not any("as Nova Micro's row" in m.prices.source for m in CATALOG.base_models)
    haiku = CATALOG.base("anthropic.claude-3-haiku-20240307-v1:0:200k")
    assert [getattr(haiku.prices, f) for f in PRICE_FIELDS] == [None] * 5
    assert "Provisioned Throughput only" in haiku.prices.source


def test_given_nova_micro_lite_and_pro_then_provisioned_throughput_is_the_price_lists_hourly_rate():
    for model_id in NOVA_1:
        model = CATALOG.base(model_id)
        assert model.prices.provisioned_throughput_per_hour == 60.5
        cited = EAST.sources_of(model, "provisioned_throughput_per_hour")
        assert [(s["key"], s["label"]) for s in cited] == [("price-list-2026-09", "second-hand"), ("prov-throughput", "official")]
    lite = CATALOG.base("amazon.nova-lite-v1:0:300k")
    assert lite.prices.storage_per_month == 1.95
    assert [s["published"] for s in EAST.sources_of(lite, "storage_per_month")] == ["2025-05-05"]


def test_given_make_cost_then_a_nova_row_offers_provisioned_throughput_at_its_hourly_price_and_an_unknown_price_says_so():
    lines = customization_lines("us-east-1", TODAY)
    offers = [line.strip() for line in lines if "or Provisioned Throughput" in line]
    assert offers == ["or Provisioned Throughput: $60.5/hour per model unit, no commitment (never bought by this product)"] * 4
    pro = lines.index(next(line for line in lines if "Amazon Nova Pro" in line))
    assert lines[pro].endswith("kept custom model: storage not in the catalog")
    west = customization_lines("us-west-2", TODAY)
    assert west[-1].strip() == "or Provisioned Throughput: not in the catalog (never bought by this product)"  # Llama 3.3 70B


def test_given_the_cli_catalog_then_a_provisioned_throughput_column_shows_each_hourly_price():
    lines = catalog_lines(EAST.listing(TODAY))
    header = next(line for line in lines if "PT 시간 / PT an hour" in line)
    micro = next(line for line in lines if line.startswith("amazon.nova-micro-v1:0:128k"))
    assert header.rstrip().endswith("PT 시간 / PT an hour")
    assert micro.rstrip().endswith("$60.50")
    llama = next(line for line in lines if line.startswith("meta.llama3-1-8b"))  # no Provisioned Throughput price in the catalog
    assert llama.rstrip().endswith("-")
