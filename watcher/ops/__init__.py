"""Operations: metrics, health endpoint, leases between instances, retention."""
