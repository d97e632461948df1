"""Where the cross-region inference profiles may be called from, and where they send the request.

Geographic profiles list their source and destination regions per profile
(https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html); a
`global.` profile is callable from the commercial regions below and the service chooses where it runs
(https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html).
"""

from __future__ import annotations

from infra.catalog.model_info import Profiles

US = ("us-east-1", "us-east-2", "us-west-2")
EU6 = ("eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3")
EU4 = ("eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3")
JP = ("ap-northeast-1", "ap-northeast-3")
AU = ("ap-southeast-2", "ap-southeast-4")
APAC = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2")

# Commercial regions that may call a `global.` profile (the service decides where it runs).
GLOBAL_SOURCES = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
)


def same(regions: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """A profile whose every source region routes to the same set of destinations."""
    return {region: regions for region in regions}


def claude_profiles() -> Profiles:
    """The Claude 4.5 geographic profiles as the geographic-cross-region-inference page lists them."""
    return {
        "us": same(US) | {"us-west-1": (*US, "us-west-1")},
        "eu": same(EU6) | {"eu-central-2": (*EU6, "eu-central-2"), "eu-west-2": (*EU6, "eu-west-2")},
        "jp": same(JP),
        "au": same(AU),
    }


def nova_profiles() -> Profiles:
    return {
        "us": same(US) | {"us-west-1": (*US, "us-west-1")},
        "eu": same(EU4) | {"eu-south-1": (*EU4, "eu-south-1"), "eu-south-2": (*EU4, "eu-south-2")},
        "apac": {region: APAC for region in ("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2")},
    }


def us_only() -> Profiles:
    """A `us.` profile from the three regions every US profile has in common: for models whose
    profile table we could not read, the narrowest claim (a region left out fails the synth, never a call)."""
    return {"us": same(US)}
