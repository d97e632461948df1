"""Clients of the Bedrock GenAI Stack API: a small Python client and the `genai` command line."""
