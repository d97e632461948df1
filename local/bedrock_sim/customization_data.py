"""What the offline Bedrock reads and writes for a customization job: the training data's problems (the job then
fails, as Bedrock reports data problems in failureMessage), hyperparameter ranges, and the metrics files.

The data check is the simulator's own, deliberately independent of the product's validator (lambdas/customize):
each line a JSON object in the base model's format, and the record limits of the catalog. Failure wording follows
the messages Bedrock is reported to give ([second-hand]: aws-samples/amazon-bedrock-workshop issues 266 and 224).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from local.bedrock_sim.protocol import SimError

REQUIRED = {"bedrock-conversation-2024": "messages", "claude-3-haiku": "messages", "prompt-completion": "prompt"}
# What Bedrock answers for a model past its end of life: the runtime's and GetFoundationModel's ResourceNotFoundException
# (https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-3-haiku.html quotes its first sentence;
# the whole message [second-hand]: GitHub issues of aws-samples/amazon-bedrock-ai-karaoke #21, BerriAI/litellm PR 42053).
# CreateModelCustomizationJob's answer for one is not documented: its service model lists ResourceNotFoundException.
END_OF_LIFE = "This model version has reached the end of its life. Please refer to the AWS documentation for more details."


def refuse_retired(entry: dict[str, Any], today: date) -> None:
    """A base model or teacher past its catalog end-of-life date on `today`: ResourceNotFoundException, as Bedrock."""
    from infra.catalog import customizable

    if customizable.retired(entry, today):
        raise SimError("ResourceNotFoundException", END_OF_LIFE)


def _split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def check_hyperparameters(base: dict[str, Any], values: dict[str, str]) -> None:
    from infra.catalog import customizable

    allowed = customizable.catalog()["hyperparameters"][base["hyperparameters"]["family"]]["params"]
    for name, text in values.items():
        spec = allowed.get(name)
        if spec is None:
            raise SimError("ValidationException", f"The hyperparameter {name} is not supported for {base['id']}.")
        try:
            value = float(text)
        except ValueError:
            raise SimError("ValidationException", f"The hyperparameter {name} must be a number, not {text!r}.") from None
        if not spec["min"] <= value <= spec["max"] or (spec["type"] == "int" and not value.is_integer()):
            raise SimError("ValidationException", f"The hyperparameter {name} must be between {spec['min']} and {spec['max']}.")


def check_teacher(base: dict[str, Any], method: str, region: str, config: dict[str, Any] | None, today: date) -> None:
    """customizationConfig per method. DISTILLATION: the teacher must be one the catalog pairs with this student in
    `region` (https://docs.aws.amazon.com/bedrock/latest/userguide/prequisites-model-distillation.html) and not past its
    end of life on `today`. RFT: an rftConfig is required (its shape is botocore's; the grader Lambda is not invoked
    offline)."""
    from infra.catalog import customizable

    if (method == "REINFORCEMENT_FINE_TUNING") != ("rftConfig" in (config or {})):
        # rftConfig carries the grader Lambda (reinforcement-fine-tuning.html); only RFT takes it
        raise SimError(
            "ValidationException", f"rftConfig is required for, and only valid for, a REINFORCEMENT_FINE_TUNING job (not {method})."
        )
    distillation = (config or {}).get("distillationConfig")
    if method != "DISTILLATION":
        if distillation is not None:
            raise SimError("ValidationException", f"distillationConfig is only valid for a DISTILLATION job, not {method}.")
        return
    if distillation is None:
        raise SimError("ValidationException", "A DISTILLATION job requires customizationConfig.distillationConfig.")
    teacher = distillation["teacherModelConfig"]["teacherModelIdentifier"]
    teacher_id = teacher.rsplit("/", 1)[-1]
    known = customizable.teacher(teacher_id)
    if known is not None:
        refuse_retired(known, today)
    paired = [t["id"] for t in customizable.teachers_in(region) if base["id"] in t["students"] and not customizable.retired(t, today)]
    if teacher_id not in paired:
        raise SimError(
            "ValidationException",
            f"The teacher model {teacher} is not supported for the student model {base['id']} in {region}. Supported: {', '.join(paired)}.",
        )


def _lines(s3: Any, uri: str) -> list[str]:
    bucket, key = _split(uri)
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception:
        raise SimError("ValidationException", f"Unable to access the training data at {uri}.") from None
    return [line for line in body.decode("utf-8", errors="replace").split("\n") if line.strip()]


def data_failure(s3: Any, base: dict[str, Any], method: str, params: dict[str, Any]) -> str | None:
    """The job's failureMessage when its data is bad; None when it is fine (or there is no S3 to read)."""
    if s3 is None:
        return None
    uri = params["trainingDataConfig"].get("s3Uri", "")
    lines = _lines(s3, uri)
    fmt = "continued-pre-training" if method == "CONTINUED_PRE_TRAINING" else base["dataset"]["format"]
    if method == "DISTILLATION":
        fmt = "bedrock-conversation-2024"  # prompts, whatever the student's fine-tuning format
    key = "input" if fmt == "continued-pre-training" else REQUIRED[fmt]
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return f"Input data at {_split(uri)[1]} is not valid JSON Lines: line {number} could not be parsed."
        if not isinstance(record, dict) or key not in record:
            return f"Input data at {_split(uri)[1]} must follow the {fmt} format: line {number} has no {key!r} field."
    validators = params.get("validationDataConfig", {}).get("validators", [])
    total = len(lines) + sum(len(_lines(s3, v["s3Uri"])) for v in validators)
    least = base["dataset"]["min_records"]
    if method == "DISTILLATION":
        from infra.catalog import customizable

        least = customizable.catalog()["distillation"]["dataset"]["min_records"]
    if total < least:
        return f"The dataset has {total} records; {base['id']} needs at least {least}."
    return None


def write_metrics(s3: Any, job_arn: str, params: dict[str, Any]) -> float:
    """The CSV files Bedrock writes on completion (columns from model-customization-analyze.html); the final loss."""
    epochs = int(params.get("hyperParameters", {}).get("epochCount", "2"))
    steps = [(step, step // 5, round(2.0 / (1 + step), 4)) for step in range(5 * epochs)]
    if s3 is None:
        return steps[-1][2]
    bucket, key = _split(params["outputDataConfig"]["s3Uri"])
    folder = f"{key.rstrip('/')}/model-customization-job-{job_arn.rsplit('/', 1)[-1]}/"
    rows = "step_number,epoch_number,training_loss,perplexity\n" + "".join(
        f"{s},{e},{loss},{round(2.718**loss, 4)}\n" for s, e, loss in steps
    )
    s3.put_object(Bucket=bucket, Key=folder + "training_artifacts/step_wise_training_metrics.csv", Body=rows.encode())
    if params.get("validationDataConfig", {}).get("validators"):
        valid = "step_number,epoch_number,validation_loss,perplexity\n" + "".join(
            f"{s},{e},{round(loss * 1.1, 4)},{round(2.718 ** (loss * 1.1), 4)}\n" for s, e, loss in steps[4::5]
        )
        s3.put_object(
            Bucket=bucket,
            Key=folder + "validation_artifacts/post_fine_tuning_validation/validation/validation_metrics.csv",
            Body=valid.encode(),
        )
    return steps[-1][2]


def customizable_summaries(region: str, method: str, today: date) -> list[dict[str, Any]]:
    """ListFoundationModels(byCustomizationType=...): the catalog's base models for that method in `region`, none past
    its end of life on `today`, each with its modelLifecycle (ACTIVE or LEGACY, as for the other models)."""
    from infra.catalog import customizable
    from local.bedrock_sim.control_plane import PROVIDERS, model_lifecycle

    found = []
    for model in customizable.base_models():
        if region not in model["methods"].get(method, []) or customizable.retired(model, today):
            continue
        types = sorted(name for name, regions in model["methods"].items() if region in regions)
        found.append(
            {
                "modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model['id']}",
                "modelId": model["id"],
                "modelName": model["name"],
                "providerName": PROVIDERS[model["family"]],
                "inputModalities": ["TEXT"],
                "outputModalities": ["TEXT"],
                "responseStreamingSupported": True,
                "customizationsSupported": types,
                "inferenceTypesSupported": ["PROVISIONED"],
                "modelLifecycle": model_lifecycle(customizable.lifecycle(model), None, today),
            }
        )
    return found
