"""What a failed sign-in (botocore, Amazon Cognito's InitiateAuth) means for the `genai` command.

Cognito's errors for InitiateAuth: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#API_InitiateAuth_Errors
(NotAuthorizedException for a wrong password, UserNotFoundException, PasswordResetRequiredException,
UserNotConfirmedException, TooManyRequestsException, LimitExceededException, …).
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

from ui.cli.exits import AUTH, REFUSED, THROTTLED, UNREACHABLE, WRONG_PASSWORD, CliError

WRONG = {"NotAuthorizedException", "UserNotFoundException"}
THROTTLING = {"TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"}
ACCOUNT = {"PasswordResetRequiredException", "UserNotConfirmedException"}


def cognito_failure(failure: BaseException) -> CliError | None:
    if isinstance(failure, ClientError):
        code = str(failure.response.get("Error", {}).get("Code", ""))
        message = str(failure.response.get("Error", {}).get("Message", ""))
        if code in WRONG:
            attempts = "attempts exceeded" in message.lower()  # Cognito's lockout after repeated failures
            if attempts:
                return CliError(THROTTLED, f"로그인 시도가 너무 많습니다. 잠시 후 다시 시도하세요 / {message}")
            return CliError(AUTH, WRONG_PASSWORD)
        if code in THROTTLING:
            return CliError(THROTTLED, f"로그인 요청이 너무 많습니다. 잠시 후 다시 시도하세요 / {code}: {message}")
        if code in ACCOUNT:
            return CliError(AUTH, f"이 계정으로는 아직 로그인할 수 없습니다 / {code}: {message}")
        return CliError(REFUSED, f"로그인할 수 없습니다 / Sign-in failed: {code}: {message}")
    if isinstance(failure, (ConnectionError, HTTPClientError)):
        url = failure.kwargs.get("endpoint_url", "")
        return CliError(
            UNREACHABLE,
            f"Cognito에 연결할 수 없습니다 / Cannot reach Cognito at {url} ({failure}): "
            "is the stack running (`make dev`)? Is GENAI_OUTPUTS the right stack?",
        )
    if isinstance(failure, BotoCoreError):
        return CliError(UNREACHABLE, f"Cognito에 요청할 수 없습니다 / Cannot call Cognito: {failure}")
    return None
