"""The worker and styles (protocol revision 3): a request's `style` picks the model's style and the result says
which was used; a style the model lacks, or a model without styles, writes with none and says null; a request
without a style gets exactly the response it always got."""
import json

import pytest

from colab.sampling.engine import Engine
from colab.tests.helpers.mailbox import request, ulid
from colab.tests.helpers.worker import make_worker, put_request, response


@pytest.fixture
def styled_worker(tmp_path, random_styled_model):
    return make_worker(tmp_path / "mailbox", random_styled_model)


def result(w, job_id):
    """The response's result as written (read raw, so no schema can drop a field)."""
    return json.loads(w.transport.get("responses", f"{job_id}.json"))["result"]


def alone(w, req):
    return Engine(w.loaded.engine.model, w.loaded.engine.artifact, "cpu").generate_candidates([req])[0]


def styled(n, style, **sampling):
    req = request(n, "The old house ", max_chars=30, **sampling)
    return req if style is None else {**req, "style": style}


def test_a_request_with_a_style_gets_it_and_the_result_says_so(styled_worker):
    reqs = [styled(1, "austen"), styled(2, "melville"), styled(3, "any"), styled(4, None)]
    for r in reqs:
        put_request(styled_worker, r)
    styled_worker.step()
    got = [result(styled_worker, r["job_id"]) for r in reqs]
    assert [g.get("style", "absent") for g in got] == ["austen", "melville", "any", "absent"]
    assert [g["text"] for g in got] == [alone(styled_worker, r)[0].text for r in reqs]
    assert got[0]["text"] != got[1]["text"] != got[3]["text"] and got[2]["text"] == got[3]["text"]
    assert set(got[3]) == {"text", "stop", "model", "model_sha256", "device", "ms"}  # as before styles
    assert all(response(styled_worker, r["job_id"])["ok"] for r in reqs)  # each a valid response file


def test_a_style_the_model_lacks_writes_unconditioned_and_says_null(styled_worker):
    put_request(styled_worker, styled(5, "romance"))
    put_request(styled_worker, styled(6, None))
    styled_worker.step()
    lacked, plain = result(styled_worker, ulid(5)), result(styled_worker, ulid(6))
    assert lacked["style"] is None and lacked["text"] == plain["text"]


def test_candidates_are_written_in_their_requests_style(styled_worker):
    req = {**styled(7, "general", temperature=0.9, seed=11), "candidates": 3}
    put_request(styled_worker, req)
    put_request(styled_worker, styled(8, "austen", temperature=0.9, seed=11))
    styled_worker.step()
    got = result(styled_worker, ulid(7))
    assert got["style"] == "general"
    assert [c["text"] for c in got["candidates"]] == [c.text for c in alone(styled_worker, req)]


def test_a_model_without_styles_says_null_and_writes_as_without_one(tmp_path, chaos_model):
    w = make_worker(tmp_path / "mailbox", chaos_model)
    put_request(w, styled(9, "austen"))
    put_request(w, styled(10, None))
    w.step()
    asked, plain = result(w, ulid(9)), result(w, ulid(10))
    assert asked["style"] is None and "style" not in plain and asked["text"] == plain["text"]
