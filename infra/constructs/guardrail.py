"""The one Bedrock Guardrail (plus a published version) every function applies."""

from __future__ import annotations

import hashlib

from aws_cdk import Stack
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.config import Guardrail as GuardrailPolicy
from infra.guardrail_policy import CONTENT_FILTER_TYPES, GuardrailProfile


class Guardrail(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        policy: GuardrailPolicy,
        profile: GuardrailProfile | None,
        image_types: tuple[str, ...] | None = None,
    ) -> None:
        """`image_types`: the content filters that get the IMAGE modality in this region (None: every one asking for images)."""
        super().__init__(scope, construct_id)
        self._policy = policy
        self._image_types = image_types
        self.profile = profile
        stack = Stack.of(self)
        self.profile_arn = (
            None if profile is None else stack.format_arn(service="bedrock", resource="guardrail-profile", resource_name=profile.profile_id)
        )
        self.guardrail = bedrock.CfnGuardrail(
            self,
            "Guardrail",
            name=name,
            description="Content, prompt-attack, word, PII (incl. Korean formats) and grounding policy for chat, RAG and images.",
            blocked_input_messaging=policy.blocked_input_message,
            blocked_outputs_messaging=policy.blocked_output_message,
            content_policy_config=self._content_policy(),
            topic_policy_config=self._topic_policy(),
            word_policy_config=self._word_policy(),
            sensitive_information_policy_config=self._pii_policy(),
            contextual_grounding_policy_config=self._grounding_policy(),
            cross_region_config=(
                None
                if self.profile_arn is None
                else bedrock.CfnGuardrail.GuardrailCrossRegionConfigProperty(guardrail_profile_arn=self.profile_arn)
            ),
        )
        self.version = bedrock.CfnGuardrailVersion(
            self,
            "Version",
            guardrail_identifier=self.guardrail.attr_guardrail_id,
            description="Published by the stack; a policy change publishes a new version.",
        )
        # A new version must be published whenever the policy changes: tie the logical id to the policy. The stream
        # processing mode is a setting of each ConverseStream call, and read_checks a setting of the functions that call
        # ApplyGuardrail on passages (lambdas/common/read_checks.py), not of the guardrail: they publish nothing.
        policy_json = policy.model_dump_json(exclude={"stream_processing_mode", "read_checks"})
        self.version.override_logical_id(f"GuardrailVersion{_short_digest(policy_json)}")
        self.guardrail_id = self.guardrail.attr_guardrail_id
        self.guardrail_arn = self.guardrail.attr_guardrail_arn
        self.version_number = self.version.attr_version

    def grant_apply(self, grantee: iam.IGrantable) -> None:
        """bedrock:ApplyGuardrail (also needed by Converse with a guardrail) on exactly this guardrail."""
        iam.Grant.add_to_principal(grantee=grantee, actions=["bedrock:ApplyGuardrail"], resource_arns=self.apply_arns())

    def apply_arns(self) -> list[str]:
        """The guardrail, and its cross-region profile in every destination region."""
        stack = Stack.of(self)
        arns = [self.guardrail_arn]
        if self.profile is not None:
            arns += [
                stack.format_arn(service="bedrock", region=region, resource="guardrail-profile", resource_name=self.profile.profile_id)
                for region in self.profile.destinations
            ]
        return arns

    def _content_policy(self) -> bedrock.CfnGuardrail.ContentPolicyConfigProperty:
        filters = []
        for kind in CONTENT_FILTER_TYPES:
            setting = getattr(self._policy.content_filters, kind)
            images = setting.images and (self._image_types is None or kind in self._image_types)
            modalities = ["TEXT", "IMAGE"] if images else ["TEXT"]
            filters.append(
                bedrock.CfnGuardrail.ContentFilterConfigProperty(
                    type=kind,
                    input_strength=setting.input,
                    output_strength=setting.output,
                    input_modalities=modalities,
                    output_modalities=modalities,
                )
            )
        filters.append(
            bedrock.CfnGuardrail.ContentFilterConfigProperty(
                type="PROMPT_ATTACK",
                input_strength=self._policy.content_filters.PROMPT_ATTACK.input,
                output_strength="NONE",  # the service accepts only NONE for prompt attacks on output
            )
        )
        return bedrock.CfnGuardrail.ContentPolicyConfigProperty(
            filters_config=filters,
            content_filters_tier_config=bedrock.CfnGuardrail.ContentFiltersTierConfigProperty(tier_name=self._policy.tier),
        )

    def _topic_policy(self) -> bedrock.CfnGuardrail.TopicPolicyConfigProperty | None:
        if not self._policy.denied_topics:
            return None
        return bedrock.CfnGuardrail.TopicPolicyConfigProperty(
            topics_config=[
                bedrock.CfnGuardrail.TopicConfigProperty(name=t.name, definition=t.definition, examples=t.examples or None, type="DENY")
                for t in self._policy.denied_topics
            ],
            topics_tier_config=bedrock.CfnGuardrail.TopicsTierConfigProperty(tier_name=self._policy.tier),
        )

    def _word_policy(self) -> bedrock.CfnGuardrail.WordPolicyConfigProperty | None:
        words = [bedrock.CfnGuardrail.WordConfigProperty(text=w) for w in self._policy.denied_words]
        managed = [bedrock.CfnGuardrail.ManagedWordsConfigProperty(type="PROFANITY")] if self._policy.managed_profanity else []
        if not words and not managed:
            return None
        return bedrock.CfnGuardrail.WordPolicyConfigProperty(words_config=words or None, managed_word_lists_config=managed or None)

    def _pii_policy(self) -> bedrock.CfnGuardrail.SensitiveInformationPolicyConfigProperty | None:
        entities = [
            bedrock.CfnGuardrail.PiiEntityConfigProperty(type=kind, action=action)
            for kind, action in sorted(self._policy.pii_entities.items())
            if action != "NONE"
        ]
        regexes = [
            bedrock.CfnGuardrail.RegexConfigProperty(name=r.name, description=r.description or None, pattern=r.pattern, action=r.action)
            for r in self._policy.regexes
        ]
        if not entities and not regexes:
            return None
        return bedrock.CfnGuardrail.SensitiveInformationPolicyConfigProperty(
            pii_entities_config=entities or None, regexes_config=regexes or None
        )

    def _grounding_policy(self) -> bedrock.CfnGuardrail.ContextualGroundingPolicyConfigProperty | None:
        grounding = self._policy.grounding
        if grounding is None:
            return None
        return bedrock.CfnGuardrail.ContextualGroundingPolicyConfigProperty(
            filters_config=[
                bedrock.CfnGuardrail.ContextualGroundingFilterConfigProperty(type="GROUNDING", threshold=grounding.grounding_threshold),
                bedrock.CfnGuardrail.ContextualGroundingFilterConfigProperty(type="RELEVANCE", threshold=grounding.relevance_threshold),
            ]
        )


def _short_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8].upper()
