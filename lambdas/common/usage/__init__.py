"""Usage metering and budgets, shared by every function that makes paid Bedrock calls.

prices.py: what a call cost (Metered, micro-USD) · estimate.py: the most a request can cost, before it is sent ·
budgets.py: a caller's limits (config per group, overrides) · periods.py: days and months in the configured zone ·
ledger.py: reserve, settle, release on the usage table · refusal.py: the 429 · meter.py: one request's metering ·
metrics.py: CostMicroUSD, UsageWriteFailed, DailySpendMicroUSD. docs/architecture.md#usage-metering-and-budgets.
"""
