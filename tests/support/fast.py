"""Flags that keep behaviour tests quick. The 300-600 ms restart window is what the tests check
1012 delays against; the backoff retries within tens of milliseconds."""

FAST = {"restart_delay": "300ms-600ms", "backoff_initial": "50ms", "backoff_max": "2s"}

FAST_GIVING_UP = {**FAST, "connect_timeout": "2s"}
"""FAST, and an attempt that hangs is given up after 2 s rather than the default 10 s."""
