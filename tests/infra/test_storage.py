"""Conversation table, buckets, knowledge base and the ingestion pipeline."""

from __future__ import annotations

from typing import Any

from tests.infra.cfn import render


def test_given_table_then_on_demand_pitr_encrypted_ttl_and_keys_for_latest_messages_and_user_listing(each_profile):
    table = next(iter(each_profile.resources("AWS::DynamoDB::GlobalTable").values()))["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSESpecification"]["SSEEnabled"] is True
    replica = table["Replicas"][0]
    assert replica["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    index = table["GlobalSecondaryIndexes"][0]
    assert index["IndexName"] == "by_user_updated"
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["gsi1pk", "gsi1sk"]


def test_given_profiles_then_prod_protects_data_and_dev_destroys_it(dev, prod):
    dev_table = next(iter(dev.resources("AWS::DynamoDB::GlobalTable").values()))
    prod_table = next(iter(prod.resources("AWS::DynamoDB::GlobalTable").values()))
    assert dev_table["DeletionPolicy"] == "Delete"
    assert prod_table["DeletionPolicy"] == "Retain"
    assert prod_table["Properties"]["Replicas"][0]["DeletionProtectionEnabled"] is True
    assert dev_table["Properties"]["Replicas"][0].get("DeletionProtectionEnabled", False) is False
    assert next(iter(prod.resources("AWS::Cognito::UserPool").values()))["Properties"]["DeletionProtection"] == "ACTIVE"
    assert prod.stack.termination_protection is True
    assert dev.stack.termination_protection is False


def _bucket_policies(synth) -> dict[str, dict]:
    return {p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"] for p in synth.resources("AWS::S3::BucketPolicy").values()}


def test_given_every_bucket_then_private_encrypted_tls_only_and_logged(each_profile):
    buckets = each_profile.resources("AWS::S3::Bucket")
    policies = _bucket_policies(each_profile)
    assert len(buckets) == 4  # access logs, documents, images, customization
    for logical_id, bucket in buckets.items():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert (
            props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        )
        denies = [s for s in policies[logical_id]["Statement"] if s["Effect"] == "Deny"]
        assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies), logical_id
        if "AccessLogs" not in logical_id:
            assert "LoggingConfiguration" in props, logical_id


def test_given_documents_bucket_then_versioned_and_eventbridge_enabled(dev):
    bucket = dev.json["Resources"][dev.stack.get_logical_id(dev.stack.knowledge_base.documents_bucket.node.default_child)]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}


def test_given_images_bucket_then_images_expire_after_configured_days(dev):
    bucket = dev.json["Resources"][dev.stack.get_logical_id(dev.stack.images_bucket.node.default_child)]["Properties"]
    rule = bucket["LifecycleConfiguration"]["Rules"][0]
    assert rule["ExpirationInDays"] == dev.stack.deployment.config.retention.image_retention_days
    assert rule["Prefix"] == "images/"


def test_given_knowledge_base_then_s3_vectors_storage_with_embedding_dimensions(each_profile):
    kb = next(iter(each_profile.resources("AWS::Bedrock::KnowledgeBase").values()))["Properties"]
    dims = each_profile.stack.deployment.config.models.embedding.dimensions
    vector = kb["KnowledgeBaseConfiguration"]["VectorKnowledgeBaseConfiguration"]
    assert kb["KnowledgeBaseConfiguration"]["Type"] == "VECTOR"
    assert vector["EmbeddingModelConfiguration"]["BedrockEmbeddingModelConfiguration"]["Dimensions"] == dims
    assert render(vector["EmbeddingModelArn"]) == "arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-embed-text-v2:0"
    assert kb["StorageConfiguration"]["Type"] == "S3_VECTORS"
    assert set(kb["StorageConfiguration"]["S3VectorsConfiguration"]) == {"IndexArn"}
    index = next(iter(each_profile.resources("AWS::S3Vectors::Index").values()))["Properties"]
    assert index["Dimension"] == dims
    assert index["DistanceMetric"] == "cosine"
    assert index["DataType"] == "float32"
    assert index["MetadataConfiguration"]["NonFilterableMetadataKeys"] == ["AMAZON_BEDROCK_TEXT", "AMAZON_BEDROCK_METADATA"]


def test_given_data_source_then_prefix_chunking_and_deletion_policy_from_config(dev):
    source = next(iter(dev.resources("AWS::Bedrock::DataSource").values()))["Properties"]
    assert source["DataSourceConfiguration"]["S3Configuration"]["InclusionPrefixes"] == ["documents/"]
    assert source["DataDeletionPolicy"] == "DELETE"
    chunking = source["VectorIngestionConfiguration"]["ChunkingConfiguration"]
    assert chunking == {"ChunkingStrategy": "FIXED_SIZE", "FixedSizeChunkingConfiguration": {"MaxTokens": 300, "OverlapPercentage": 20}}


def test_given_hierarchical_chunking_then_two_levels_and_overlap():
    from infra.config import Chunking
    from infra.constructs.knowledge_base import chunking_configuration

    prop: Any = chunking_configuration(Chunking(strategy="HIERARCHICAL"))
    assert prop.chunking_strategy == "HIERARCHICAL"
    levels = prop.hierarchical_chunking_configuration.level_configurations
    assert [level.max_tokens for level in levels] == [1500, 300]
    assert prop.hierarchical_chunking_configuration.overlap_tokens == 60


def test_given_semantic_chunking_then_its_thresholds():
    from infra.config import Chunking
    from infra.constructs.knowledge_base import chunking_configuration

    prop: Any = chunking_configuration(Chunking(strategy="SEMANTIC"))
    assert prop.chunking_strategy == "SEMANTIC"
    assert prop.semantic_chunking_configuration.breakpoint_percentile_threshold == 95


def test_given_ingestion_then_rule_to_encrypted_queue_with_dlq_and_single_concurrency_consumer(dev):
    rule = next(iter(dev.resources("AWS::Events::Rule").values()))["Properties"]
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.s3"]
    assert set(pattern["detail-type"]) == {"Object Created", "Object Deleted"}
    assert pattern["detail"]["object"]["key"] == [{"prefix": "documents/"}]
    queues = dev.resources("AWS::SQS::Queue")
    assert len(queues) == 2
    for queue in queues.values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
    main = next(q for q in queues.values() if "RedrivePolicy" in q["Properties"])
    assert main["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 20
    mapping = next(iter(dev.resources("AWS::Lambda::EventSourceMapping").values()))["Properties"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    ingest = dev.json["Resources"][dev.stack.get_logical_id(dev.stack.functions.functions["ingest"].node.default_child)]
    assert ingest["Properties"]["ReservedConcurrentExecutions"] == 1
