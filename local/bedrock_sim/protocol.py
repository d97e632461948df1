"""The AWS wire protocols the simulator speaks, read from botocore's service models.

rest-json (Bedrock, Lambda): the operation is found by method and path. awsJson1.1 (Service Quotas):
every request is `POST /` and the operation is named by the `X-Amz-Target` header
(`<targetPrefix>.<Operation>`, the model's metadata), its parameters are the JSON body, and an error
names its code in the body's `__type` (what botocore's JSON parser reads). Routes an HTTP request to
its operation, turns it into the parameters boto3 sent, and checks those (and the simulator's own
responses) against the operation's shapes.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.validate import ParamValidator

from local.bedrock_sim import constraints
from local.http import route_pattern


class SimError(Exception):
    """An error answered the way Bedrock answers it (status from the service model)."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or 400


@dataclass(frozen=True)
class Route:
    service: str
    operation: OperationModel
    pattern: re.Pattern[str]


def _pattern(request_uri: str) -> re.Pattern[str]:
    return route_pattern(request_uri.split("?")[0])  # the query part of a requestUri names query-string members


def signed_region(headers: dict[str, str]) -> str:
    """The region a SigV4 request was signed for (`Credential=<key>/<date>/<region>/<service>/aws4_request`)."""
    authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    match = re.search(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/", authorization)
    return match.group(1) if match else "us-east-1"


class Protocol:
    def __init__(self, services: tuple[str, ...], prefer: tuple[str, ...] = ()) -> None:
        session = botocore.session.get_session()
        self.models: dict[str, ServiceModel] = {name: session.get_service_model(name) for name in services}
        routes = [
            Route(name, model.operation_model(op), _pattern(model.operation_model(op).http["requestUri"]))
            for name, model in self.models.items()
            if model.protocol != "json"
            for op in model.operation_names
        ]
        # Several services share one endpoint here: the simulated operations win a path both could match.
        self.routes = sorted(routes, key=lambda r: r.operation.name not in prefer)
        self.targets = {
            f"{model.metadata['targetPrefix']}.{op}": Route(name, model.operation_model(op), _pattern("/"))
            for name, model in self.models.items()
            if model.protocol == "json"
            for op in model.operation_names
        }

    def is_json(self, service: str) -> bool:
        return self.models[service].protocol == "json"

    def route(self, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[Route, dict[str, str]]:
        target = next((v for k, v in (headers or {}).items() if k.lower() == "x-amz-target"), None)
        if target is not None:
            if method == "POST" and path == "/" and target in self.targets:
                return self.targets[target], {}
            raise SimError("UnknownOperationException", f"no operation for X-Amz-Target {target}", 400)
        for route in self.routes:
            if route.operation.http["method"] != method:
                continue
            match = route.pattern.match(path)
            if match:
                return route, {k: unquote(v) for k, v in match.groupdict().items()}
        raise SimError("UnknownOperationException", f"no Bedrock operation for {method} {path}", 404)

    def error_status(self, service: str, code: str) -> int:
        try:
            shape = self.models[service].shape_for(code)
        except Exception:
            return 400
        return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))

    @staticmethod
    def parse(operation: OperationModel, labels: dict[str, str], headers: dict[str, str], body: bytes, query: str = "") -> dict[str, Any]:
        """The request parameters, as boto3 had them before serializing."""
        shape = operation.input_shape
        params: dict[str, Any] = {}
        lowered = {k.lower(): v for k, v in headers.items()}
        queried = parse_qs(query, keep_blank_values=True)
        payload_member = shape.serialization.get("payload") if shape else None
        for name, member in shape.members.items() if shape else []:
            location = member.serialization.get("location")
            if location == "uri":
                params[name] = labels[member.serialization.get("name", name)]
            elif location == "querystring" and member.serialization.get("name", name) in queried:
                params[name] = _query_value(member, queried[member.serialization.get("name", name)])
            elif location == "header" and member.serialization.get("name", name).lower() in lowered:
                params[name] = lowered[member.serialization.get("name", name).lower()]
        if payload_member:
            params[payload_member] = body
        elif body:
            try:
                document = json.loads(body)
            except json.JSONDecodeError as err:
                raise SimError("ValidationException", f"request body is not JSON: {err}") from None
            params.update(document)
        return params

    @staticmethod
    def validate(
        shape: Shape | None, params: dict[str, Any], what: str, tolerated: Callable[[constraints.Violation], bool] | None = None
    ) -> None:
        if shape is None:
            return
        value = _blobs_as_bytes(shape, params)
        report = ParamValidator().validate(value, shape)
        if report.has_errors():
            raise SimError("ValidationException", f"{what} does not match the service model: {report.generate_report()}")
        # What ParamValidator skips (maximum lengths, enums, patterns, ranges): Bedrock's own answer for a request.
        # `tolerated`: deviations real answers are known to carry (the simulator's own answers only).
        found = [v for v in constraints.check(shape, value) if tolerated is None or not tolerated(v)]
        if found:
            text = constraints.message(found)
            raise SimError("ValidationException", text if what == "request" else f"{what} does not match the service model: {text}")


def _query_value(member: Shape, values: list[str]) -> Any:
    """A query-string member as boto3 had it: lists repeat the key; numbers and booleans are text on the wire."""
    if member.type_name == "list":
        return values
    value = values[-1]
    if member.type_name in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            return value  # ParamValidator reports the wrong type
    if member.type_name == "boolean":
        return value == "true"
    return value


def _blobs_as_bytes(shape: Shape, value: Any) -> Any:
    """JSON carries blobs as base64 text; the validator wants bytes, as boto3 had them."""
    if shape.type_name == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: _blobs_as_bytes(shape.members[k], v) if k in shape.members else v for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_blobs_as_bytes(shape.member, v) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _blobs_as_bytes(shape.value, v) for k, v in value.items()}
    return value


def json_answer(document: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """A 200 JSON answer, UTF-8 as Bedrock sends it."""
    return 200, {"Content-Type": "application/json"}, json.dumps(document, ensure_ascii=False).encode("utf-8")
