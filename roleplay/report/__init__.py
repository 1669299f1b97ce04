"""Renders calls and scorecards for people: terminal text, Markdown, JSON, HTML."""
