"""A whole worker over Drive (the fake): jobs, controls, heartbeats, and random faults."""
import pytest

from colab.protocol.parse import parse_file
from colab.tests.fakes.drive import drive_api, make_mailbox
from colab.tests.helpers.mailbox import control, dumps, request, step_until, ulid
from colab.tests.helpers.worker import copy_model, make_worker
from colab.transport.drive.drive import DriveTransport
from colab.transport.local import LocalFolderTransport


@pytest.fixture
def mailbox(drive_fake):
    drive_fake.control("POST", "faults/clear")
    return make_mailbox(drive_api(drive_fake))


def drive_worker(drive_fake, mailbox, model, **changes):
    return make_worker(None, model, transport=DriveTransport(drive_api(drive_fake), mailbox), io_threads=4, **changes)


def bot(drive_fake, mailbox):
    return DriveTransport(drive_api(drive_fake), mailbox)


def answered(box):
    box.news()
    return {n: parse_file("response", box.get("responses", n)) for n in box.list("responses")}


def test_a_worker_answers_jobs_over_drive(drive_fake, mailbox, chaos_model):
    w = drive_worker(drive_fake, mailbox, chaos_model)
    b = bot(drive_fake, mailbox)
    for n in range(6):
        b.put("requests", f"{ulid(n)}.json", dumps(request(n, f"Tale {n}. ", user=f"u{n % 2}")))
    b.put("requests", f"{ulid(99)}.json", b"{not json")
    step_until(w, lambda: len(answered(b)) == 7, what="responses")
    responses = answered(b)
    assert all(responses[f"{ulid(n)}.json"]["ok"] for n in range(6))
    assert responses[f"{ulid(99)}.json"]["error"]["code"] == "bad_request"
    cmd = control(1, "pause")
    b.put("control", f"{cmd['command_id']}.json", dumps(cmd))
    step_until(w, lambda: w.state == "paused", what="pause")
    hb = parse_file("heartbeat", b.get("workers", "test-w.json"))
    assert hb["state"] == "paused" and hb["applied_controls"][-1]["command"] == "pause"
    b.news()
    assert b.list("control") == []


def test_api_calls_per_job_on_the_worker_side(drive_fake, mailbox, chaos_model):
    w = drive_worker(drive_fake, mailbox, chaos_model)
    b = bot(drive_fake, mailbox)
    w.step()
    for n in range(8):
        b.put("requests", f"{ulid(n)}.json", dumps(request(n, user=f"u{n}")))
    before = drive_fake.calls()
    # One batch of 8: the feed (with the requests' bodies in their properties), 8 creates (ids in blocks of 32).
    w.step()
    spent = {m: n - before.get(m, 0) for m, n in drive_fake.calls().items() if n != before.get(m, 0)}
    assert len(answered(b)) == 8
    assert spent.get("changes.list") == 1 and spent.get("files.create") == 8 and "files.get.media" not in spent
    assert spent.get("files.generateIds", 0) <= 1 and "files.list" not in spent


def test_every_job_is_answered_exactly_once_under_random_faults(drive_fake, mailbox, chaos_model):
    b = bot(drive_fake, mailbox)
    for n in range(12):
        b.put("requests", f"{ulid(n)}.json", dumps(request(n, user=f"u{n % 3}")))
    drive_fake.control(
        "POST",
        "faults",
        {
            "rate": 0.25,
            "seed": 7,
            "afterEffectShare": 0.5,
            "kinds": ["rateLimit403", "userRateLimit403", "tooMany429", "error500", "error503", "drop"],
            "retryAfterSeconds": 0,
        },
    )
    try:
        w = drive_worker(drive_fake, mailbox, chaos_model, batch_max=5)
        step_until(w, lambda: len(w.book.answered) == 12, 60, what="every job answered")
    finally:
        drive_fake.control("POST", "faults/clear")
    assert drive_fake.injected() > 0
    ours = {b.folder_ids["requests"]: "requests", b.folder_ids["responses"]: "responses"}
    for n in range(12):
        files = [f for f in drive_fake.files_named(f"{ulid(n)}.json") if f["parents"][0] in ours]
        assert sorted(ours[f["parents"][0]] for f in files) == ["requests", "responses"]  # no second copy
    assert all(r["ok"] for r in answered(b).values())


def test_a_model_named_in_the_mailbox_is_downloaded_and_loaded(drive_fake, mailbox, chaos_model, tmp_path):
    b = bot(drive_fake, mailbox)
    copy = copy_model(chaos_model, str(tmp_path / "src"), "story-medium")
    for ext in (".json", ".safetensors"):
        with open(copy[: -len(".json")] + ext, "rb") as f:
            b.put("models", f"story-medium{ext}", f.read())
    w = drive_worker(drive_fake, mailbox, "story-medium", model_cache_dir=str(tmp_path / "cache"))
    assert w.loaded.name == "story-medium" and (tmp_path / "cache" / "story-medium" / "story-medium.json").exists()
    b.put("models", "broken.json", b'{"v": 1, "name": "broken", "weights": {"file": "missing.safetensors"}}')
    cmd = control(2, "reload", model="broken")
    b.put("control", f"{cmd['command_id']}.json", dumps(cmd))
    step_until(w, lambda: len(w.applied_controls) == 1, what="the reload")
    assert "missing.safetensors is missing" in w.message and w.loaded.name == "story-medium"


def test_idle_workers_look_for_news_less_often(drive_fake, mailbox, chaos_model, monkeypatch):
    """Scaled down: polling every 0.05 s while busy, every 0.5 s once idle for 0.3 s."""
    import threading
    import time

    from colab.worker import main as worker_main

    monkeypatch.setattr(worker_main, "BUSY_WINDOW_S", 0.3)
    w = drive_worker(drive_fake, mailbox, chaos_model, poll_s=0.05, idle_poll_s=0.5, interval_s=600.0)
    feed = lambda: drive_fake.calls().get("changes.list", 0)  # noqa: E731
    thread = threading.Thread(target=worker_main.serve, args=(w,), daemon=True)
    start = feed()
    thread.start()
    time.sleep(0.3)
    busy = feed() - start
    time.sleep(0.7)
    mark = feed()
    time.sleep(2.0)
    idle = feed() - mark
    w.stop_requested = True
    thread.join(5)
    assert busy >= 3
    assert 2 <= idle <= 5


class CountingTransport(LocalFolderTransport):
    """A local mailbox that counts what would be Drive calls (news, put) and spends `latency_s` of a virtual
    clock on each, the way a call to Drive takes time."""

    def __init__(self, root, clock, latency_s):
        super().__init__(root)
        self.clock, self.latency_s, self.calls = clock, latency_s, []

    def _call(self, what):
        self.clock.now += self.latency_s
        self.calls.append((self.clock.now, what))

    def news(self):
        self._call("news")
        return super().news()

    def put(self, folder, name, data):
        self._call(f"put {folder}")
        return super().put(folder, name, data)


class VirtualTime:
    """time.monotonic and time.sleep on a made-up clock, for colab/worker/main.py and worker.py."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(0.0, seconds)


def test_drive_defaults_stay_under_sixty_calls_a_minute_when_idle(tmp_path, chaos_model, monkeypatch):
    """serve() with the Drive defaults, on a virtual clock, at 150 ms a call: polls and heartbeats of an idle worker."""
    from colab.worker import main as worker_main
    from colab.worker import worker as worker_loop
    from colab.worker.options import make_options, parse_args
    from colab.worker.main import idle_delay

    cfg = make_options(parse_args(["--drive-folder", "F" * 20, "--quiet"]), "colab")
    assert (cfg.poll_s, cfg.idle_poll_s, cfg.interval_s) == (0.5, 1.2, 10.0)
    assert idle_delay(cfg, since_busy_s=0) == cfg.poll_s and idle_delay(cfg, since_busy_s=3600) == cfg.idle_poll_s
    clock = VirtualTime()
    monkeypatch.setattr(worker_main, "time", clock)
    monkeypatch.setattr(worker_loop, "time", clock)
    transport = CountingTransport(str(tmp_path / "mailbox"), clock, latency_s=0.15)
    w = make_worker(
        None,
        chaos_model,
        transport=transport,
        poll_s=cfg.poll_s,
        idle_poll_s=cfg.idle_poll_s,
        interval_s=cfg.interval_s,
    )
    start = clock.now
    real_sleep = clock.sleep

    def sleep(seconds):
        real_sleep(seconds)
        w.stop_requested = clock.now - start > 180

    clock.sleep = sleep
    worker_main.serve(w)
    # The last two minutes are past the 30 s busy window: one poll every 1.2 s and a heartbeat every 10 s.
    minute = [what for at, what in transport.calls if start + 100 <= at < start + 160]
    polls, beats = minute.count("news"), minute.count("put workers")
    assert polls == 50 and beats == 6, (polls, beats)
    assert len(minute) <= 60
    local = make_options(parse_args(["--mailbox", "/tmp/x"]), "local")
    assert idle_delay(local, since_busy_s=3600) == local.poll_s
