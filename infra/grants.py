"""Every function's permissions, on exact resources, in one place: who may do what (infra/stack.py builds the
resources and the functions, then calls `grant_all`). Each grant names its reason beside it; the IAM tests
(tests/infra/test_iam.py and the per-feature ones) read the synthesized policies back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from infra import constants as names
from infra.attachments import grant_attachments
from infra.constructs.buckets import grant_prefix
from infra.constructs.image_records import grant_image_records
from infra.model_access import grant_image_models, grant_text_models

if TYPE_CHECKING:
    from infra.stack import GenAiStack


@dataclass(frozen=True)
class StackFunctions:
    """The functions' live aliases (infra/constructs/functions.py): grants go to their roles."""

    chat: lambda_.Alias
    rag: lambda_.Alias
    image: lambda_.Alias
    chat_stream: lambda_.Alias
    rag_stream: lambda_.Alias
    customize: lambda_.Alias
    usage: lambda_.Alias
    ingest: lambda_.Alias


def grant_all(stack: GenAiStack, f: StackFunctions) -> None:
    deployment, kb, table, guardrail = stack.deployment, stack.knowledge_base, stack.conversations.table, stack.guardrail
    # chat: its models, the guardrail, the conversation table.
    grant_text_models(stack, f.chat, deployment.chat_models)
    stack.conversations.grant(
        f.chat,
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    )
    # rag: RAG and chat models, retrieve, documents under the prefix, ingestion jobs, reading chat context.
    grant_text_models(stack, f.rag, deployment.text_models)
    kb.grant_retrieve(f.rag)
    kb.grant_ingestion(f.rag)
    grant_prefix(kb.documents_bucket, f.rag, kb.prefix, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], list_objects=True)
    stack.conversations.grant(f.rag, "dynamodb:Query", "dynamodb:GetItem")
    # image: image models in their region, its bucket prefix (DeleteObject: DELETE /images/{id}), its records'
    # partitions of the table (GET /images, DELETE /images/{id}).
    grant_image_models(f.image, deployment.image_models, deployment.image_region)
    if deployment.translation_model is not None:
        grant_text_models(stack, f.image, [deployment.translation_model])
    grant_prefix(stack.images_bucket, f.image, names.IMAGES_PREFIX, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
    grant_image_records(table, f.image)
    # chat_stream: as chat's turn (ConverseStream is bedrock:InvokeModelWithResponseStream, granted with the models);
    # the table without its user index: read the window, commit the turn (a transaction's Put and Update need
    # PutItem and UpdateItem: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html),
    # read the stop item. Listing and deleting conversations stay on chat.
    grant_text_models(stack, f.chat_stream, deployment.chat_models)
    stack.conversations.grant(f.chat_stream, "dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", index=False)
    # chat, chat_stream: files in chat under attachments/ (chat signs the uploads; both read the files).
    grant_attachments(stack.images_bucket, f.chat, f.chat_stream)
    # rag_stream: rag's query path only: retrieve, the models, presigned GETs of cited documents, a chat window.
    # No document management (upload, delete, listing, ingestion jobs).
    grant_text_models(stack, f.rag_stream, deployment.text_models)
    kb.grant_retrieve(f.rag_stream)
    grant_prefix(kb.documents_bucket, f.rag_stream, kb.prefix, ["s3:GetObject"])
    stack.conversations.grant(f.rag_stream, "dynamodb:Query", "dynamodb:GetItem", index=False)
    # customize: the training bucket's prefixes, PassRole for the service role, this stack's customization resources,
    # and the registry partition of the conversation table only (dynamodb:LeadingKeys).
    stack.customization.grant_manage(f.customize)
    stack.conversations.grant_registry(f.customize)
    # chat, chat_stream: registered custom models (this stack's tagged deployments) beside the configured models.
    stack.customization.grant_invoke_deployments(f.chat)
    stack.customization.grant_invoke_deployments(f.chat_stream)
    # usage: read the table (a user's rows, a period's rows by index, budget overrides, the deployment's day); write
    # budget overrides only (dynamodb:LeadingKeys = BUDGET); list the pool's users to name them for admins.
    stack.usage.grant(f.usage, "dynamodb:Query", index=True)
    stack.usage.grant(f.usage, "dynamodb:GetItem", "dynamodb:BatchGetItem")
    stack.usage.grant_budget_writes(f.usage)
    f.usage.add_to_role_policy(iam.PolicyStatement(actions=["cognito-idp:ListUsers"], resources=[stack.auth.user_pool.user_pool_arn]))
    # ingest: ingestion jobs only.
    kb.grant_ingestion(f.ingest)
    for function in (f.chat, f.rag, f.image, f.chat_stream, f.rag_stream):
        guardrail.grant_apply(function)
        stack.usage.grant_metering(function)  # reserve, settle (transactions of Updates), overrides, the day's spend
