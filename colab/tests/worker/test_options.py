"""The worker's command line and the settings it makes, in Colab (google.colab stubbed) and locally."""
import time

import pytest

from colab.worker import runtime
from colab.worker.options import make_options, parse_args


def test_the_worker_config_in_colab(colab_stub, monkeypatch):
    monkeypatch.setenv(runtime.RUNTIME_STARTED_ENV, repr(time.time()))  # restored after the test
    options = make_options(parse_args(["--drive-folder", "F1"]), runtime.worker_kind())
    assert options.kind == "colab" and options.worker_id.startswith("colab-") and options.runtime_ends_at
    assert (options.interval_s, options.poll_s, options.idle_poll_s, options.io_threads) == (10.0, 0.5, 1.2, 8)
    local = make_options(parse_args(["--mailbox", "m", "--worker-id", "me"]), "local")
    assert (local.worker_id, local.interval_s, local.poll_s, local.runtime_ends_at) == ("me", 5.0, 0.25, None)


@pytest.mark.parametrize(
    "argv", [[], ["--mailbox", "m", "--worker-id", "../x"], ["--mailbox", "m", "--batch-max", "0"]]
)
def test_bad_command_lines_are_refused(argv, capsys, monkeypatch):
    monkeypatch.delenv("DRIVE_FOLDER_ID", raising=False)
    with pytest.raises(SystemExit):
        parse_args(argv)
