"""The index outbox: one task per item change, written in the change's own transaction."""

__all__ = []
