"""Small bodies in Drive properties (colab/transport/drive/body_properties.py), and the Drive transport reading them."""
import hashlib
import json

import pytest

from colab.transport.drive.body_properties import (
    CAPACITY,
    HEADER_KEY,
    MAX_PROPERTIES,
    MAX_PROPERTY_BYTES,
    body_from_properties,
    body_to_properties,
    chunk_key,
    clearing_the_rest,
)
from colab.tests.fakes.drive import drive_api, make_mailbox
from colab.transport.drive.drive import DriveTransport


def within_drive_limits(properties):
    assert len(properties) <= MAX_PROPERTIES
    assert all(len((k + v).encode("utf-8")) <= MAX_PROPERTY_BYTES for k, v in properties.items())


def chunks_of(properties):
    return [properties[chunk_key(i)] for i in range(len(properties) - 1)]


def test_a_request_sized_body_round_trips_with_a_header_of_chunks_bytes_and_sha256():
    data = (json.dumps({"v": 1, "type": "request", "prompt": "Once upon a time, " * 20}) + "\n").encode()
    properties = body_to_properties(data)
    within_drive_limits(properties)
    assert properties[HEADER_KEY] == f"1:{len(properties) - 1}:{len(data)}:{hashlib.sha256(data).hexdigest()}"
    assert "".join(chunks_of(properties)).encode() == data
    assert body_from_properties(properties) == data
    assert body_from_properties(properties, hashlib.sha256(data).hexdigest().upper()) == data


@pytest.mark.parametrize("char", ["é", "€", "😀"])
@pytest.mark.parametrize("pad", range(4))
def test_a_character_is_never_split(char, pad):
    data = ("a" * pad + char * 300).encode()
    properties = body_to_properties(data)
    within_drive_limits(properties)
    assert all(set(c.lstrip("a")) == {char} for c in chunks_of(properties))
    assert body_from_properties(properties) == data


def test_every_chunk_is_filled_to_the_byte_and_one_byte_more_does_not_fit():
    assert CAPACITY == 10 * (MAX_PROPERTY_BYTES - 3) + 19 * (MAX_PROPERTY_BYTES - 4)
    full = b"x" * CAPACITY
    properties = body_to_properties(full)
    assert len(properties) == MAX_PROPERTIES
    assert all(len((k + v).encode()) == MAX_PROPERTY_BYTES for k, v in properties.items() if k != HEADER_KEY)
    assert body_from_properties(properties) == full
    assert body_to_properties(full + b"x") is None
    # As many bytes, but a character that would straddle two chunks moves whole to the next: one byte too many.
    assert (
        body_to_properties(b"x" * (MAX_PROPERTY_BYTES - 4) + "é".encode() + b"x" * (CAPACITY - MAX_PROPERTY_BYTES + 2))
        is None
    )


def test_nothing_is_carried_for_a_long_prompt_or_bytes_that_are_not_utf8():
    assert body_to_properties(json.dumps({"prompt": "word " * 800}).encode()) is None
    assert body_to_properties(b"\xff\xfe not text") is None
    assert body_from_properties(body_to_properties(b"")) == b""


def test_a_property_set_that_does_not_add_up_carries_nothing():
    data = ("é" * 200).encode()
    good = body_to_properties(data)
    sha = hashlib.sha256(data).hexdigest()
    spoiled = [
        {**good, "sl1": good["sl1"][1:]},
        {**good, "sl1": good["sl1"][:-1] + "è"},
        {k: v for k, v in good.items() if k != "sl2"},
        {**good, HEADER_KEY: "2" + good[HEADER_KEY][1:]},
        {**good, HEADER_KEY: f"1:{len(good) - 2}:{len(data)}:{sha}"},
        {**good, HEADER_KEY: f"1:99:{len(data)}:{sha}"},
        {**good, HEADER_KEY: "garbage"},
        {**good, "sl0": 42},
        {"sl0": data.decode()},
        None,
        "not a dict",
    ]
    for properties in spoiled:
        assert body_from_properties(properties) is None
    assert body_from_properties(good, hashlib.sha256(b"newer content").hexdigest()) is None  # stale properties


def test_an_update_deletes_every_layout_key_the_new_body_does_not_use():
    properties = clearing_the_rest(body_to_properties(b"short"))
    assert len(properties) == MAX_PROPERTIES
    assert (
        properties["sl0"] == "short" and properties["sl1"] is None and properties[chunk_key(MAX_PROPERTIES - 2)] is None
    )
    assert set(clearing_the_rest(None).values()) == {None}


def stored(drive_fake, box, folder, name):
    """The fake's record of `folder/name` in `box`'s mailbox (the fake is shared by every test)."""
    return drive_fake.control("GET", f"files/{box.index.names[folder][name]}")


@pytest.fixture
def boxes(drive_fake):
    """A bot and a worker on one mailbox: one account, two tokens, so the fake counts each side apart."""
    drive_fake.control("POST", "faults/clear")
    root = make_mailbox(drive_api(drive_fake))
    return DriveTransport(drive_api(drive_fake, token="tok-same-bot"), root), DriveTransport(
        drive_api(drive_fake), root
    )


def test_the_feed_brings_small_bodies_and_a_read_costs_no_call(drive_fake, boxes):
    bot, worker = boxes
    small, big = b'{"v": 1, "prompt": "\xc3\xa9t\xc3\xa9"}\n', json.dumps({"v": 1, "prompt": "x" * 5000}).encode()
    bot.put("requests", "a.json", small)
    bot.put("requests", "b.json", big)
    worker.news()
    before = drive_fake.calls("worker").get("files.get.media", 0)
    assert worker.get("requests", "a.json") == small
    assert drive_fake.calls("worker").get("files.get.media", 0) == before
    assert worker.get("requests", "b.json") == big  # too big for properties: downloaded
    assert drive_fake.calls("worker").get("files.get.media", 0) == before + 1


def test_an_overwrite_replaces_the_body_and_leaves_no_stale_chunk(drive_fake, boxes):
    bot, worker = boxes
    bot.put("responses", "r.json", json.dumps({"v": 1, "text": "y" * 2000}).encode())
    worker.news()
    bot.put("responses", "r.json", b'{"v": 2}')
    worker.news()
    assert worker.get("responses", "r.json") == b'{"v": 2}'
    assert sorted(stored(drive_fake, bot, "responses", "r.json")["properties"]) == ["sl", "sl0"]
    big = json.dumps({"v": 3, "text": "z" * 5000}).encode()
    bot.put("responses", "r.json", big)  # no longer fits: the properties go, the reader downloads
    worker.news()
    assert worker.get("responses", "r.json") == big
    assert not stored(drive_fake, bot, "responses", "r.json").get("properties")


def test_heartbeats_carry_no_body_and_are_read_as_they_are_now(drive_fake, boxes):
    bot, worker = boxes
    worker.put("workers", "w.json", b'{"v": 1}')
    bot.news()
    worker.put("workers", "w.json", b'{"v": 2}')  # overwritten since the bot's last look
    assert bot.get("workers", "w.json") == b'{"v": 2}'
    assert not stored(drive_fake, worker, "workers", "w.json").get("properties")


def test_a_restarted_side_reads_bodies_from_its_first_listing(drive_fake, boxes):
    bot, _ = boxes
    bot.put("requests", "c.json", b'{"v": 1}')
    fresh = DriveTransport(drive_api(drive_fake), bot.root_id)
    before = drive_fake.calls("worker").get("files.get.media", 0)
    assert fresh.get("requests", "c.json") == b'{"v": 1}'
    assert drive_fake.calls("worker").get("files.get.media", 0) == before
