"""Optional AWS WAF web ACL in front of the API stage (a fixed monthly charge: see docs/cost.md)."""

from __future__ import annotations

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

_MANAGED_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList")


class ApiFirewall(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage_arn: str, rate_limit_per_5_min: int) -> None:
        super().__init__(scope, construct_id)
        rules = [self._managed(name, priority) for priority, name in enumerate(_MANAGED_GROUPS)]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=len(rules),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(limit=rate_limit_per_5_min, aggregate_key_type="IP")
                ),
                visibility_config=_visibility("RateLimitPerIp"),
            )
        )
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("GenAiApi"),
            rules=rules,
        )
        wafv2.CfnWebACLAssociation(self, "Association", resource_arn=stage_arn, web_acl_arn=self.web_acl.attr_arn)

    @staticmethod
    def _managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
        overrides = None
        if name == "AWSManagedRulesCommonRuleSet":
            # Its 8 KB body rule would block base64 images and long prompts; the API enforces its own limits.
            overrides = [
                wafv2.CfnWebACL.RuleActionOverrideProperty(
                    name="SizeRestrictions_BODY", action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                )
            ]
        return wafv2.CfnWebACL.RuleProperty(
            name=name,
            priority=priority,
            override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name=name, rule_action_overrides=overrides
                )
            ),
            visibility_config=_visibility(name),
        )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True)
