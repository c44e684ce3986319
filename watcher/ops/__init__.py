"""Operations: log output, health, metrics, systemd, leases, retention, recovery.

Imports store only.
"""
