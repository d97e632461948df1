"""The one stack: composes one construct per concern and wires least-privilege grants."""

from __future__ import annotations

from aws_cdk import Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Tags
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants as names
from infra import web_adapter
from infra.attachments import expiry_rule, upload_cors
from infra.constructs.api import Api
from infra.constructs.auth import Auth
from infra.constructs.buckets import access_logs_bucket, secure_bucket
from infra.constructs.conversations import ConversationTable
from infra.constructs.customization import Customization
from infra.constructs.functions import Functions, FunctionSpec
from infra.constructs.guardrail import Guardrail
from infra.constructs.ingestion import IngestionPipeline
from infra.constructs.knowledge_base import KnowledgeBase
from infra.constructs.observability import Observability
from infra.constructs.usage import UsageTable
from infra.constructs.waf import ApiFirewall
from infra.deployment import Deployment, runtime_config_document
from infra.grants import StackFunctions, grant_all
from infra.nag import acknowledge_findings


class GenAiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, deployment: Deployment, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.deployment = deployment
        config = deployment.config
        self.removal_policy = RemovalPolicy[config.retention.removal_policy]
        for key, value in config.tags.items():
            Tags.of(self).add(key, value)
        for warning in deployment.warnings:  # Legacy models: `cdk synth` prints these
            Annotations.of(self).add_warning_v2("genai:legacy-model", warning)
        for warning in deployment.guardrail_warnings:  # region- and tier-dependent guardrail limits
            Annotations.of(self).add_warning_v2("genai:guardrail", warning)

        self.auth = Auth(
            self,
            "Auth",
            features=config.features,
            removal_policy=self.removal_policy,
            deletion_protection=config.retention.deletion_protection,
        )
        self.conversations = ConversationTable(
            self, "Conversations", removal_policy=self.removal_policy, deletion_protection=config.retention.deletion_protection
        )
        self.usage = UsageTable(self, "Usage", removal_policy=self.removal_policy, deletion_protection=config.retention.deletion_protection)
        self.guardrail = Guardrail(
            self,
            "Guardrail",
            name=f"{construct_id}-guardrail"[:50],
            policy=config.guardrail,
            profile=deployment.guardrail_profile,
            image_types=deployment.image_filter_types,
        )
        self.access_logs = access_logs_bucket(
            self, "AccessLogsBucket", removal_policy=self.removal_policy, retention_days=max(config.retention.log_retention_days, 30)
        )
        self.knowledge_base = KnowledgeBase(
            self,
            "KnowledgeBase",
            name=construct_id,
            config=config.knowledge_base,
            embedding_model_id=deployment.embedding.model_id,
            dimensions=config.models.embedding.dimensions,
            removal_policy=self.removal_policy,
            access_logs=self.access_logs,
            cors_origins=[o for o in config.api.cors_origins if o != "*"],
        )
        self.images_bucket = secure_bucket(
            self,
            "ImagesBucket",
            removal_policy=self.removal_policy,
            access_logs=self.access_logs,
            access_logs_prefix="images-bucket/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-images", prefix=names.IMAGES_PREFIX, expiration=Duration.days(config.retention.image_retention_days)
                ),
                expiry_rule(config.memory.conversation_ttl_days),  # files in chat (infra/attachments.py)
            ],
            cors=upload_cors([o for o in config.api.cors_origins if o != "*"]),
        )
        self.functions = Functions(
            self,
            "Functions",
            runtime_config=runtime_config_document(deployment),
            log_retention_days=config.retention.log_retention_days,
            removal_policy=self.removal_policy,
            snapstart=config.features.snapstart,
        )
        self._build_functions()
        self.api = Api(
            self,
            "Api",
            name=construct_id,
            config=config.api,
            user_pool=self.auth.user_pool,
            handlers=dict(self.functions.aliases),
            log_retention_days=config.retention.log_retention_days,
            removal_policy=self.removal_policy,
        )
        if config.features.waf.enabled:
            ApiFirewall(self, "Firewall", stage_arn=self.api.stage.stage_arn, rate_limit_per_5_min=config.features.waf.rate_limit_per_5_min)
        self.observability = Observability(
            self,
            "Observability",
            name=construct_id,
            api=self.api.rest_api,
            functions=self.functions.functions,
            dead_letter_queue=self.ingestion.dead_letter_queue,
            model_ids=[m.requested_id for m in deployment.text_models],
            alarm_email=config.features.alarm_email,
            alarms=config.features.alarms,
            dashboard=config.features.dashboard,
            daily_ceiling_usd=config.budgets.daily_ceiling_usd,
            cost_model_ids=[m.requested_id for m in deployment.text_models]
            + [m.model_id for m in deployment.image_models]
            + [deployment.embedding.model_id],
        )
        self._add_outputs()
        acknowledge_findings(self)

    def _build_functions(self) -> None:
        deployment, config = self.deployment, self.deployment.config
        kb, table, guardrail = self.knowledge_base, self.conversations.table, self.guardrail
        # Every function that makes paid Bedrock calls meters them in the usage table (lambdas/common/usage/).
        guardrail_env = {
            names.ENV_GUARDRAIL_ID: guardrail.guardrail_id,
            names.ENV_GUARDRAIL_VERSION: guardrail.version_number,
            names.ENV_USAGE_TABLE: self.usage.table.table_name,
        }
        kb_env = {names.ENV_KNOWLEDGE_BASE_ID: kb.knowledge_base_id, names.ENV_DATA_SOURCE_ID: kb.data_source_id}
        add = self.functions.add
        specs = config.functions

        chat = add(
            FunctionSpec(
                "chat", "chat.handler.handler", specs.chat, ("core", "documents"), "Chat with windowed memory on Bedrock Converse."
            ),
            {names.ENV_TABLE_NAME: table.table_name, names.ENV_ATTACHMENTS_BUCKET: self.images_bucket.bucket_name, **guardrail_env},
        )
        rag = add(
            FunctionSpec("rag", "rag.handler.handler", specs.rag, ("core", "rag"), "Knowledge-base answers with citations; documents."),
            {
                names.ENV_TABLE_NAME: table.table_name,
                names.ENV_DOCUMENTS_BUCKET: kb.documents_bucket.bucket_name,
                names.ENV_ADMIN_GROUP: names.ADMIN_GROUP,
                **kb_env,
                **guardrail_env,
            },
        )
        image = add(
            FunctionSpec(
                "image", "image.handler.handler", specs.image, ("core", "image"), "Image generation with guardrails, stored in S3."
            ),
            {names.ENV_IMAGES_BUCKET: self.images_bucket.bucket_name, names.ENV_TABLE_NAME: table.table_name, **guardrail_env},
        )
        # The streaming routes: their own functions, since a function in the adapter's response-stream mode cannot
        # also answer buffered integrations (infra/constructs/api.py).
        chat_stream = add(
            FunctionSpec(
                "chat_stream",
                web_adapter.HANDLER,
                specs.chat_stream,
                ("core", "documents", "stream"),
                "Chat answers streamed as server-sent events (Lambda Web Adapter).",
                stream_app="chat.stream:app",
            ),
            {names.ENV_TABLE_NAME: table.table_name, names.ENV_ATTACHMENTS_BUCKET: self.images_bucket.bucket_name, **guardrail_env},
        )
        rag_stream = add(
            FunctionSpec(
                "rag_stream",
                web_adapter.HANDLER,
                specs.rag_stream,
                ("core", "rag", "stream"),
                "Knowledge-base answers streamed as server-sent events (Lambda Web Adapter).",
                stream_app="rag.stream:app",
            ),
            {
                names.ENV_TABLE_NAME: table.table_name,
                names.ENV_DOCUMENTS_BUCKET: kb.documents_bucket.bucket_name,
                names.ENV_ADMIN_GROUP: names.ADMIN_GROUP,
                **kb_env,
                **guardrail_env,
            },
        )
        self.customization = Customization(
            self,
            "Customization",
            stack_tag=self.stack_name,
            region=deployment.region,
            today=deployment.today,  # past its end of life on the synth date: no grant to start it
            removal_policy=self.removal_policy,
            access_logs=self.access_logs,
        )
        customize = add(
            FunctionSpec(
                "customize",
                "customize.handler.handler",
                specs.customize,
                ("core",),
                "Model customization (admin): datasets, jobs, deployments, chat model registrations.",
            ),
            {
                names.ENV_TABLE_NAME: table.table_name,
                names.ENV_ADMIN_GROUP: names.ADMIN_GROUP,
                names.ENV_CUSTOMIZATION_BUCKET: self.customization.bucket.bucket_name,
                names.ENV_CUSTOMIZATION_ROLE_ARN: self.customization.role.role_arn,
                names.ENV_CUSTOMIZATION_STACK_TAG: self.stack_name,
            },
        )
        usage = add(
            FunctionSpec("usage", "usage.handler.handler", specs.usage, ("core",), "Usage per user and budgets (GET /usage, /admin)."),
            {
                names.ENV_USAGE_TABLE: self.usage.table.table_name,
                names.ENV_ADMIN_GROUP: names.ADMIN_GROUP,
                names.ENV_USER_POOL_ID: self.auth.user_pool.user_pool_id,
            },
        )
        ingest = add(
            FunctionSpec(
                "ingest", "rag.ingest_handler.handler", specs.ingest, ("core",), "Starts knowledge-base ingestion for document events."
            ),
            kb_env,
            reserved_concurrency=names.INGEST_RESERVED_CONCURRENCY,
        )
        self.ingestion = IngestionPipeline(
            self,
            "Ingestion",
            bucket=kb.documents_bucket,
            prefix=kb.prefix,
            function_timeout=Duration.seconds(specs.ingest.timeout_seconds),
        )
        self.ingestion.attach(ingest)

        grant_all(self, StackFunctions(chat, rag, image, chat_stream, rag_stream, customize, usage, ingest))

    def _add_outputs(self) -> None:
        outputs = {
            "ApiUrl": self.api.url,
            "UserPoolId": self.auth.user_pool.user_pool_id,
            "UserPoolClientId": self.auth.client.user_pool_client_id,
            "DocumentsBucketName": self.knowledge_base.documents_bucket.bucket_name,
            "ImagesBucketName": self.images_bucket.bucket_name,
            "ConversationTableName": self.conversations.table.table_name,
            "UsageTableName": self.usage.table.table_name,
            "KnowledgeBaseId": self.knowledge_base.knowledge_base_id,
            "DataSourceId": self.knowledge_base.data_source_id,
            "GuardrailId": self.guardrail.guardrail_id,
            "GuardrailVersion": self.guardrail.version_number,
            "Region": self.region,
        }
        if self.observability.dashboard is not None:
            outputs["DashboardName"] = self.observability.dashboard.dashboard_name
        for key, value in outputs.items():
            CfnOutput(self, key, value=value)
