"""The address table (watcher.ingest.addresses): one row per address, allowed or refused and why."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watcher.ingest.addresses import DENIED, METADATA, embedded_ipv4, refusal

PUBLIC = None  # the expected reason of an address that may be contacted

# (address, expected reason substring or PUBLIC, what the row shows)
ROWS = [
    # IPv4, allowed: public unicast, and the first address past each refused block.
    ("8.8.8.8", PUBLIC, "public resolver"),
    ("1.1.1.1", PUBLIC, "public resolver"),
    ("93.184.215.14", PUBLIC, "public web host"),
    ("100.63.255.255", PUBLIC, "just below 100.64/10"),
    ("100.128.0.0", PUBLIC, "just above 100.64/10"),
    ("172.15.255.255", PUBLIC, "just below 172.16/12"),
    ("172.32.0.0", PUBLIC, "just above 172.16/12"),
    ("198.17.255.255", PUBLIC, "just below 198.18/15"),
    ("198.20.0.0", PUBLIC, "just above 198.18/15"),
    ("223.255.255.255", PUBLIC, "last unicast before multicast"),
    # IPv4, refused.
    ("0.0.0.0", "this network", "unspecified"),
    ("0.1.2.3", "this network", "0/8"),
    ("10.0.0.1", "private (RFC 1918)", "10/8"),
    ("100.64.0.1", "carrier-grade NAT", "CGNAT first"),
    ("100.127.255.254", "carrier-grade NAT", "CGNAT last"),
    ("127.0.0.1", "loopback", "loopback"),
    ("127.255.255.254", "loopback", "all of 127/8"),
    ("169.254.1.1", "link-local", "link-local"),
    ("169.254.169.254", "cloud metadata service: instance metadata", "metadata, named"),
    ("169.254.170.2", "cloud metadata service: AWS ECS", "ECS task metadata"),
    ("100.100.100.200", "cloud metadata service: Alibaba", "inside CGNAT, named"),
    ("192.0.0.192", "cloud metadata service: Oracle", "inside 192.0.0/24, named"),
    ("172.16.0.1", "private (RFC 1918)", "172.16/12 first"),
    ("172.31.255.255", "private (RFC 1918)", "172.16/12 last"),
    ("192.168.1.1", "private (RFC 1918)", "192.168/16"),
    ("192.0.0.8", "IETF protocol assignments", "192.0.0/24"),
    ("192.0.2.1", "TEST-NET-1", "documentation"),
    ("198.51.100.7", "TEST-NET-2", "documentation"),
    ("203.0.113.9", "TEST-NET-3", "documentation"),
    ("192.88.99.1", "6to4 relay anycast", "deprecated anycast"),
    ("198.18.0.1", "benchmarking", "198.18/15 first"),
    ("198.19.255.255", "benchmarking", "198.18/15 last"),
    ("224.0.0.1", "multicast", "all-hosts"),
    ("239.255.255.250", "multicast", "SSDP"),
    ("240.0.0.1", "reserved", "class E"),
    ("255.255.255.255", "limited broadcast", "broadcast"),
    # IPv6, allowed: global unicast, and IPv4 carriers whose IPv4 is public.
    ("2606:4700:4700::1111", PUBLIC, "public resolver"),
    ("2001:4860:4860::8888", PUBLIC, "public resolver"),
    ("2a00:1450:4001::1", PUBLIC, "public web host"),
    ("::ffff:8.8.8.8", PUBLIC, "IPv4-mapped public"),
    ("::8.8.8.8", PUBLIC, "IPv4-compatible public"),
    ("64:ff9b::808:808", PUBLIC, "NAT64 of a public IPv4"),
    ("2002:808:808::1", PUBLIC, "6to4 of a public IPv4"),
    ("2001:0:808:808::fefe:fefe", PUBLIC, "Teredo: server 8.8.8.8, client 1.1.1.1"),
    # IPv6, refused.
    ("::", "unspecified", "::/128"),
    ("::1", "loopback (RFC 4291)", "::1 wins over ::/96"),
    ("::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1: loopback", "mapped loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped 169.254.169.254: cloud metadata", "mapped metadata"),
    ("::a9fe:a9fe", "IPv4-compatible, deprecated 169.254.169.254: cloud metadata",
     "compatible metadata (allowed by 3.11.7's is_global)"),
    ("::7f00:1", "IPv4-compatible, deprecated 127.0.0.1: loopback", "compatible loopback"),
    ("::ffff:0:a00:1", "reserved by IETF", "IPv4-translated (SIIT), in ::/8"),
    ("64:ff9b::a00:1", "NAT64 well-known prefix 10.0.0.1: private", "NAT64 of private"),
    ("64:ff9b::7f00:1", "NAT64 well-known prefix 127.0.0.1: loopback", "NAT64 of loopback"),
    ("64:ff9b:1::1", "local-use NAT64", "RFC 8215 (allowed by 3.11.7's is_global)"),
    ("100::1", "discard-only", "100::/64"),
    ("2001:2::1", "benchmarking", "2001:2::/48"),
    ("2001:4:112::1", "IETF protocol assignments", "rest of 2001::/23"),
    ("2001:10::1", "ORCHID, deprecated", "2001:10::/28"),
    ("2001:20::1", "ORCHIDv2", "2001:20::/28"),
    ("2001:db8::1", "documentation (RFC 3849)", "2001:db8::/32"),
    ("3fff::1", "documentation (RFC 9637)", "3fff::/20"),
    ("2002:a9fe:a9fe::", "6to4 169.254.169.254: cloud metadata",
     "6to4 of metadata (allowed by 3.11.7's is_global)"),
    ("2002:c0a8:101::1", "6to4 192.168.1.1: private", "6to4 of private"),
    ("2002:7f00:1::", "6to4 127.0.0.1: loopback", "6to4 of loopback"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo 192.0.2.45: documentation",
     "RFC 4380's example: client in TEST-NET-1"),
    ("2001:0:808:808::f5ff:fffe", "Teredo 10.0.0.1: private", "Teredo client in 10/8"),
    ("2001:0:a00:1::fefe:fefe", "Teredo 10.0.0.1: private", "Teredo server in 10/8"),
    ("5f00::1", "segment routing", "5f00::/16"),
    ("fc00::1", "unique-local", "fc00::/7"),
    ("fd12:3456::1", "unique-local", "fd00::/8"),
    ("fd00:ec2::254", "cloud metadata service: AWS instance metadata over IPv6", "named"),
    ("fe80::1", "link-local", "fe80::/10"),
    ("fec0::1", "site-local", "fec0::/10 (allowed by 3.11.7's is_global)"),
    ("ff02::1", "multicast", "all-nodes"),
    ("4000::1", "reserved by IETF", "outside 2000::/3"),
    ("e000::1", "reserved by IETF", "outside 2000::/3"),
]


def test_the_table_has_forty_rows_both_ways() -> None:
    assert len(ROWS) >= 40
    versions = {(ipaddress.ip_address(a).version, why is PUBLIC) for a, why, _ in ROWS}
    assert versions == {(4, True), (4, False), (6, True), (6, False)}


@pytest.mark.parametrize(("address", "expected", "note"), ROWS,
                         ids=[f"{a} {n}" for a, _, n in ROWS])
def test_address_policy(address: str, expected: str | None, note: str) -> None:
    reason = refusal(ipaddress.ip_address(address))
    if expected is PUBLIC:
        assert reason is None, f"{address} ({note}) refused: {reason}"
    else:
        assert reason is not None, f"{address} ({note}) allowed"
        assert expected in reason


def test_every_metadata_address_is_also_inside_a_denied_range() -> None:
    # The names are for the message; the ranges alone must already refuse them.
    for ip in METADATA:
        assert any(ip.version == row.network.version and ip in row.network for row in DENIED)


@given(st.integers(0, 2**32 - 1))
def test_ipv4_carriers_answer_like_the_ipv4_inside(value: int) -> None:
    v4 = ipaddress.IPv4Address(value)
    carriers = [ipaddress.IPv6Address(0xFFFF_0000_0000 | value),  # IPv4-mapped
                ipaddress.IPv6Address((0x64FF9B << 96) | value),  # NAT64
                ipaddress.IPv6Address((0x2002 << 112) | (value << 80))]  # 6to4
    for ip in carriers:
        assert embedded_ipv4(ip) == (v4,)
        assert (refusal(ip) is None) == (refusal(v4) is None), ip
