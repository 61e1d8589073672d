"""colab/storyloom.ipynb: a valid nbformat 4 notebook whose cells do what the README promises."""
import ast
import json
import os
import re

from colab.tests.conftest import ROOT

with open(os.path.join(ROOT, "colab", "storyloom.ipynb"), encoding="utf-8") as f:
    NB = json.load(f)
CODE = ["".join(c["source"]) for c in NB["cells"] if c["cell_type"] == "code"]
TEXT = "".join("".join(c["source"]) for c in NB["cells"])


def test_it_is_an_nbformat_4_notebook():
    assert NB["nbformat"] == 4 and NB["nbformat_minor"] >= 4
    assert NB["metadata"]["kernelspec"]["name"] == "python3" and NB["metadata"]["accelerator"] == "GPU"
    ids = [c["id"] for c in NB["cells"]]
    assert len(set(ids)) == len(ids)
    for cell in NB["cells"]:
        assert cell["cell_type"] in ("markdown", "code") and isinstance(cell["source"], list)
        assert isinstance(cell["metadata"], dict)
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_every_code_cell_is_python_once_shell_lines_are_set_aside():
    for source in CODE:
        python = re.sub(r"^(\s*)[!%].*$", r"\1pass", source, flags=re.M)
        ast.parse(python)


def test_the_cells_come_in_order():
    steps = ["nvidia-smi", "git clone", "authenticate_user()", "MAILBOX_FOLDER_ID = ", "colab.train", "colab.worker"]
    where = [next(i for i, s in enumerate(CODE) if step in s) for step in steps]
    assert where == sorted(where)
    assert "torch.cuda.is_available()" in CODE[0] and "files.upload()" in CODE[1]
    assert "#@param" in CODE[3] and "plot.update(fig)" in CODE[4]
    assert "status.update(" in CODE[5] and "SIGTERM" in CODE[5]


def test_the_code_comes_from_the_repository_the_readme_badge_opens():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        badge = re.search(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/", f.read()).group(1)
    assert f'REPO_URL = "https://github.com/{badge}"  #@param' in CODE[1]
    assert f"github.com/{badge}" in TEXT


def train_cell_namespace(mailbox, tmp_path, monkeypatch, lines):
    """Runs the training cell with TRAIN = True, a fake `colab.train` process printing `lines`,
    and the mailbox given -> (the command it ran, its namespace)."""
    import subprocess
    import sys
    import types

    from colab.train import sync as train_sync

    ran = []

    class FakeProcess:
        def __init__(self, cmd, **kw):
            ran.append(cmd)
            self.stdout = iter(lines)

        def wait(self):
            return 0

    ipython, display = types.ModuleType("IPython"), types.ModuleType("IPython.display")
    display.display = lambda *a, **k: types.SimpleNamespace(update=lambda fig: None)
    ipython.display, ipython.get_ipython = display, lambda: None
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    monkeypatch.setattr(subprocess, "Popen", FakeProcess)
    real_init = train_sync.TrainingSync.__init__
    monkeypatch.setattr(
        train_sync.TrainingSync,
        "__init__",
        lambda self, mb, name, **kw: real_init(self, mb, name, scratch=str(tmp_path / "content")),
    )
    import matplotlib

    matplotlib.use("Agg")
    source = CODE[4].replace("TRAIN = False", "TRAIN = True")
    namespace = {"mailbox": mailbox}
    exec(compile(source, "train-cell", "exec"), namespace)
    return ran[0], namespace


def test_training_in_a_folder_mailbox_checkpoints_into_it(tmp_path, monkeypatch):
    from colab.transport.local import LocalFolderTransport

    box = LocalFolderTransport(str(tmp_path / "mailbox"))
    cmd, ns = train_cell_namespace(box, tmp_path, monkeypatch, [])
    models = os.path.join(str(tmp_path / "mailbox"), "models")
    assert cmd[cmd.index("--out-dir") + 1] == models
    assert cmd[cmd.index("--checkpoint") + 1] == os.path.join(models, "checkpoints", "small.pt")
    assert "--resume" in cmd and not cmd[cmd.index("--checkpoint") + 1].startswith("/content")
    assert ns["MODEL"] == os.path.join(models, "small.json")


def test_training_with_a_drive_mailbox_copies_the_checkpoint_into_it_and_fetches_it_back(tmp_path, monkeypatch):
    from colab.tests.train.test_sync import RemoteMailbox
    from colab.train.train import CHECKPOINT_SAVED

    box = RemoteMailbox()
    box.files[("models", "small.checkpoint.pt")] = b"from the last runtime"
    scratch = tmp_path / "content"
    saved = f"{CHECKPOINT_SAVED}{scratch}/checkpoints/small.pt at step 500\n"
    cmd, ns = train_cell_namespace(box, tmp_path, monkeypatch, [saved])
    checkpoint = cmd[cmd.index("--checkpoint") + 1]
    assert checkpoint == str(scratch / "checkpoints" / "small.pt") and "--resume" in cmd
    with open(checkpoint, "rb") as f:  # fetched before training resumed
        assert f.read() == b"from the last runtime"
    assert ns["sync"].uploads >= 1 and ("models", "small.checkpoint.pt") in box.puts
    assert "sync.on_line(line)" in CODE[4] and "sync.finish()" in CODE[4]
    minutes = float(cmd[cmd.index("--checkpoint-minutes") + 1])
    assert minutes <= 5


def test_it_is_honest_about_colab():
    for words in (
        "12 hours",
        "sooner when idle",
        "not guaranteed",
        "web service offerings",
        "distributed computing workers",
        "paid Colab plan",
        "local runtime",
    ):
        assert words in TEXT, words


def test_the_notebook_reads_the_lines_the_worker_and_training_print(tmp_path, chaos_model):
    from colab.tests.helpers.worker import make_worker

    w = make_worker(tmp_path / "mailbox", chaos_model, status_lines=True)
    line = [x for x in w.out.getvalue().splitlines() if "status:" in x][-1]
    assert line.startswith("storyloom worker: status: ") and "storyloom worker: status: " in CODE[5]
    assert line.endswith("running, queued 0, active 0, 0 chars/s, done 0, failed 0")
    pattern = re.search(r're\.match\(r"(.+?)", line\)', CODE[4]).group(1)
    train_log = "step 250 chars 2.0M train 2.1234 val 2.2345 lr 3.00e-03 1.2 min"  # as colab/train/train.py logs
    assert re.match(pattern, train_log).groups() == ("250", "2.1234", "2.2345")
    with open(os.path.join(ROOT, "colab", "train", "train.py"), encoding="utf-8") as f:
        source = f.read()
    assert re.search(r'log\(\s*f"step \{state\.step\} chars \{state\.chars_seen / 1e6:\.1f\}M train \{', source)
