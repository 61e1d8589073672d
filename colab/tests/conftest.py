"""Shared fixtures: the repository root on sys.path, a tiny model trained once per session, the Drive fake,
and google.colab stubbed."""
import os
import sys
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

CORPUS = os.path.join(ROOT, "colab", "data", "brown-fiction.txt")
SMALL_MODEL = os.path.join(ROOT, "colab", "models", "small.json")


def train_tiny(out_dir, name="tiny", steps=30, extra=()):
    """Trains a tiny model on the first 60 kB of the corpus; returns its json path."""
    from colab.train import main as train_main

    text = os.path.join(out_dir, f"{name}.txt")
    with open(CORPUS, encoding="utf-8") as src, open(text, "w", encoding="utf-8") as dst:
        dst.write(src.read()[:60_000])
    args = [
        "--text",
        text,
        "--name",
        name,
        "--out-dir",
        str(out_dir),
        "--checkpoint",
        os.path.join(out_dir, f"{name}.pt"),
        "--hidden-size",
        "48",
        "--embedding-dim",
        "16",
        "--batch-size",
        "8",
        "--seq-len",
        "32",
        "--max-steps",
        str(steps),
        "--eval-every",
        "10",
        "--warmup-steps",
        "5",
        "--lr",
        "1e-2",
        "--device",
        "cpu",
        "--quiet",
        *extra,
    ]
    assert train_main.main(args) == 0
    return os.path.join(out_dir, f"{name}.json")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    return train_tiny(str(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="session")
def chaos_model(tmp_path_factory):
    """A random-weights model over letters, digits, punctuation, space and newline."""
    from colab.tests.helpers.random_model import write_random_model

    return write_random_model(tmp_path_factory.mktemp("chaos"))


@pytest.fixture(scope="session")
def nospace_model(tmp_path_factory):
    """A random-weights model whose vocabulary has no whitespace (normalization drops it)."""
    from colab.tests.helpers.random_model import NO_SPACE_VOCAB, write_random_model

    return write_random_model(tmp_path_factory.mktemp("nospace"), "nospace", NO_SPACE_VOCAB)


@pytest.fixture(scope="session")
def drive_fake():
    """The Drive v3 fake, started once (`npx tsx test/fakes/drive/cli.ts`)."""
    from colab.tests.fakes.drive import DriveFake

    fake = DriveFake(ROOT)
    yield fake
    fake.close()


class FakeAuthorizedSession:
    def __init__(self, credentials):
        self.credentials = credentials


@pytest.fixture
def colab_stub(monkeypatch):
    """Injects fake google, google.colab(.auth) and google.auth(.transport.requests) modules."""
    calls = []

    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__path__ = []
        m.__dict__.update(attrs)
        monkeypatch.setitem(sys.modules, name, m)
        return m

    auth = module("google.colab.auth", authenticate_user=lambda: calls.append("authenticate_user"))
    gauth = module("google.auth", default=lambda scopes=None: (calls.append(("default", scopes)), ("CREDS", "proj"))[1])
    treq = module("google.auth.transport.requests", AuthorizedSession=FakeAuthorizedSession)
    transport = module("google.auth.transport", requests=treq)
    gauth.transport = transport
    module("google", colab=module("google.colab", auth=auth), auth=gauth)
    return calls


@pytest.fixture(scope="session")
def styled_model(tmp_path_factory):
    """A tiny model with styles (any, mystery, humor, austen, melville), trained a little on a tiny styled text
    (colab/tests/helpers/styled.py): enough that each style's own text is likelier in its own style."""
    from colab.tests.helpers.styled import train_tiny_styled

    return train_tiny_styled(tmp_path_factory.mktemp("styled"), steps=300, extra=["--lr", "2e-2"])


@pytest.fixture(scope="session")
def random_styled_model(tmp_path_factory):
    """A random-weights model with styles (any, general, austen, melville): colab/tools/make_test_model.py's."""
    from colab.tools.make_test_model import DEFAULT_STYLES, write_test_model

    return write_test_model(str(tmp_path_factory.mktemp("random-styled")), "tiny-styled", DEFAULT_STYLES)
