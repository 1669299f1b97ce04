"""The one place litellm is imported: lazily, with the bundled cost map and quiet logging.

litellm takes seconds to import, so nothing imports it at start-up (aider: "defer it!"); the first
model call pays once. The bundled cost map avoids a network fetch at import time.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings

_lock = threading.Lock()
_litellm = None

_QUIET_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx", "httpcore")


def load_litellm():
    """Import litellm on first use, configured for a terminal app (quiet, no remote fetches)."""
    global _litellm
    if _litellm is not None:
        return _litellm
    with _lock:
        if _litellm is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            os.environ.setdefault("LITELLM_LOG", "ERROR")
            import litellm

            litellm.suppress_debug_info = True  # no "Give Feedback / Get Help" banner on errors
            litellm.set_verbose = False
            litellm.telemetry = False
            litellm.drop_params = True  # a provider without e.g. response_format still answers
            for name in _QUIET_LOGGERS:
                logging.getLogger(name).setLevel(logging.CRITICAL)
            # litellm's own types trip a pydantic warning when first built (e.g. on a 429); not ours to show.
            warnings.filterwarnings("ignore", message=r".*`ReadOnly` qualifier", category=UserWarning)
            _litellm = litellm
    return _litellm


def is_loaded() -> bool:
    """Whether litellm has been imported (by us or anyone) in this process."""
    import sys

    return "litellm" in sys.modules
