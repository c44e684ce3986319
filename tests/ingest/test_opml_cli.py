"""`watcher feeds import|export|list|enable` on a real migrated SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.feed_server import FeedServer
from watcher.cli import main
from watcher.errors import ParseError
from watcher.ingest.opml import Outline, read_opml, write_opml
from watcher.store import db, feeds_repo
from watcher.store.db import transaction

OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="1.0"><head><title>mine</title></head><body>
  <outline text="News">
    <outline text="World &amp; more" type="rss" xmlUrl="https://a.example/world.xml"/>
    <outline title="Tech" type="rss" xmlUrl="https://b.example/tech.rss"/>
    <outline text="dupe" type="rss" xmlUrl="https://a.example/world.xml"/>
  </outline>
  <outline text="not a feed" xmlUrl="javascript:alert(1)"/>
  <outline text="a folder without url"/>
</body></opml>"""


def test_read_opml_walks_folders_and_keeps_web_feeds_once() -> None:
    assert read_opml(OPML) == [Outline("https://a.example/world.xml", "World & more"),
                               Outline("https://b.example/tech.rss", "Tech")]


@pytest.mark.parametrize("body", [
    b"<html><body>nope</body></html>",
    b"<opml><body><outline xmlUrl='https://x'",
])
def test_bad_opml_is_refused(body: bytes) -> None:
    with pytest.raises(ParseError):
        read_opml(body)


LAUGHS = ('<!ENTITY l0 "ha">' + "".join(
    f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)))
OUTLINE = '<opml><body><outline text="{}" xmlUrl="https://x.example/f"/></body></opml>'


def _doc(doctype: str, text: str = "t", *, encoding: str = "utf-8", pad: int = 0) -> bytes:
    head = f'<?xml version="1.0" encoding="{encoding}"?>' + "<!--" + "x" * pad + "-->"
    return (head + doctype + OUTLINE.format(text)).encode(encoding)


@pytest.mark.parametrize(("body", "message"), [
    (_doc(f"<!DOCTYPE opml [{LAUGHS}]>", "&l9;"), "declares the entity 'l0'"),
    (_doc(f"<!DOCTYPE opml [{LAUGHS}]>", "&l9;", encoding="utf-16"), "declares the entity 'l0'"),
    (_doc(f"<!DOCTYPE opml [{LAUGHS}]>", "&l9;", pad=5000), "declares the entity 'l0'"),
    (_doc('<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
     "declares the entity 'x' from 'file:///etc/passwd'"),
    (_doc('<!DOCTYPE opml [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'),
     "declares the entity 'p' from 'file:///etc/passwd'"),
])
def test_entity_declarations_are_refused_with_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match="OPML refused: it declares the entity") as info:
        read_opml(body)
    assert message in str(info.value)
    assert "entity expansion and external entities" in str(info.value)


def test_an_external_dtd_is_refused_and_never_fetched(feed_server: FeedServer) -> None:
    feed_server.set("/opml.dtd", b'<!ENTITY x "y">', content_type="application/xml-dtd")
    dtd = feed_server.url("/opml.dtd")
    with pytest.raises(ParseError, match=f"references the external document '{dtd}'"):
        read_opml(_doc(f'<!DOCTYPE opml SYSTEM "{dtd}">', pad=5000))
    assert feed_server.hits("/opml.dtd") == 0


def test_a_bare_doctype_is_harmless() -> None:
    assert read_opml(_doc("<!DOCTYPE opml>")) == [Outline("https://x.example/f", "t")]


def test_import_of_a_hostile_opml_fails_with_the_file_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "w.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "w.db"}"\n[demo]\nenabled = false\n')
    evil = tmp_path / "laughs.opml"
    evil.write_bytes(_doc(f"<!DOCTYPE opml [{LAUGHS}]>", "&l9;"))
    assert main(["feeds", "import", str(evil), "--config", str(cfg)]) == 2
    assert f"watcher: {evil}: OPML refused: it declares the entity 'l0'" in capsys.readouterr().err
    assert not (tmp_path / "w.db").exists()


def test_write_then_read_round_trips_titles_with_markup() -> None:
    outlines = [Outline("https://x.example/f?a=1&b=2", 'Quotes " and <tags>'),
                Outline("https://y.example/", "")]
    again = read_opml(write_opml(outlines).encode())
    assert again == [outlines[0], Outline("https://y.example/", "https://y.example/")]


def test_import_export_list_enable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    cfg = tmp_path / "w.toml"
    cfg.write_text(f'[database]\nurl = "{url}"\n[demo]\nenabled = false\n')
    db.upgrade(url)
    opml = tmp_path / "subs.opml"
    opml.write_bytes(OPML)
    assert main(["feeds", "import", str(opml), "--config", str(cfg), "--interval", "300"]) == 0
    assert "2 feed(s) added, 0 already known" in capsys.readouterr().out
    assert main(["feeds", "import", str(opml), "--config", str(cfg)]) == 0
    assert "0 feed(s) added, 2 already known" in capsys.readouterr().out

    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    now = datetime.now(UTC)
    with transaction(factory) as s:
        feeds = {f.url: f for f in feeds_repo.list_feeds(s)}
        assert {f.interval_s for f in feeds.values()} == {300}
        tech = feeds["https://b.example/tech.rss"].id
        feeds_repo.record_feed_error(s, tech, now, now, "http_410: gone", kind="http_410",
                                     status=410, disable="http_410 5 times in a row: gone")
    engine.dispose()

    out_file = tmp_path / "out.opml"
    assert main(["feeds", "export", "--config", str(cfg), "-o", str(out_file)]) == 0
    assert read_opml(out_file.read_bytes()) == read_opml(OPML)

    assert main(["feeds", "list", "--config", str(cfg)]) == 0
    listing = capsys.readouterr().out
    assert "disabled: http_410 5 times in a row: gone" in listing
    assert "http_410" in listing and "2 feed(s), 1 disabled" in listing

    assert main(["feeds", "enable", "https://b.example/tech.rss", "--config", str(cfg)]) == 0
    assert main(["feeds", "list", "--config", str(cfg)]) == 0
    assert "2 feed(s), 0 disabled" in capsys.readouterr().out
    assert main(["feeds", "enable", "https://nope.example/", "--config", str(cfg)]) == 2
