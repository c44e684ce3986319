"""The connect-time guard (watcher.ingest.netguard): exceptions to the table, DNS rebinding.

The rebinding tests resolve a made-up name through a resolver hook and open the checked
addresses through a network backend that connects to the FeedServer on 127.0.0.1 whatever
address it is given, and records the address: what the guard let through is what was dialled.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterable, Sequence

import httpcore
import pytest

from tests.support.feed_server import FeedServer, rss_document
from watcher.errors import FetchError
from watcher.ingest.fetch import Fetcher
from watcher.ingest.netguard import AddressNotAllowed, AddressPolicy

FEED = rss_document([{"guid": "g1", "title": "One", "link": "https://example.com/1"}])
PUBLIC_IP = "93.184.215.14"


class ScriptedResolver:
    """Answers each lookup with the next list of addresses of a script (the last one repeats)."""

    def __init__(self, *answers: Sequence[str]) -> None:
        self._answers = list(answers)
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append(host)
        return self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]


class LoopbackDialer(httpcore.AsyncNetworkBackend):
    """Connects every checked address to 127.0.0.1 (same port) and records the address."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()
        self.dialled: list[str] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        self.dialled.append(host)
        return await self._inner.connect_tcp("127.0.0.1", port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _fetch_twice(url: str, resolver: ScriptedResolver,
                 dialer: LoopbackDialer) -> list[int | FetchError]:
    async def go() -> list[int | FetchError]:
        outcomes: list[int | FetchError] = []
        async with Fetcher(user_agent="t", total_timeout=10.0, resolver=resolver,
                           network_backend=dialer) as fetcher:
            for _ in range(2):
                try:
                    outcomes.append((await fetcher.fetch(url)).status)
                except FetchError as exc:
                    outcomes.append(exc)
        return outcomes

    return asyncio.run(go())


def test_a_name_that_rebinds_to_a_private_address_is_refused_on_the_second_connect(
        feed_server: FeedServer) -> None:
    # Connection: close makes the second fetch open (and so resolve and check) a new connection.
    feed_server.set("/feed", FEED, headers={"Connection": "close"})
    resolver = ScriptedResolver([PUBLIC_IP], ["10.0.0.7"])
    dialer = LoopbackDialer()
    first, second = _fetch_twice(f"http://feeds.example:{feed_server.port}/feed", resolver,
                                 dialer)
    assert first == 200
    assert isinstance(second, FetchError)
    assert (second.kind, second.transient) == ("private_address", False)
    assert "10.0.0.7" in str(second) and "private" in str(second)
    assert resolver.lookups == ["feeds.example", "feeds.example"]
    assert dialer.dialled == [PUBLIC_IP]  # the private address was never dialled
    assert feed_server.hits("/feed") == 1


def test_every_resolved_address_is_checked_before_any_is_dialled(feed_server: FeedServer) -> None:
    feed_server.set("/feed", FEED)
    resolver = ScriptedResolver([PUBLIC_IP, "fd00:ec2::254"])
    dialer = LoopbackDialer()
    outcomes = _fetch_twice(f"http://feeds.example:{feed_server.port}/feed", resolver, dialer)
    assert all(isinstance(o, FetchError) and o.kind == "private_address" for o in outcomes)
    assert "metadata" in str(outcomes[0])
    assert dialer.dialled == []
    assert feed_server.hits("/feed") == 0


def test_a_public_answer_is_dialled_at_the_checked_address(feed_server: FeedServer) -> None:
    feed_server.set("/feed", FEED)  # keep-alive: the second fetch reuses the connection
    resolver = ScriptedResolver([PUBLIC_IP])
    dialer = LoopbackDialer()
    outcomes = _fetch_twice(f"http://feeds.example:{feed_server.port}/feed", resolver, dialer)
    assert outcomes == [200, 200]
    assert dialer.dialled == [PUBLIC_IP]
    assert feed_server.requests("/feed")[0].headers["host"] == f"feeds.example:{feed_server.port}"


@pytest.mark.parametrize(("policy", "host", "address", "allowed"), [
    (AddressPolicy.build(allowed_networks=["127.0.0.1/32"]), "h", "::ffff:127.0.0.1", True),
    (AddressPolicy.build(allowed_networks=["127.0.0.1/32"]), "h", "127.0.0.2", False),
    (AddressPolicy.build(allowed_networks=["100.64.0.0/10"]), "h", "100.64.1.1", True),
    (AddressPolicy.build(allowed_networks=["100.64.0.0/10"]), "h", "100.100.100.200", False),
    (AddressPolicy.build(allowed_networks=["169.254.0.0/16"]), "h", "169.254.169.254", False),
    (AddressPolicy.build(allowed_networks=["169.254.0.0/16"]), "h", "2002:a9fe:a9fe::", False),
    (AddressPolicy.build(allowed_hosts=["intranet"]), "intranet", "10.1.1.1", True),
    (AddressPolicy.build(allowed_hosts=["intranet"]), "other", "10.1.1.1", False),
    (AddressPolicy.build(allowed_hosts=["intranet"]), "intranet", "169.254.169.254", False),
    (AddressPolicy.build(allow_private=True), "h", "169.254.169.254", True),
    (AddressPolicy.build(), "h", "fe80::1%eth0", False),
    (AddressPolicy.build(), "h", PUBLIC_IP, True),
])
def test_configured_exceptions_never_reach_metadata(policy: AddressPolicy, host: str,
                                                    address: str, allowed: bool) -> None:
    ip = ipaddress.ip_address(address.split("%")[0])
    assert (policy.refusal(host, ip) is None) == allowed
    if allowed:
        policy.check(host, [address])
    else:
        with pytest.raises(AddressNotAllowed):
            policy.check(host, [address])
