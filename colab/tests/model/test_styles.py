"""A model with styles: its shapes, its style input, its artifact; and a model without styles, unchanged."""
import filecmp
import json
import shutil

import pytest
import torch
from torch import nn

from colab.model.artifact import ArtifactError, load_artifact, save_artifact
from colab.model.lstm import CharLSTM, ModelConfig, expected_shapes, weights_bytes
from colab.model.safetensors import deserialize
from colab.sampling.generate import encode_prompt, generate, prime
from colab.sampling.sampler import SamplingOptions
from colab.tests.conftest import SMALL_MODEL

STYLES = ["any", "general", "austen", "melville"]


BASE = dict(vocab_size=20, embedding_dim=8, hidden_size=16, num_layers=2, dropout=0.0, num_styles=4, style_dim=5)


def styled_config(**kw):
    return ModelConfig(**{**BASE, **kw})


def test_styles_add_the_style_embedding_and_widen_only_layer_0s_input():
    plain, styled = ModelConfig(20, 8, 16, 2, 0.0), styled_config()
    a, b = expected_shapes(plain), expected_shapes(styled)
    assert set(b) - set(a) == {"style_embedding.weight"} and b["style_embedding.weight"] == [4, 5]
    assert a["lstm.weight_ih_l0"] == [64, 8] and b["lstm.weight_ih_l0"] == [64, 13]
    assert all(a[k] == b[k] for k in a if k != "lstm.weight_ih_l0")
    assert weights_bytes(styled) - weights_bytes(plain) == 4 * (4 * 5 + 64 * 5)
    model = CharLSTM(styled)
    assert {k: list(v.shape) for k, v in model.state_dict().items()} == b
    assert model.parameter_count() * 4 == weights_bytes(styled)
    assert "style_embedding.weight" not in CharLSTM(plain).state_dict()


def test_a_styled_forward_takes_style_ids_per_position_or_per_stream_and_none_is_any():
    torch.manual_seed(0)
    model = CharLSTM(styled_config()).eval()
    ids = torch.randint(0, 20, (3, 7))
    per_stream = torch.tensor([0, 2, 3])
    logits, (h, c) = model(ids, styles=per_stream)
    assert logits.shape == (3, 7, 20) and h.shape == c.shape == (2, 3, 16)
    same, _ = model(ids, styles=per_stream.unsqueeze(1).expand(3, 7))
    assert torch.equal(logits, same)
    as_any, _ = model(ids)
    assert torch.equal(as_any, model(ids, styles=torch.zeros(3, 7, dtype=torch.long))[0])  # `any` is id 0
    assert torch.equal(as_any[0], logits[0]) and not torch.allclose(as_any[1], logits[1])
    # A style changes layer 0's gates by W_ih0[:, E:] . style_embedding[s] at every step (what src/ precomputes).
    x = model.inputs(ids, per_stream)
    assert torch.equal(x[..., 8:], model.style_embedding.weight[per_stream].unsqueeze(1).expand(3, 7, 5))
    with pytest.raises(ValueError, match="do not fit"):
        model(ids, styles=torch.zeros(3, 6, dtype=torch.long))


def test_a_model_without_styles_refuses_style_ids_and_a_half_styled_config_is_refused():
    model = CharLSTM(ModelConfig(20, 8, 16, 2, 0.0))
    with pytest.raises(ValueError, match="no styles"):
        model(torch.zeros(1, 2, dtype=torch.long), styles=torch.zeros(1, dtype=torch.long))
    with pytest.raises(ValueError, match="must both be positive"):
        CharLSTM(styled_config(style_dim=0))


def save_styled(tmp_path, name="styled", styles=STYLES):
    torch.manual_seed(1)
    model = CharLSTM(styled_config(vocab_size=len("abcdefg \n"), num_styles=len(styles)))
    save_artifact(model, "abcdefg \n", str(tmp_path), name, styles=styles)
    return model, str(tmp_path / f"{name}.json")


def test_a_styled_artifact_records_its_styles_and_loads_with_them(tmp_path):
    model, path = save_styled(tmp_path)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["styles"] == STYLES and doc["architecture"]["num_styles"] == 4 and doc["architecture"]["style_dim"] == 5
    loaded, artifact = load_artifact(path)
    assert artifact.styles == STYLES and artifact.style_id("austen") == 2 and artifact.style_id("any") == 0
    assert artifact.style_id("romance") is None and artifact.style_id(None) is None
    for k, v in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v)


def edit(path, change):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    change(doc)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


BROKEN_STYLES = [
    ("no styles list", lambda d: d.pop("styles"), "'styles' is not a list"),
    ("too few styles", lambda d: d["styles"].pop(), "lists 3 styles but architecture.num_styles is 4"),
    ("any not first", lambda d: d.update(styles=["general", "any", "austen", "melville"]), "must start with 'any'"),
    ("a bad name", lambda d: d["styles"].__setitem__(1, "Austen"), "lower-case letters and dashes"),
    ("a repeated name", lambda d: d["styles"].__setitem__(2, "general"), "distinct names"),
    ("no style_dim", lambda d: d["architecture"].pop("style_dim"), "both positive"),
    ("a negative size", lambda d: d["architecture"].update(num_styles=-1), "non-negative integer"),
    ("styles without sizes", lambda d: [d["architecture"].pop(k) for k in ("num_styles", "style_dim")], "both pos"),
    (
        "another style_dim",
        lambda d: d["architecture"].update(style_dim=6),
        r"style_embedding.weight has shape \[4, 5\], expected \[4, 6\]",
    ),
]


@pytest.mark.parametrize("name, change, message", BROKEN_STYLES, ids=[b[0] for b in BROKEN_STYLES])
def test_a_broken_styled_artifact_gets_a_clear_error_naming_the_file(tmp_path, name, change, message):
    _, path = save_styled(tmp_path)
    edit(path, change)
    with pytest.raises(ArtifactError, match=message) as error:
        load_artifact(path)
    assert "styled." in str(error.value)


def test_an_artifact_without_styles_must_not_list_any(tmp_path):
    save_artifact(CharLSTM(ModelConfig(9, 4, 8, 1, 0.0)), "abcdefg \n", str(tmp_path), "plain")
    path = str(tmp_path / "plain.json")
    edit(path, lambda d: d.update(styles=["any"]))
    with pytest.raises(ArtifactError, match="plain.json: a model with styles needs"):
        load_artifact(path)


def test_save_refuses_styles_that_do_not_fit_the_model(tmp_path):
    model = CharLSTM(styled_config())
    with pytest.raises(ValueError, match="needs its style names"):
        save_artifact(model, "a" * 20, str(tmp_path), "x")
    with pytest.raises(ArtifactError, match="lists 3 styles"):
        save_artifact(model, "a" * 20, str(tmp_path), "x", styles=["any", "b", "c"])
    with pytest.raises(ValueError, match="cannot record style names"):
        save_artifact(CharLSTM(ModelConfig(20, 8, 16, 1)), "a" * 20, str(tmp_path), "x", styles=STYLES)


# What colab/models/small.json wrote before styles existed (greedy, and seed 7 at 0.8), and its first logits.
SMALL_GREEDY = " was a strange street and started to be a strange street. Th"
SMALL_SAMPLED = " that he had been different at all. It would be a surprise i"
SMALL_LOGITS = [-3.042107582092285, 5.732212543487549, -0.9485377073287964, -1.6097776889801025]


def test_the_shipped_small_model_without_styles_is_unchanged(tmp_path):
    model, artifact = load_artifact(SMALL_MODEL)
    assert artifact.styles == [] and not model.config.styled and model.style_embedding is None
    assert "styles" not in artifact.doc and "num_styles" not in artifact.doc["architecture"]
    options = [SamplingOptions(0, 0, 1, 60, None, "none", 1), SamplingOptions(0.8, 0, 1, 60, None, "none", 7)]
    results = generate(model, artifact, ["The old house", "She said"], options)
    assert results == [(SMALL_GREEDY, "max_chars"), (SMALL_SAMPLED, "max_chars")]
    logits, _ = prime(model, [encode_prompt(artifact, "The old house")], "cpu")
    assert torch.allclose(logits[0, :4], torch.tensor(SMALL_LOGITS), atol=1e-5)
    # The same numbers as a plain torch embedding -> LSTM -> linear built from the raw tensors.
    with open(SMALL_MODEL[: -len(".json")] + ".safetensors", "rb") as f:
        tensors, _ = deserialize(f.read())
    emb, lstm, head = nn.Embedding(77, 64), nn.LSTM(64, 512, 2, batch_first=True), nn.Linear(512, 77)
    for module, prefix in ((emb, "embedding."), (lstm, "lstm."), (head, "head.")):
        module.load_state_dict({k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)})
    ids = torch.tensor([encode_prompt(artifact, "The old house")])
    with torch.no_grad():
        y, _ = lstm(emb(ids))
        assert torch.allclose(head(y[:, -1]), logits, atol=1e-5)
    # Saved again, it is the same two files byte for byte.
    doc = artifact.doc
    keep = {k: doc[k] for k in ("normalization", "sampling", "training", "corpus", "metrics")}
    save_artifact(model, artifact.vocabulary, str(tmp_path), "small", **keep)
    for ext in (".json", ".safetensors"):
        assert filecmp.cmp(str(tmp_path / f"small{ext}"), SMALL_MODEL[: -len(".json")] + ext, shallow=False)


def test_a_styled_artifact_copied_elsewhere_still_loads(tmp_path):
    _, path = save_styled(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    assert load_artifact(str(tmp_path / "b" / "styled.json"))[1].styles == STYLES
