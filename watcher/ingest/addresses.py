"""The fetcher's address policy as data: every IPv4/IPv6 range it refuses, each with its reason.

The rows come from the IANA special-purpose address registries (IPv4 and IPv6), the IPv6
address-space registry (everything outside global unicast ``2000::/3`` is reserved) and the
cloud metadata endpoints. The answer does not depend on ``ipaddress.is_global``/``is_private``,
whose tables changed between Python patch releases (3.11.7 calls ``64:ff9b:1::/48``,
``2002:a9fe:a9fe::`` and ``fec0::/10`` global).

IPv6 forms that carry an IPv4 address (IPv4-mapped and -compatible, NAT64 ``64:ff9b::/96``,
6to4, Teredo) are unwrapped: they are as good as the IPv4 addresses inside them. A row's
network is matched longest-prefix first, so ``::1/128`` wins over ``::/96`` and Teredo's
``2001::/32`` over ``2001::/23``. Pure: no I/O.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DENIED", "METADATA", "UNWRAPPED", "IPAddress", "embedded_ipv4", "is_metadata",
           "refusal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Unwrap = Callable[[int], tuple[ipaddress.IPv4Address, ...]]

# Cloud instance-metadata endpoints: named so that the refusal says what was aimed at, and
# refused even when a configured allowed network contains them.
METADATA: dict[IPAddress, str] = {
    ipaddress.ip_address(a): name for a, name in (
        ("169.254.169.254", "instance metadata (AWS, GCP, Azure, OpenStack, DigitalOcean)"),
        ("169.254.170.2", "AWS ECS task metadata"),
        ("169.254.170.23", "AWS EKS pod identity"),
        ("fd00:ec2::254", "AWS instance metadata over IPv6"),
        ("fd00:ec2::23", "AWS EKS pod identity over IPv6"),
        ("100.100.100.200", "Alibaba Cloud metadata"),
        ("192.0.0.192", "Oracle Cloud metadata"),
    )
}


@dataclass(frozen=True)
class Denied:
    """A refused range and why."""

    network: IPNetwork
    reason: str


@dataclass(frozen=True)
class Wrapped:
    """An IPv6 range that carries IPv4 addresses; judged by what ``unwrap`` takes out."""

    network: ipaddress.IPv6Network
    reason: str
    unwrap: Unwrap


def _deny(rows: tuple[tuple[str, str], ...]) -> tuple[Denied, ...]:
    return tuple(Denied(ipaddress.ip_network(net), reason) for net, reason in rows)


def _low32(value: int) -> tuple[ipaddress.IPv4Address, ...]:
    return (ipaddress.IPv4Address(value & 0xFFFFFFFF),)


def _sixtofour(value: int) -> tuple[ipaddress.IPv4Address, ...]:
    return (ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF),)


def _teredo(value: int) -> tuple[ipaddress.IPv4Address, ...]:
    # RFC 4380: the Teredo server in bits 32-63, the client's address inverted in the last 32.
    server = ipaddress.IPv4Address((value >> 64) & 0xFFFFFFFF)
    return server, ipaddress.IPv4Address(~value & 0xFFFFFFFF)


DENIED: tuple[Denied, ...] = _deny((
    # IPv4 special-purpose registry (RFC 6890 and updates).
    ("0.0.0.0/8", "this network (RFC 791)"),
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"),
    ("127.0.0.0/8", "loopback (RFC 1122)"),
    ("169.254.0.0/16", "link-local (RFC 3927)"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
    ("192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("198.18.0.0/15", "benchmarking (RFC 2544)"),
    ("198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"),
    ("203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"),
    ("224.0.0.0/4", "multicast (RFC 5771)"),
    ("240.0.0.0/4", "reserved (RFC 1112)"),
    ("255.255.255.255/32", "limited broadcast (RFC 919)"),
    # IPv6 special-purpose registry (RFC 6890 and updates).
    ("::/128", "unspecified (RFC 4291)"),
    ("::1/128", "loopback (RFC 4291)"),
    ("64:ff9b:1::/48", "local-use NAT64 (RFC 8215)"),
    ("100::/64", "discard-only (RFC 6666)"),
    ("2001::/23", "IETF protocol assignments (RFC 2928)"),
    ("2001:2::/48", "benchmarking (RFC 5180)"),
    ("2001:10::/28", "ORCHID, deprecated (RFC 4843)"),
    ("2001:20::/28", "ORCHIDv2 identifiers, not locators (RFC 7343)"),
    ("2001:db8::/32", "documentation (RFC 3849)"),
    ("3fff::/20", "documentation (RFC 9637)"),
    ("5f00::/16", "segment routing SIDs (RFC 9602)"),
    ("fc00::/7", "unique-local (RFC 4193)"),
    ("fe80::/10", "link-local (RFC 4291)"),
    ("fec0::/10", "site-local, deprecated (RFC 3879)"),
    ("ff00::/8", "multicast (RFC 4291)"),
    # IPv6 address-space registry: all but 2000::/3 (and the rows above) is reserved by IETF.
    ("::/8", "reserved by IETF (IPv6 address space)"),
    ("100::/8", "reserved by IETF (IPv6 address space)"),
    ("200::/7", "reserved by IETF (IPv6 address space)"),
    ("400::/6", "reserved by IETF (IPv6 address space)"),
    ("800::/5", "reserved by IETF (IPv6 address space)"),
    ("1000::/4", "reserved by IETF (IPv6 address space)"),
    ("4000::/2", "reserved by IETF (IPv6 address space)"),
    ("8000::/1", "reserved by IETF (IPv6 address space)"),
))

UNWRAPPED: tuple[Wrapped, ...] = tuple(
    Wrapped(ipaddress.IPv6Network(net), reason, unwrap) for net, reason, unwrap in (
        ("::ffff:0:0/96", "IPv4-mapped", _low32),
        ("::/96", "IPv4-compatible, deprecated", _low32),
        ("64:ff9b::/96", "NAT64 well-known prefix", _low32),
        ("2002::/16", "6to4", _sixtofour),
        ("2001::/32", "Teredo", _teredo),
    )
)


_ROWS: tuple[Denied | Wrapped, ...] = (*DENIED, *UNWRAPPED)


def _row(ip: IPAddress) -> Denied | Wrapped | None:
    """The most specific row whose network holds ``ip``, or None (a public address)."""
    best: Denied | Wrapped | None = None
    for row in _ROWS:
        net = row.network
        if net.version == ip.version and ip in net and (
                best is None or net.prefixlen > best.network.prefixlen):
            best = row
    return best


def embedded_ipv4(ip: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    row = _row(ip)
    return row.unwrap(int(ip)) if isinstance(row, Wrapped) else ()


def is_metadata(ip: IPAddress) -> bool:
    """True for a cloud metadata endpoint, itself or inside an IPv6 wrapper."""
    return ip in METADATA or any(inner in METADATA for inner in embedded_ipv4(ip))


def refusal(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be contacted, or None when it is a public unicast address."""
    if ip in METADATA:
        return f"cloud metadata service: {METADATA[ip]}"
    row = _row(ip)
    if row is None:
        return None
    if isinstance(row, Denied):
        return row.reason
    for inner in row.unwrap(int(ip)):
        why = refusal(inner)
        if why is not None:
            return f"{row.reason} {inner}: {why}"
    return None
