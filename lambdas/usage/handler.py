"""Usage function: thin routes over the usage modules (Powertools resolver, validation, errors).

GET /usage is the caller's own usage (keys built from the verified `sub`, no user parameter exists);
everything under /admin needs the admin group (403 otherwise).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import boto3
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from common import deadline
from common.api import build_resolver
from common.auth import Caller, caller_from
from common.clock import Clock
from common.errors import ValidationFailedError
from common.observability import logger, metrics, tracer
from common.runtime_config import runtime_config
from common.settings import UsageSettings, load_settings
from common.storage import dynamodb_client
from usage import admin_usage, budgets_admin, csv_export, listing, report
from usage.models import ENCODED_GROUP_MAX, SUB, BudgetOverride, BudgetsView, BudgetUpdate, UsageListing, UsageReport, group_name
from usage.people import Directory
from usage.store import UsageStore

env = load_settings(UsageSettings)  # at import: a missing variable fails the cold start, not each request
config = runtime_config()
clock = Clock()  # the system time; tests set a fixed one
app = build_resolver(max_body_bytes=config.limits.max_body_bytes, cors_origins=config.cors_origins)
CSV_RESPONSE = {
    200: {
        "description": "The period's users: a JSON page, or with format=csv every user as a CSV file (UTF-8 with BOM, header row)",
        "content": {"application/json": {"model": UsageListing}, "text/csv": {"schema": {"type": "string"}}},
    }
}


@lru_cache(maxsize=1)
def _store() -> UsageStore:
    return UsageStore(dynamodb_client(), env.usage_table)


@lru_cache(maxsize=1)
def _directory() -> Directory:
    client = boto3.client(
        "cognito-idp", config=Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=2, read_timeout=5)
    )
    return Directory(client, env.user_pool_id)


def _admin() -> Caller:
    caller = caller_from(app.current_event.raw_event)
    caller.require_group(env.admin_group)
    return caller


@app.get("/usage")
def my_usage() -> UsageReport:
    """The caller's usage today and this month (by model) and what remains of each budget, with reset times."""
    caller = caller_from(app.current_event.raw_event)
    return UsageReport.model_validate(report.my_usage(caller, _store(), config.budgets, clock.now()))


@app.get("/admin/usage", responses=CSV_RESPONSE)  # type: ignore[arg-type]
def admin_list_usage(
    period: Annotated[Literal["day", "month"], Query()] = "day",
    date: Annotated[
        str | None, Query(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM-DD (day) or YYYY-MM (month); default: the current one")
    ] = None,
    sort: Annotated[Literal["cost", "tokens", "user"], Query()] = "cost",
    order: Annotated[Literal["asc", "desc"] | None, Query(description="default: desc for cost and tokens, asc for user")] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="JSON: page size (default 20); CSV: the first N users")] = None,
    next_token: Annotated[str | None, Query(max_length=2048)] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Response[Any]:
    _admin()
    if format == "csv" and next_token is not None:
        problem = {"field": "query.next_token", "message": "a CSV export is the whole period: no pages"}
        raise ValidationFailedError("the request is not valid: see details", details=[problem])
    chosen = listing.requested(period, date, clock.now(), ZoneInfo(config.budgets.time_zone))
    page_size = limit if format == "csv" else (limit or admin_usage.DEFAULT_PAGE)
    query = listing.Query(chosen, sort, order or listing.default_order(sort), page_size, next_token)
    if format == "csv":
        text, name = admin_usage.as_csv(query, _store(), _directory())
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(status_code=200, content_type=csv_export.MEDIA_TYPE, body=text, headers=disposition)
    body = UsageListing.model_validate(admin_usage.as_json(query, _store(), _directory(), config.budgets.time_zone))
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=body.model_dump(mode="json"))


@app.get("/admin/budgets")
def list_budgets() -> BudgetsView:
    """The config's budgets (default, per group, the deployment's daily ceiling with today's spend) and every override."""
    _admin()
    return BudgetsView.model_validate(budgets_admin.view(config.budgets, _store(), clock.now()))


@app.put("/admin/budgets/users/<sub>")
def put_user_budget(sub: Annotated[str, Path(pattern=SUB)], update: BudgetUpdate) -> BudgetOverride:
    """Set one user's budget override (replaces an earlier one)."""
    admin = _admin()
    return BudgetOverride.model_validate(budgets_admin.put("user", sub.lower(), update, admin.sub, clock.now(), _store()))


@app.delete("/admin/budgets/users/<sub>", responses={204: {"description": "Removed: the user's group and default budgets apply"}})
def delete_user_budget(sub: Annotated[str, Path(pattern=SUB)]) -> Response[None]:
    _admin()
    budgets_admin.delete("user", sub.lower(), _store())
    return Response(status_code=204, body=None)


@app.put("/admin/budgets/groups/<name>")
def put_group_budget(name: Annotated[str, Path(min_length=1, max_length=ENCODED_GROUP_MAX)], update: BudgetUpdate) -> BudgetOverride:
    """Set a Cognito group's budget override (replaces an earlier one)."""
    admin = _admin()
    return BudgetOverride.model_validate(budgets_admin.put("group", group_name(name), update, admin.sub, clock.now(), _store()))


@app.delete("/admin/budgets/groups/<name>", responses={204: {"description": "Removed: the config's budget for the group applies"}})
def delete_group_budget(name: Annotated[str, Path(min_length=1, max_length=ENCODED_GROUP_MAX)]) -> Response[None]:
    _admin()
    budgets_admin.delete("group", group_name(name), _store())
    return Response(status_code=204, body=None)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@deadline.track
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
