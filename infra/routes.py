"""The API's routes: one table for the CDK construct, the local gateway, the OpenAPI document and the tests.

Plain data, no CDK import, so `make dev` and the tests read it without starting the CDK's Node process.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str  # key of the function that serves it
    json_body: bool = False
    stream: bool = False  # answered as a stream (API Gateway STREAM transfer mode; a Lambda Web Adapter function)


ROUTES: tuple[Route, ...] = (
    Route("GET", "/models", "chat"),
    Route("POST", "/chat", "chat", json_body=True),
    Route("POST", "/chat/stream", "chat_stream", json_body=True, stream=True),
    Route("POST", "/chat/attachments", "chat", json_body=True),
    Route("GET", "/conversations", "chat"),
    Route("GET", "/conversations/{id}", "chat"),
    Route("PATCH", "/conversations/{id}", "chat", json_body=True),
    Route("DELETE", "/conversations/{id}", "chat"),
    Route("POST", "/rag/query", "rag", json_body=True),
    Route("POST", "/rag/query/stream", "rag_stream", json_body=True, stream=True),
    Route("POST", "/streams/{id}/stop", "chat"),
    Route("GET", "/documents", "rag"),
    Route("POST", "/documents", "rag", json_body=True),
    Route("DELETE", "/documents/{key+}", "rag"),
    Route("GET", "/documents/sync", "rag"),
    Route("POST", "/documents/sync", "rag"),
    Route("GET", "/images", "image"),
    Route("POST", "/images", "image", json_body=True),
    Route("POST", "/images/verify", "image", json_body=True),
    Route("DELETE", "/images/{id}", "image"),
    # Model customization (admin only: the function answers 403 to anyone outside the admin group).
    Route("GET", "/customize/catalog", "customize"),
    Route("POST", "/customize/uploads", "customize", json_body=True),
    Route("POST", "/customize/datasets", "customize", json_body=True),
    Route("GET", "/customize/jobs", "customize"),
    Route("POST", "/customize/jobs", "customize", json_body=True),
    Route("GET", "/customize/jobs/{id}", "customize"),
    Route("POST", "/customize/jobs/{id}/stop", "customize"),
    Route("GET", "/customize/models", "customize"),
    Route("DELETE", "/customize/models/{id}", "customize"),
    Route("GET", "/customize/deployments", "customize"),
    Route("POST", "/customize/deployments", "customize", json_body=True),
    Route("GET", "/customize/deployments/{id}", "customize"),
    Route("DELETE", "/customize/deployments/{id}", "customize"),
    Route("POST", "/customize/deployments/{id}/registration", "customize", json_body=True),
    Route("DELETE", "/customize/deployments/{id}/registration", "customize"),
    Route("GET", "/usage", "usage"),
    Route("GET", "/admin/usage", "usage"),
    Route("GET", "/admin/budgets", "usage"),
    Route("PUT", "/admin/budgets/users/{sub}", "usage", json_body=True),
    Route("DELETE", "/admin/budgets/users/{sub}", "usage"),
    Route("PUT", "/admin/budgets/groups/{name}", "usage", json_body=True),
    Route("DELETE", "/admin/budgets/groups/{name}", "usage"),
)
