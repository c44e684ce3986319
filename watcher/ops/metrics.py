"""Prometheus metrics of the daemon, on a registry of their own (served by /metrics).

The stages increment these; gauges that describe stored state (outbox age, pending alerts) are
computed from the database when /metrics is scraped.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

FEEDS_POLLED = Counter("watcher_feeds_polled", "Feed polls, by result (ok, not_modified, error)",
                       ["result"], registry=REGISTRY)
FETCH_ERRORS = Counter("watcher_fetch_errors", "Failed fetches, by kind (timeout, http_5xx, ...)",
                       ["kind"], registry=REGISTRY)
ITEMS_STORED = Counter("watcher_items_stored", "New or edited feed items stored",
                       registry=REGISTRY)
ITEMS_ANALYSED = Counter("watcher_items_analysed", "Items analysed by the claim engine",
                         registry=REGISTRY)
ANALYSIS_SECONDS = Histogram("watcher_analysis_seconds", "Claim-engine time per item",
                             buckets=(0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5),
                             registry=REGISTRY)
ALERTS_QUEUED = Counter("watcher_alerts_queued", "Alerts written to the outbox, by kind",
                        ["kind"], registry=REGISTRY)
ALERTS_SENT = Counter("watcher_alerts_sent", "Alerts delivered, by destination "
                      "(telegram, console)", ["destination"], registry=REGISTRY)
ALERTS_FAILED = Counter("watcher_alerts_failed", "Failed delivery attempts, by outcome "
                        "(retry, permanent)", ["outcome"], registry=REGISTRY)
