"""Prompt templates (jinja2) for the LLM engine and judge, and the one place that renders them."""
