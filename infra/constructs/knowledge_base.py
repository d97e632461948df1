"""RAG storage: the documents bucket, an S3 Vectors index, the Knowledge Base and its data source.

S3 Vectors has no idle charge (unlike an OpenSearch Serverless collection), so an idle
deployment costs only storage. No L2 exists for a Knowledge Base on S3 Vectors: L1s here.
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3vectors as s3vectors
from constructs import Construct

from infra.config import Chunking
from infra.config import KnowledgeBase as KnowledgeBaseConfig
from infra.constructs.buckets import secure_bucket

# Bedrock writes these per-vector keys; they exceed the 2 KB filterable-metadata limit.
BEDROCK_NON_FILTERABLE_KEYS = ["AMAZON_BEDROCK_TEXT", "AMAZON_BEDROCK_METADATA"]
VECTOR_ACTIONS = ["s3vectors:GetIndex", "s3vectors:PutVectors", "s3vectors:GetVectors", "s3vectors:DeleteVectors", "s3vectors:QueryVectors"]


class KnowledgeBase(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        config: KnowledgeBaseConfig,
        embedding_model_id: str,
        dimensions: int,
        removal_policy: RemovalPolicy,
        access_logs: s3.IBucket,
        cors_origins: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.prefix = config.inclusion_prefix
        self.documents_bucket = self._build_documents_bucket(removal_policy, access_logs, cors_origins)
        self.vector_bucket, self.index = self._build_vector_store(dimensions)
        stack = Stack.of(self)
        self.embedding_model_arn = stack.format_arn(
            service="bedrock", account="", resource="foundation-model", resource_name=embedding_model_id
        )
        self.role, role_policy = self._build_role()
        self.knowledge_base = bedrock.CfnKnowledgeBase(
            self,
            "KnowledgeBase",
            name=f"{name}-kb",
            description="Documents uploaded through the API, embedded into S3 Vectors.",
            role_arn=self.role.role_arn,
            knowledge_base_configuration=bedrock.CfnKnowledgeBase.KnowledgeBaseConfigurationProperty(
                type="VECTOR",
                vector_knowledge_base_configuration=bedrock.CfnKnowledgeBase.VectorKnowledgeBaseConfigurationProperty(
                    embedding_model_arn=self.embedding_model_arn,
                    embedding_model_configuration=bedrock.CfnKnowledgeBase.EmbeddingModelConfigurationProperty(
                        bedrock_embedding_model_configuration=bedrock.CfnKnowledgeBase.BedrockEmbeddingModelConfigurationProperty(
                            dimensions=dimensions, embedding_data_type="FLOAT32"
                        )
                    ),
                ),
            ),
            storage_configuration=bedrock.CfnKnowledgeBase.StorageConfigurationProperty(
                type="S3_VECTORS",
                s3_vectors_configuration=bedrock.CfnKnowledgeBase.S3VectorsConfigurationProperty(index_arn=self.index.attr_index_arn),
            ),
        )
        # Bedrock checks the role's permissions when it creates the knowledge base.
        self.knowledge_base.node.add_dependency(role_policy)
        self.data_source = bedrock.CfnDataSource(
            self,
            "DataSource",
            name=f"{name}-documents",
            knowledge_base_id=self.knowledge_base.attr_knowledge_base_id,
            data_deletion_policy=config.data_deletion_policy,
            data_source_configuration=bedrock.CfnDataSource.DataSourceConfigurationProperty(
                type="S3",
                s3_configuration=bedrock.CfnDataSource.S3DataSourceConfigurationProperty(
                    bucket_arn=self.documents_bucket.bucket_arn,
                    inclusion_prefixes=[self.prefix],
                ),
            ),
            vector_ingestion_configuration=bedrock.CfnDataSource.VectorIngestionConfigurationProperty(
                chunking_configuration=chunking_configuration(config.chunking)
            ),
        )
        self.knowledge_base_id = self.knowledge_base.attr_knowledge_base_id
        self.knowledge_base_arn = self.knowledge_base.attr_knowledge_base_arn
        self.data_source_id = self.data_source.attr_data_source_id

    def _build_documents_bucket(self, removal_policy: RemovalPolicy, access_logs: s3.IBucket, cors_origins: list[str]) -> s3.Bucket:
        cors = []
        if cors_origins:
            cors.append(
                s3.CorsRule(
                    # POST: the browser form upload to the presigned POST; GET: citation links.
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET],
                    allowed_origins=cors_origins,
                    allowed_headers=["*"],
                    max_age=3000,
                )
            )
        bucket = secure_bucket(
            self,
            "DocumentsBucket",
            removal_policy=removal_policy,
            access_logs=access_logs,
            access_logs_prefix="documents-bucket/",
            versioned=True,
            cors=cors,
            lifecycle_rules=[s3.LifecycleRule(id="expire-old-versions", noncurrent_version_expiration=Duration.days(30))],
        )
        # EventBridge delivery, set natively (the L2 switch adds a custom-resource Lambda).
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.add_property_override("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True)
        return bucket

    def _build_vector_store(self, dimensions: int) -> tuple[s3vectors.CfnVectorBucket, s3vectors.CfnIndex]:
        vector_bucket = s3vectors.CfnVectorBucket(
            self,
            "VectorBucket",
            encryption_configuration=s3vectors.CfnVectorBucket.EncryptionConfigurationProperty(sse_type="AES256"),
        )
        index = s3vectors.CfnIndex(
            self,
            "VectorIndex",
            vector_bucket_arn=vector_bucket.attr_vector_bucket_arn,
            data_type="float32",
            dimension=dimensions,
            distance_metric="cosine",
            metadata_configuration=s3vectors.CfnIndex.MetadataConfigurationProperty(
                non_filterable_metadata_keys=BEDROCK_NON_FILTERABLE_KEYS
            ),
        )
        return vector_bucket, index

    def _build_role(self) -> tuple[iam.Role, iam.Policy]:
        stack = Stack.of(self)
        role = iam.Role(
            self,
            "KnowledgeBaseRole",
            description="Assumed by Bedrock to read the documents prefix, embed it and write the vector index.",
            assumed_by=iam.ServicePrincipal(
                "bedrock.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "ArnLike": {"aws:SourceArn": stack.format_arn(service="bedrock", resource="knowledge-base", resource_name="*")},
                },
            ),
        )
        policy = iam.Policy(
            self,
            "KnowledgeBasePolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(actions=["bedrock:InvokeModel"], resources=[self.embedding_model_arn]),
                iam.PolicyStatement(
                    actions=["s3:ListBucket"],
                    resources=[self.documents_bucket.bucket_arn],
                    conditions={"StringEquals": {"aws:ResourceAccount": Aws.ACCOUNT_ID}},
                ),
                iam.PolicyStatement(actions=["s3:GetObject"], resources=[self.documents_bucket.arn_for_objects(f"{self.prefix}*")]),
                iam.PolicyStatement(actions=VECTOR_ACTIONS, resources=[self.index.attr_index_arn]),
            ],
        )
        return role, policy

    def grant_ingestion(self, grantee: iam.IGrantable) -> None:
        """Start, read and list ingestion jobs of this knowledge base."""
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["bedrock:StartIngestionJob", "bedrock:GetIngestionJob", "bedrock:ListIngestionJobs"],
            resource_arns=[self.knowledge_base_arn],
        )

    def grant_retrieve(self, grantee: iam.IGrantable) -> None:
        iam.Grant.add_to_principal(grantee=grantee, actions=["bedrock:Retrieve"], resource_arns=[self.knowledge_base_arn])


def chunking_configuration(chunking: Chunking) -> bedrock.CfnDataSource.ChunkingConfigurationProperty:
    prop = bedrock.CfnDataSource
    if chunking.strategy == "HIERARCHICAL":
        h = chunking.hierarchical
        return prop.ChunkingConfigurationProperty(
            chunking_strategy="HIERARCHICAL",
            hierarchical_chunking_configuration=prop.HierarchicalChunkingConfigurationProperty(
                level_configurations=[
                    prop.HierarchicalChunkingLevelConfigurationProperty(max_tokens=h.parent_max_tokens),
                    prop.HierarchicalChunkingLevelConfigurationProperty(max_tokens=h.child_max_tokens),
                ],
                overlap_tokens=h.overlap_tokens,
            ),
        )
    if chunking.strategy == "SEMANTIC":
        s = chunking.semantic
        return prop.ChunkingConfigurationProperty(
            chunking_strategy="SEMANTIC",
            semantic_chunking_configuration=prop.SemanticChunkingConfigurationProperty(
                max_tokens=s.max_tokens, buffer_size=s.buffer_size, breakpoint_percentile_threshold=s.breakpoint_percentile_threshold
            ),
        )
    f = chunking.fixed_size
    return prop.ChunkingConfigurationProperty(
        chunking_strategy="FIXED_SIZE",
        fixed_size_chunking_configuration=prop.FixedSizeChunkingConfigurationProperty(
            max_tokens=f.max_tokens, overlap_percentage=f.overlap_percentage
        ),
    )
