"""Refuses connections to private, loopback, link-local and reserved addresses (SSRF guard).

The check runs where the socket is opened: :class:`GuardedBackend` is an httpcore network
backend that resolves the host itself, checks *every* address it resolves to, and then connects
to one of those checked addresses. Checking the URL before the request and letting the HTTP
library resolve again would leave a DNS-rebinding gap; checking at connect time also covers each
hop of a redirect chain. TLS still verifies the certificate for the host name, because httpcore
passes the origin's host name to ``start_tls`` separately from the address we connect to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressNotAllowed(Exception):
    """A host resolved to an address the policy refuses (not an httpcore error on purpose).

    httpx re-wraps httpcore's own exceptions and would hide this class; a plain exception passes
    through its transport unchanged, so the fetcher can classify it as ``private_address``.
    """

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses (IPv4-in-IPv6 forms are unwrapped)."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        return is_public(inner)
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class AddressPolicy:
    """Which destinations may be contacted.

    ``allow_private`` turns the guard off. ``allowed_hosts`` are host names (or IP literals)
    trusted whatever they resolve to; ``allowed_networks`` are CIDR blocks whose addresses are
    allowed even though they are not public (tests allow ``127.0.0.1/32``); ``allowed_origins``
    are (host, port) pairs trusted on that port only (the demo's own feed server).
    """

    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    allowed_origins: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def build(cls, *, allow_private: bool = False, allowed_hosts: Iterable[str] = (),
              allowed_networks: Iterable[str] = (),
              allowed_origins: Iterable[tuple[str, int]] = ()) -> AddressPolicy:
        """Build a policy from configuration strings; raises ValueError on a bad network."""
        return cls(
            allow_private=allow_private,
            allowed_hosts=frozenset(h.strip().lower().strip("[]") for h in allowed_hosts),
            allowed_networks=tuple(ipaddress.ip_network(n.strip(), strict=False)
                                   for n in allowed_networks),
            allowed_origins=frozenset((h.strip().lower().strip("[]"), int(p))
                                      for h, p in allowed_origins),
        )

    def host_trusted(self, host: str) -> bool:
        return self.allow_private or host.lower().strip("[]") in self.allowed_hosts

    def address_allowed(self, ip: IPAddress) -> bool:
        if self.allow_private or is_public(ip):
            return True
        inner = _embedded_ipv4(ip)
        candidates: tuple[IPAddress, ...] = (ip,) if inner is None else (ip, inner)
        return any(c.version == net.version and c in net
                   for c in candidates for net in self.allowed_networks)

    def check(self, host: str, addresses: Sequence[str], port: int | None = None) -> None:
        """Raise :class:`AddressNotAllowed` unless every address may be contacted."""
        if self.host_trusted(host):
            return
        if port is not None and (host.lower().strip("[]"), port) in self.allowed_origins:
            return
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
            if not self.address_allowed(ip):
                raise AddressNotAllowed(host, address)


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that resolves, checks, then connects to a checked address."""

    def __init__(self, policy: AddressPolicy,
                 inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def _resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        literal = _ip_literal(host)
        if literal is not None:
            return [literal]
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:  # socket.gaierror and friends
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses: list[str] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            address = str(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no addresses")
        return addresses

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port, timeout)
        self._policy.check(host, addresses, port)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the fetcher")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
