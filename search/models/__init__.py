"""Search models: the index outbox (outbox.py) and the database engine's entries (entries.py)."""

from .entries import *  # noqa: F403
from .outbox import *  # noqa: F403
