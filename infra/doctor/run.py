"""Run every check in order and print the report: `python -m infra.doctor`, `make doctor`, `genai doctor`."""

from __future__ import annotations

from typing import TextIO

import boto3
from botocore.exceptions import ProfileNotFound

from infra.doctor.checks import access, account, capacity, models, services
from infra.doctor.report import Report, fail
from infra.doctor.target import Options, load_target


def run(options: Options, out: TextIO | None = None) -> int:
    """Print one line per check and a summary; 1 when a deploy (or the first calls after it) would fail."""
    report = Report(out)
    try:
        session = boto3.Session(profile_name=options.aws_profile)
    except ProfileNotFound as err:
        report.add(
            fail(
                "credentials",
                str(err),
                "Name a profile from ~/.aws/config (AWS_PROFILE=<name>), or leave it unset.",
                "~/.aws/config에 있는 프로파일 이름을 쓰세요.",
            )
        )
        report.say(report.summary())
        return report.exit_code
    target = load_target(options, session)
    report.say(f"Bedrock GenAI Stack doctor: read-only checks for {target.region} (today {target.today}) / 배포 전 점검 (읽기 전용)")
    identity, caller = account.credentials(target)
    report.add(identity)
    if caller is None:
        report.say("  (the other checks need credentials: skipped / 자격 증명이 없어 나머지 점검을 건너뜁니다)")
        report.say(report.summary())
        return report.exit_code
    report.add(account.region(target), account.configuration(target))
    report.add(
        services.s3_vectors(target), services.knowledge_bases(target), services.guardrail_region(target), services.image_filters(target)
    )
    if target.deployment is not None:
        report.add(*models.model_checks(target))
        report.add(*access.access_checks(target))
    else:
        report.say("  (model, access and quota checks need a configuration that resolves: skipped / 설정 오류로 모델 점검을 건너뜁니다)")
    report.add(account.bootstrap(target, caller), capacity.concurrency(target))
    if target.deployment is not None:
        report.add(*capacity.quota_checks(target))
    report.say(report.summary())
    return report.exit_code
