"""The AWS Lambda Web Adapter (LWA): how the streaming functions serve an ASGI app in response-stream mode.

Python Lambda runtimes have no streaming handler; the documented path is the adapter, a layer whose
extension talks to the Runtime API and forwards each API Gateway event to a web app on loopback
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html: "use a custom runtime
... or use the Lambda Web Adapter"). Set-up, from the adapter's own docs
(awslabs/aws-lambda-web-adapter docs/guide/src/getting-started/zip-packages.md and
configuration/environment-variables.md):

* the layer `arn:aws:lambda:${AWS::Region}:753240598075:layer:LambdaAdapterLayerArm64:<n>`; 25 is v0.9.1,
  the release both AWS samples of REST API streaming with Python pin (26 is v1.0.0-rc1, a release candidate);
* `AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap` and the handler set to the app's start script (`run_stream.sh`,
  which must be executable: the bundling keeps its mode, infra/bundling.py);
* `AWS_LWA_INVOKE_MODE=response_stream` (the adapter lowercases the value), `AWS_LWA_PORT`, and
  `AWS_LWA_READINESS_CHECK_PATH` (default `/`; our apps answer `GET /healthz`).

The wrapper replaces the managed runtime's Python bootstrap, which is what normally puts the layers'
`/opt/python` on sys.path: every Python example of the adapter therefore starts the app with
`PYTHONPATH=/opt/python:$LAMBDA_RUNTIME_DIR` (examples/fastapi-response-streaming-zip/app/run.sh). PYTHONPATH is
not a reserved variable (its default is `$LAMBDA_RUNTIME_DIR`, i.e. /var/runtime), so the function sets it, with
the code's /var/task first as in the managed runtime's own order.

SnapStart stays off for these functions whatever `features.snapstart` says: adapter v0.9.1 has no SnapStart
hooks (a later release adds them, refreshing "its own HTTP connection to your application (so it never reuses a
connection captured in the snapshot)", https://aws.github.io/aws-lambda-web-adapter/features/snapstart.html),
and the Python runtime hooks run in the bootstrap the wrapper replaces.
"""

from __future__ import annotations

from aws_cdk import Aws

ADAPTER_ACCOUNT = "753240598075"
ADAPTER_LAYER = "LambdaAdapterLayerArm64"
ADAPTER_LAYER_VERSION = 25  # v0.9.1
HANDLER = "run_stream.sh"
PORT = 8080
READINESS_PATH = "/healthz"
PYTHONPATH = "/var/task:/opt/python:/var/runtime"


def layer_arn() -> str:
    """The adapter layer in the stack's region (one ARN shape in every commercial region)."""
    return f"arn:{Aws.PARTITION}:lambda:{Aws.REGION}:{ADAPTER_ACCOUNT}:layer:{ADAPTER_LAYER}:{ADAPTER_LAYER_VERSION}"


def environment(stream_app: str) -> dict[str, str]:
    """The variables the adapter and run_stream.sh read; `stream_app` is the ASGI app, module:attribute."""
    return {
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
        "AWS_LWA_INVOKE_MODE": "response_stream",
        "AWS_LWA_PORT": str(PORT),
        "AWS_LWA_READINESS_CHECK_PATH": READINESS_PATH,
        "STREAM_APP": stream_app,
        "PYTHONPATH": PYTHONPATH,
    }
