"""LangChain for the RAG query without the package `__init__`s that import what the query never uses.

The first `/rag/query` of a container imports LangChain (docs/performance.md has the `-X importtime` figures):
* `langchain_core.runnables.base` imports its tracers at module level; they import `langsmith.run_trees`, which
  takes one Literal from `langsmith.types.run_select_field`. Importing that module runs the package's
  `langsmith/types/__init__.py` first, and it imports all ~160 generated pydantic models of LangSmith's REST
  API: ~0.16 s of CPU, a quarter of LangChain's import. Nothing here calls LangSmith; no setting or environment
  variable skips these imports (tracing is off unless LANGSMITH_TRACING is set, and the imports happen either
  way). Upstream: https://github.com/langchain-ai/langchain/issues/40236 (open).
* `langchain_aws/__init__.py` imports every model and retriever it has (ChatBedrock with the legacy Bedrock LLM,
  Kendra, S3 Vectors) and the `chat_models` and `retrievers` packages do the same for theirs, while the query
  uses ChatBedrockConverse and AmazonKnowledgeBasesRetriever: ~0.06 s more. That `__init__` also replaces
  `boto3.client` to add `x-client-framework:langchain-aws` to every client's user agent; deferred, it does not,
  and the clients keep the user agent common/bedrock.py gives them.

`defer_init` registers such a package so that its submodules import as usual while its own `__init__` runs only
when an attribute that is not an imported submodule is first read (a module `__getattr__`, PEP 562): `from
langsmith.types import Run` still works and pays the import then.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from typing import Any

UNUSED_INITS = ("langsmith.types", "langchain_aws", "langchain_aws.chat_models", "langchain_aws.retrievers")


def defer_init(name: str) -> bool:
    """Register package `name` with its `__init__` deferred; False when it is already imported or not a package."""
    if name in sys.modules:
        return False
    spec = importlib.util.find_spec(name)  # imports the parent packages (deferred ones stay deferred)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    loader = spec.loader
    module = importlib.util.module_from_spec(spec)
    lock, done = threading.RLock(), [False]  # another thread asking meanwhile waits for the whole __init__

    def load_then_get(attribute: str) -> Any:
        with lock:
            if not done[0]:
                done[0] = True
                try:
                    loader.exec_module(module)
                except BaseException:
                    sys.modules.pop(name, None)
                    raise
                finally:
                    if module.__dict__.get("__getattr__") is load_then_get:  # the real __init__ may define its own
                        del module.__dict__["__getattr__"]
        if attribute in module.__dict__:
            return module.__dict__[attribute]
        own = module.__dict__.get("__getattr__")  # the real __init__'s own lazy attributes, if it has any
        if own is not None and own is not load_then_get:
            return own(attribute)
        raise AttributeError(f"module {name!r} has no attribute {attribute!r}")

    module.__dict__["__getattr__"] = load_then_get  # PEP 562: asked for names the module does not have
    sys.modules[name] = module
    if "." in name:  # as the import system does for a submodule: its parent names it
        parent, _, child = name.rpartition(".")
        sys.modules[parent].__dict__.setdefault(child, module)
    return True


def defer_unused_inits() -> None:
    """Before LangChain's first import: the packages above import only the submodules the query asks for."""
    for name in UNUSED_INITS:
        defer_init(name)
