"""The shared protocol vectors (contract/protocol/manifest.json), as test/jobs/protocol.test.ts checks them."""
import json
import os
from datetime import datetime, timezone

import pytest

from colab.protocol.parse import ProtocolError, parse_file, serialize
from colab.protocol.times import iso, parse_time
from colab.tests.conftest import ROOT

DIR = os.path.join(ROOT, "contract", "protocol")
with open(os.path.join(DIR, "manifest.json"), encoding="utf-8") as f:
    MANIFEST = json.load(f)["files"]


def read(name):
    with open(os.path.join(DIR, name), "rb") as f:
        return f.read()


@pytest.mark.parametrize("v", [v for v in MANIFEST if v["valid"]], ids=lambda v: v["file"])
def test_accepts_valid_vectors(v):
    parsed = parse_file(v["type"], read(v["file"]))
    assert parsed["v"] == 1 and parsed["type"] == v["type"]
    assert "from_the_future" not in parsed


@pytest.mark.parametrize("v", [v for v in MANIFEST if not v["valid"]], ids=lambda v: v["file"])
def test_refuses_invalid_vectors_with_their_code(v):
    with pytest.raises(ProtocolError) as caught:
        parse_file(v["type"], read(v["file"]))
    assert caught.value.code == v["code"]
    assert len(str(caught.value)) > 10


def test_every_vector_file_is_in_the_manifest():
    listed = {v["file"] for v in MANIFEST}
    for folder in ("valid", "invalid"):
        for name in os.listdir(os.path.join(DIR, folder)):
            assert f"{folder}/{name}" in listed


def test_messages_name_the_version_and_the_first_bad_field():
    with pytest.raises(ProtocolError, match="version 7 is not supported; this storyloom speaks version 1"):
        parse_file("request", '{"v": 7, "type": "request"}')
    with pytest.raises(ProtocolError, match=r"sampling\.temperature"):
        parse_file("request", read("invalid/request-temperature-too-high.json"))


def request(**changes):
    doc = json.loads(read("valid/request-start.json"))
    doc.update(changes)
    return json.dumps(doc)


@pytest.mark.parametrize(
    "text, code",
    [
        ('{"v": NaN, "type": "request"}', "malformed_json"),  # JSON.parse refuses NaN; so must Python
        ('{"v": true, "type": "request"}', "unsupported_version"),
        ('\ufeff{"v": 1, "type": "request"}', "malformed_json"),
        (request(attempt=1.5), "invalid"),
        (request(story_version=True), "invalid"),
        (request(prompt="\U0001F408" * 10_001), "invalid"),  # 20,002 UTF-16 units, as JavaScript counts
        (request(deadline="2026-02-29T08:00:00Z"), "invalid"),  # not a leap year
        (request(deadline="2026-11-22T08:00Z"), "invalid"),  # seconds are required
        (request(job_id="01jdq3z7n8x2k4m6p8r0t2v4w6"), "invalid"),
    ],
)
def test_javascript_semantics_are_mirrored(text, code):
    with pytest.raises(ProtocolError) as caught:
        parse_file("request", text)
    assert caught.value.code == code


def test_what_javascript_accepts_python_accepts():
    assert parse_file("request", request(v=1.0, attempt=2.0))["attempt"] == 2
    assert parse_file("request", request(prompt="\U0001F408" * 10_000))["prompt"]
    assert parse_file("request", request(deadline="2024-02-29T08:00:00.123456+05:30"))
    with_min = json.loads(request())
    del with_min["sampling"]["min_chars"]
    assert parse_file("request", json.dumps(with_min))["sampling"]["min_chars"] is None
    raw = read("valid/request-start.json").replace(b"The lighthouse", b"The \xff lighthouse")
    assert parse_file("request", raw)["prompt"].startswith("The \ufffd lighthouse")  # as Node decodes it


def test_times_round_trip():
    assert parse_time("2026-11-22T08:00:00.000Z") == datetime(2026, 11, 22, 8, tzinfo=timezone.utc)
    assert parse_time("2026-11-22T09:30:00.5+01:30") == datetime(2026, 11, 22, 8, 0, 0, 500000, tzinfo=timezone.utc)
    moment = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
    assert iso(moment) == "2026-01-02T03:04:05.678Z"
    assert parse_file("response", serialize({**json.loads(read("valid/response-ok.json")), "finished_at": iso(moment)}))


def test_serialize_survives_a_lone_surrogate():
    data = serialize({"text": "a\ud800b"})
    assert json.loads(data.decode("utf-8")) == {"text": "a\ud800b"}


def test_the_round_robin_memory_in_heartbeats():
    hb = {k: v for k, v in json.loads(read("valid/heartbeat-colab.json")).items() if k not in ("served", "batches")}
    parsed = parse_file("heartbeat", json.dumps(hb))
    assert parsed["served"] == {} and parsed["batches"] == 0
    assert parse_file("heartbeat", json.dumps({**hb, "served": {"U1": 3}, "batches": 3}))["served"] == {"U1": 3}
    for served in ({"U1": -1}, {"U1": 1.5}, [], {"U1": "3"}):
        with pytest.raises(ProtocolError) as caught:
            parse_file("heartbeat", json.dumps({**hb, "served": served}))
        assert caught.value.code == "invalid"
