"""Alert delivery: format, policy, pacing, outbox sender, notifiers; imports store and ops.

Only ``format`` is imported here: it is pure, and importing the package must not pull in
python-telegram-bot for callers that only render.
"""

from watcher.delivery.format import (
    render_alert,
    render_console,
    render_keyword_alert,
    split_message,
)

__all__ = ["render_alert", "render_console", "render_keyword_alert", "split_message"]
