"""Names shared across constructs: environment keys, metric names, the admin group, outputs."""

# Environment variables the functions read (lambdas/common/settings.py parses them).
ENV_TABLE_NAME = "TABLE_NAME"
ENV_DOCUMENTS_BUCKET = "DOCUMENTS_BUCKET"
ENV_IMAGES_BUCKET = "IMAGES_BUCKET"
ENV_ATTACHMENTS_BUCKET = "ATTACHMENTS_BUCKET"
ATTACHMENTS_PREFIX = "attachments/"  # files in chat (lambdas/chat/attachments.py PREFIX), in the images bucket
IMAGES_PREFIX = "images/"  # generated pictures (lambdas/image/service.py PREFIX), in the same bucket
ENV_KNOWLEDGE_BASE_ID = "KNOWLEDGE_BASE_ID"
ENV_DATA_SOURCE_ID = "DATA_SOURCE_ID"
ENV_GUARDRAIL_ID = "GUARDRAIL_ID"
ENV_GUARDRAIL_VERSION = "GUARDRAIL_VERSION"
ENV_ADMIN_GROUP = "ADMIN_GROUP"
ENV_CUSTOMIZATION_BUCKET = "CUSTOMIZATION_BUCKET"
ENV_CUSTOMIZATION_ROLE_ARN = "CUSTOMIZATION_ROLE_ARN"
ENV_CUSTOMIZATION_STACK_TAG = "CUSTOMIZATION_STACK_TAG"
# The tag on every customization job, custom model and deployment the stack makes; the IAM grants require it
# (lambdas/customize/aws.py TAG_KEY).
CUSTOMIZATION_TAG_KEY = "genai:stack"
ENV_USAGE_TABLE = "USAGE_TABLE"
ENV_USER_POOL_ID = "USER_POOL_ID"

# Powertools.
METRICS_NAMESPACE = "BedrockGenAi"
SERVICES = ("chat", "rag", "image", "ingest")
METRIC_INPUT_TOKENS = "InputTokens"
METRIC_OUTPUT_TOKENS = "OutputTokens"
METRIC_GUARDRAIL_INTERVENTIONS = "GuardrailInterventions"
METRIC_MODEL_LATENCY = "ModelLatency"
DIMENSION_MODEL = "model_id"
# Metering (lambdas/common/usage/metrics.py emits them).
METRIC_COST = "CostMicroUSD"
METRIC_USAGE_WRITE_FAILED = "UsageWriteFailed"
METRIC_DAILY_SPEND = "DailySpendMicroUSD"

ADMIN_GROUP = "admin"

# Reserved concurrency of the ingest function (one ingestion starter at a time); the doctor checks the account can reserve it.
INGEST_RESERVED_CONCURRENCY = 1

# Table key design (one table): see infra/constructs/conversations.py.
TABLE_PK = "pk"
TABLE_SK = "sk"
TABLE_GSI_USER = "by_user_updated"
TABLE_GSI_PK = "gsi1pk"
TABLE_GSI_SK = "gsi1sk"
TABLE_TTL_ATTRIBUTE = "expires_at"
REGISTRY_PARTITION = "REGISTRY#custom-models"  # registered custom models (lambdas/common/custom_models.py PARTITION)
IMAGE_RECORDS_PARTITION = "IMAGES#"  # + <sub>: a user's stored pictures (lambdas/image/gallery.py PARTITION)

# Usage table (issue 14): see infra/constructs/usage.py.
USAGE_GSI_PERIOD = "by_period"
USAGE_GSI_PK = "period"
USAGE_GSI_SK = "user"
USAGE_BUDGET_PK = "BUDGET"
