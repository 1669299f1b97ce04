"""Widgets shared by the terminal app's screens."""
