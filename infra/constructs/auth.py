"""Cognito: the user pool, the app client used by the UI and CLI, and the admin group."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra.config import Features
from infra.constants import ADMIN_GROUP

_MFA = {"OFF": cognito.Mfa.OFF, "OPTIONAL": cognito.Mfa.OPTIONAL, "REQUIRED": cognito.Mfa.REQUIRED}


class Auth(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, features: Features, removal_policy: RemovalPolicy, deletion_protection: bool
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = self._build_user_pool(features, removal_policy, deletion_protection)
        self.client = self._build_client()
        self.admin_group = cognito.CfnUserPoolGroup(
            self,
            "AdminGroup",
            user_pool_id=self.user_pool.user_pool_id,
            group_name=ADMIN_GROUP,
            description="May upload, list, delete and sync knowledge-base documents.",
        )

    def _build_user_pool(self, features: Features, removal_policy: RemovalPolicy, deletion_protection: bool) -> cognito.UserPool:
        mfa = _MFA[features.mfa]
        return cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=features.self_sign_up,
            sign_in_aliases=cognito.SignInAliases(email=True, username=False),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(email=cognito.StandardAttribute(required=True, mutable=True)),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=mfa,
            mfa_second_factor=None if mfa == cognito.Mfa.OFF else cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
        )

    def _build_client(self) -> cognito.UserPoolClient:
        return self.user_pool.add_client(
            "AppClient",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            enable_token_revocation=True,
        )
