"""Operations: log output, metrics, health endpoint, leases between instances, retention."""
