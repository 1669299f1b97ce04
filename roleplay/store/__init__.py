"""Where calls are kept: tinydb files under ROLEPLAY_HOME, written atomically. Only this package imports tinydb."""

from roleplay.store.store import Store, StoreCorrupt, default_home

__all__ = ["Store", "StoreCorrupt", "default_home"]
