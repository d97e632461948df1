"""The API's ids as the path and body validators check them (docs/api.md): shared by chat and rag."""

from __future__ import annotations

# An id POST /chat returned (common/conversations.py new_conversation_id: 24 URL-safe characters).
CONVERSATION_ID = r"^[A-Za-z0-9_-]{16,64}$"
