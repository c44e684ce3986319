"""The root log handler (watcher.ops.logs): secrets redacted in the final text and JSON lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from watcher.delivery.telegram import redact_token_in_logs
from watcher.ops.logs import add_secret, setup_logging


@pytest.fixture()
def root_output() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """Two CLI handlers on the root logger, text and JSON, each writing into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    text, js = io.StringIO(), io.StringIO()
    json_handler = setup_logging("INFO", json_logs=True, stream=js)
    setup_logging("INFO", stream=text)
    root.addHandler(json_handler)  # after the text one, which caches the traceback text
    try:
        yield text, js
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name in ("httpx", "httpcore", "telegram", "apscheduler"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_a_secret_json_would_escape_is_still_redacted(
        root_output: tuple[io.StringIO, io.StringIO]) -> None:
    text, js = root_output
    secret = 'q"uo\\te-5e3c7e7'
    add_secret(secret)
    logging.getLogger("anything").warning("value %s", secret)
    assert secret not in text.getvalue() and "value <secret>" in text.getvalue()
    line = js.getvalue().strip()
    assert json.loads(line)["message"] == "value <secret>"
    assert json.dumps(secret)[1:-1] not in line


def test_the_whole_token_goes_before_its_secret_half(
        root_output: tuple[io.StringIO, io.StringIO]) -> None:
    text, js = root_output
    token = "777001:AAsecretHalfForTheOrderTest"
    redact_token_in_logs(token)
    logging.getLogger("telegram.Bot").warning("url /bot%s/getMe, half %s%s", token,
                                              "%3A", token.split(":")[1])
    for out in (text.getvalue(), json.loads(js.getvalue())["message"]):
        assert "/bot<token>/getMe" in out
        assert "half %3A<token>" in out
        assert "AAsecretHalf" not in out


def test_an_exception_formatted_once_is_redacted_in_every_format(
        root_output: tuple[io.StringIO, io.StringIO]) -> None:
    # The text formatter caches the traceback on the record (exc_text); JSON reuses it.
    text, js = root_output
    add_secret("s3cr3t-in-a-traceback")
    try:
        raise ValueError("bad value s3cr3t-in-a-traceback")
    except ValueError:
        logging.getLogger("x").error("failed", exc_info=True, stack_info=True)
    record = json.loads(js.getvalue())
    assert "ValueError: bad value <secret>" in record["exception"]
    assert "test_an_exception_formatted_once" in record["stack"]
    assert "s3cr3t" not in text.getvalue() + js.getvalue()
