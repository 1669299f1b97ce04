"""roleplay: a terminal coach for sales discovery calls."""

__version__ = "0.1.0"
