"""The LLM edge: lazy litellm import, configuration, one chat client with retries, and error mapping.

Nothing here imports litellm at import time; `roleplay.llm.loader.load_litellm()` does, on first use.
"""
