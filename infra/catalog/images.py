"""Image models on Bedrock: where each is served, its tasks, price per image and lifecycle."""

from __future__ import annotations

from infra.catalog.model_info import ImageModelInfo, Lifecycle

IMAGE_MODELS: dict[str, ImageModelInfo] = {
    m.model_id: m
    for m in (
        ImageModelInfo(
            model_id="stability.sd3-5-large-v1:0",
            name="Stable Diffusion 3.5 Large",
            family="stability",
            price_per_image=0.08,
            in_region=("us-west-2",),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION"),
        ),
        ImageModelInfo(
            model_id="stability.stable-image-core-v1:1",
            name="Stable Image Core",
            family="stability",
            price_per_image=0.04,
            in_region=("us-west-2",),
            tasks=("TEXT_IMAGE",),
        ),
        ImageModelInfo(
            model_id="stability.stable-image-ultra-v1:1",
            name="Stable Image Ultra",
            family="stability",
            price_per_image=0.14,
            in_region=("us-west-2",),
            tasks=("TEXT_IMAGE",),
        ),
        ImageModelInfo(
            model_id="amazon.nova-canvas-v1:0",
            name="Amazon Nova Canvas",
            family="amazon-image",
            price_per_image=0.04,
            in_region=("us-east-1", "eu-west-1", "ap-northeast-1"),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION", "INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION"),
            lifecycle=Lifecycle(
                legacy_since="2026-03-30",
                end_of_life="2026-09-30",
                source="second-hand: a 2026-07-09 summary of the Bedrock model card and lifecycle page (Legacy since "
                "2026-03-30, EOL 2026-09-30), matched by a reseller's retirement notice; no copy of the AWS card itself was found",
            ),
        ),
        ImageModelInfo(
            model_id="amazon.titan-image-generator-v2:0",
            name="Amazon Titan Image Generator v2",
            family="amazon-image",
            price_per_image=0.01,
            in_region=("us-east-1", "us-west-2"),
            tasks=("TEXT_IMAGE", "IMAGE_VARIATION", "INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL", "COLOR_GUIDED_GENERATION"),
            lifecycle=Lifecycle(
                end_of_life="2026-06-30",
                source="copy of the Bedrock model card 'Titan Image Generator G1 v2' (lifecycle Legacy, EOL June 30, 2026; "
                "launched Nov 29, 2023); the card gives no legacy date",
            ),
        ),
    )
}
