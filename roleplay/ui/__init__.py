"""The terminal app (Textual): home, call, scorecard, stored calls and replay screens."""
