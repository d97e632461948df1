"""An offline Amazon Bedrock: the real wire protocol on 127.0.0.1, for tests and `make dev`.

boto3 reaches it through AWS_ENDPOINT_URL_BEDROCK_RUNTIME (and, later, the agent endpoints).
Requests are validated against botocore's service models; replies are deterministic and say
they come from the offline model; the guardrail policy is the one in cdk.json.
"""

from local.bedrock_sim.server import BedrockSimulator

__all__ = ["BedrockSimulator"]
