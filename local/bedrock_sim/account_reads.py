"""The `lambda` and `service-quotas` reads of the preflight doctor (GetAccountSettings, ListServiceQuotas),
answered from the simulator's account scenario (local/bedrock_sim/account.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from local.bedrock_sim.account import account_settings, list_service_quotas
from local.bedrock_sim.protocol import json_answer
from local.bedrock_sim.state import REGION

if TYPE_CHECKING:
    from local.bedrock_sim.server import BedrockSimulator

Answer = tuple[int, dict[str, str], bytes]


class AccountReads:
    def __init__(self, simulator: BedrockSimulator) -> None:
        self._simulator = simulator

    def get_account_settings(self, params: dict[str, Any]) -> Answer:  # noqa: ARG002 - no input
        return json_answer(account_settings(self._simulator.account))

    def list_service_quotas(self, params: dict[str, Any]) -> Answer:
        _, _, body = json_answer(list_service_quotas(self._simulator.account, params, REGION.get()))
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, body
