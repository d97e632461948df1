"""Credentials and account, the region, the configuration, and the CDK bootstrap."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from infra.doctor import aws
from infra.doctor.report import Check, fail, ok, warn
from infra.doctor.target import Target

# aws-cdk-lib 2.275's DefaultStackSynthesizer: MIN_BOOTSTRAP_STACK_VERSION = 6. The synthesized template reads the
# version from SSM (`BootstrapVersion` parameter, default /cdk-bootstrap/<qualifier>/version) and its
# CheckBootstrapVersion rule refuses 1-5: "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with
# a recent version of the CDK CLI." Without the parameter the CLI stops: "SSM parameter /cdk-bootstrap/hnb659fds/version
# not found. Has the environment been bootstrapped?". The stack is CDKToolkit:
# https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-bootstrap.html
MIN_BOOTSTRAP_VERSION = 6
TOOLKIT_STACK = "CDKToolkit"
BROKEN_STACK_STATES = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "CREATE_FAILED", "UPDATE_ROLLBACK_FAILED")


def credentials(target: Target) -> tuple[Check, str | None]:
    """STS GetCallerIdentity: who the caller is (needs no permission). Returns the check and the account id."""
    title = "credentials"
    try:
        identity = target.session.client("sts", region_name=target.region, config=aws.CONFIG).get_caller_identity()
    except NoCredentialsError:
        return fail(
            title,
            "no AWS credentials found",
            "Configure credentials for the target account: `aws configure`, `aws sso login --profile <name>` then "
            "`export AWS_PROFILE=<name>`, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.",
            "배포할 계정의 AWS 자격 증명을 설정하세요 (`aws configure`, `aws sso login --profile <이름>` 후 `export AWS_PROFILE=<이름>`).",
        ), None
    except (ClientError, BotoCoreError) as err:
        return fail(
            title,
            f"STS refused or could not be reached: {aws.code(err)}: {aws.message(err)}",
            "Renew or fix the credentials (expired SSO session: `aws sso login`; wrong keys: `aws configure`), then run again.",
            "자격 증명을 갱신하거나 고치세요 (SSO 세션 만료: `aws sso login`, 잘못된 키: `aws configure`).",
        ), None
    account = str(identity["Account"])
    expected = target.expected_account
    if expected and expected != account:
        return fail(
            title,
            f"the credentials are for account {account} ({identity['Arn']}), but the deploy is pinned to account {expected}",
            f"Use credentials for account {expected} (AWS_PROFILE), or change `account` in the configuration / CDK_DEFAULT_ACCOUNT.",
            f"계정 {expected}의 자격 증명을 사용하거나 설정의 `account`를 바꾸세요.",
        ), account
    return ok(title, f"account {account} as {identity['Arn']}"), account


def region(target: Target) -> Check:
    shell_region = target.session.region_name  # AWS_REGION / AWS_DEFAULT_REGION / the profile's region
    detail = f"{target.region}, from {target.region_source}"
    if shell_region and shell_region != target.region:
        return warn(
            "region",
            f"{detail}; your AWS settings name {shell_region}",
            f"The stack deploys to {target.region}; `export AWS_REGION={target.region}` so that `aws` commands (docs/operations.md) "
            "address the same region.",
            f"스택은 {target.region}에 배포됩니다. `export AWS_REGION={target.region}`로 aws 명령의 리전을 맞추세요.",
        )
    return ok("region", detail)


def configuration(target: Target) -> Check:
    if target.error is not None:
        return fail(
            "configuration",
            target.error,
            "Fix the keys named above in cdk.json or the override file (CONFIG=...); docs/configuration.md lists the allowed values.",
            "위에 나온 설정 키를 cdk.json 또는 재정의 파일(CONFIG=...)에서 고치세요 (docs/configuration.md 참고).",
        )
    assert target.config is not None
    assert target.deployment is not None
    d = target.deployment
    images = f"{len(d.image_models)} image model(s) in {d.image_region}"
    return ok(
        "configuration",
        f"profile {target.config.profile}, stack {target.config.stack_name}: resolves in {target.region} "
        f"({len(d.chat_models)} chat model(s), RAG {d.rag_model.requested_id}, {images}, embeddings {d.embedding.model_id})",
    )


def _ssm_version(target: Target) -> tuple[int | None, Exception | None]:
    name = f"/cdk-bootstrap/{target.qualifier}/version"
    try:
        value = target.session.client("ssm", region_name=target.region, config=aws.CONFIG).get_parameter(Name=name)["Parameter"]["Value"]
    except aws.AWS_ERRORS as err:
        return None, err
    return (int(value) if str(value).isdigit() else 0), None


def _toolkit_stack(target: Target) -> dict[str, Any] | None:
    client = target.session.client("cloudformation", region_name=target.region, config=aws.CONFIG)
    try:
        stack: dict[str, Any] = client.describe_stacks(StackName=TOOLKIT_STACK)["Stacks"][0]
    except aws.AWS_ERRORS:
        return None  # missing ("Stack with id CDKToolkit does not exist") or unreadable: the SSM parameter decides
    return stack


def bootstrap(target: Target, account: str) -> Check:
    title = "CDK bootstrap"
    command = f"node_modules/.bin/cdk bootstrap aws://{account}/{target.region}"
    fix_ko = f"이 계정/리전을 한 번 부트스트랩하세요: `{command}` (또는 `npx cdk bootstrap aws://{account}/{target.region}`)."
    version, ssm_error = _ssm_version(target)
    stack = _toolkit_stack(target)
    status = str(stack.get("StackStatus", "")) if stack else ""
    if status in BROKEN_STACK_STATES:
        return fail(
            title,
            f"the {TOOLKIT_STACK} stack is in state {status}",
            f"Delete the {TOOLKIT_STACK} stack (CloudFormation console, or `aws cloudformation delete-stack --stack-name {TOOLKIT_STACK}`; "
            f"empty its staging bucket first if asked), then run `{command}`.",
            f"{TOOLKIT_STACK} 스택을 삭제한 뒤 `{command}`를 실행하세요.",
        )
    if version is None and ssm_error is not None and aws.denied(ssm_error):
        if stack is None:
            return warn(
                title,
                f"cannot verify: ssm:GetParameter was refused ({aws.code(ssm_error)}) and no {TOOLKIT_STACK} stack could be read",
                "Grant the doctor's read permissions (docs/doctor.md), or check the bootstrap in the console.",
                "읽기 권한(docs/doctor.md)을 주거나 콘솔에서 부트스트랩을 확인하세요.",
            )
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        version = int(outputs.get("BootstrapVersion", "0") or 0)
    if version is None and ssm_error is not None and aws.code(ssm_error) != "ParameterNotFound":
        parameter = f"/cdk-bootstrap/{target.qualifier}/version"
        return warn(title, f"cannot verify: SSM {parameter} could not be read ({aws.code(ssm_error)}: {aws.message(ssm_error)})")
    if version is None:
        found = f"the {TOOLKIT_STACK} stack exists but " if stack is not None else ""
        return fail(
            title,
            f"{found}SSM parameter /cdk-bootstrap/{target.qualifier}/version not found: {account}/{target.region} is not bootstrapped",
            f"Bootstrap this account and region once: `{command}` (or `npx cdk bootstrap aws://{account}/{target.region}`).",
            fix_ko,
        )
    if version < MIN_BOOTSTRAP_VERSION:
        return fail(
            title,
            f"bootstrap version {version}; aws-cdk-lib 2.275 needs {MIN_BOOTSTRAP_VERSION} or later",
            f"Update the bootstrap stack with the project's CLI: `{command}`.",
            fix_ko,
        )
    where = f"{TOOLKIT_STACK} {status}" if stack is not None else f"SSM /cdk-bootstrap/{target.qualifier}/version"
    return ok(title, f"version {version} ({where})")
