"""Refuses connections to non-public addresses (SSRF guard), checked where the socket opens.

:class:`GuardedBackend` is an httpcore network backend that resolves the host itself, checks
*every* address it resolves to against :mod:`watcher.ingest.addresses`, and then connects to one
of those checked addresses. Checking the URL before the request and letting the HTTP library
resolve again would leave a DNS-rebinding gap; checking at connect time also covers each hop of
a redirect chain. TLS still verifies the certificate for the host name, because httpcore passes
the origin's host name to ``start_tls`` separately from the address we connect to.

:class:`GuardedTransport` is an httpx transport over an ``httpcore.AsyncConnectionPool`` built
with that backend, through both libraries' public APIs (httpx 0.28 takes no network backend:
https://github.com/encode/httpx/discussions/3180).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore
import httpx

from watcher.ingest.addresses import IPAddress, embedded_ipv4, is_metadata, refusal

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
class AddressNotAllowed(Exception):
    """A host resolved to an address the policy refuses (not an httpcore error on purpose).

    httpx re-wraps httpcore's own exceptions and would hide this class; a plain exception passes
    through the transport unchanged, so the fetcher can classify it as ``private_address``.
    """

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} resolves to non-public address {address} ({reason})")
        self.host = host
        self.address = address
        self.reason = reason


@dataclass(frozen=True)
class AddressPolicy:
    """Which destinations may be contacted.

    ``allow_private`` turns the guard off. ``allowed_hosts`` are host names (or IP literals)
    trusted whatever they resolve to, cloud metadata endpoints excepted; ``allowed_networks``
    are CIDR blocks whose addresses are allowed even though they are not public (tests allow
    ``127.0.0.1/32``), metadata endpoints again excepted; ``allowed_origins`` are (host,
    port) pairs trusted on that port only (the demo's own feed server).
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

    def refusal(self, host: str, ip: IPAddress) -> str | None:
        """Why ``host`` may not be contacted at ``ip``, or None when it may."""
        if self.allow_private:
            return None
        if is_metadata(ip):
            return refusal(ip)
        if host.lower().strip("[]") in self.allowed_hosts:
            return None
        why = refusal(ip)
        if why is None:
            return None
        candidates = (ip, *embedded_ipv4(ip))
        if any(c.version == net.version and c in net
               for c in candidates for net in self.allowed_networks):
            return None
        return why

    def check(self, host: str, addresses: Sequence[str], port: int | None = None) -> None:
        """Raise :class:`AddressNotAllowed` unless every address may be contacted."""
        if port is not None and (host.lower().strip("[]"), port) in self.allowed_origins:
            return
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
            why = self.refusal(host, ip)
            if why is not None:
                raise AddressNotAllowed(host, address, why)


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``getaddrinfo`` gives for ``host``, in its order, each once."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_rest, sockaddr in infos))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that resolves, checks, then connects to a checked address.

    ``resolver`` answers the addresses of a name (default: the system's ``getaddrinfo``);
    ``inner`` opens the sockets (default: httpcore's AnyIO backend).
    """

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None,
                 resolver: Resolver | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()
        self._resolver = resolver if resolver is not None else system_resolver

    async def _resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        literal = _ip_literal(host)
        if literal is not None:
            return [literal]
        try:
            async with asyncio.timeout(timeout):
                addresses = list(await self._resolver(host, port))
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:  # socket.gaierror and friends
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
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


# httpcore's exceptions and the httpx ones they become (what httpx's own transport does).
_HTTPX_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
}


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        # The most specific class first: the exception's own MRO.
        for cls in type(exc).__mro__:
            if cls in _HTTPX_ERRORS:
                raise _HTTPX_ERRORS[cls](str(exc)) from exc
        raise


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            with _as_httpx_errors():
                await close()


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose connections are opened by :class:`GuardedBackend`."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits, *,
                 resolver: Resolver | None = None,
                 network_backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy, network_backend, resolver),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                             port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw,
            content=request.stream,  # async client: an async stream
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = await self._pool.handle_async_request(core)
        assert isinstance(response.stream, AsyncIterable)  # an async pool streams asynchronously
        return httpx.Response(status_code=response.status, headers=response.headers,
                              stream=_ResponseStream(response.stream),
                              extensions=response.extensions)

    async def aclose(self) -> None:
        await self._pool.aclose()
