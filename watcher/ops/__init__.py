"""Health, metrics, systemd, leases, retention, recovery; imports store only."""
