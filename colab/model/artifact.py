"""A model artifact, saved and loaded: `<name>.safetensors` (the weights) plus `<name>.json`.

The artifact is everything needed to rebuild the model: architecture, vocabulary,
normalization rules, sampling defaults, training settings, corpus hash and
validation loss, and, for a model with styles, its styles (`"styles": ["any", ...]`, id
order; docs/model.md). Nothing is read from the training script. The TypeScript side
loads the same two files and makes the same checks (src/model/artifact.ts): every
way an artifact can be broken (missing keys, an unknown architecture, wrong shapes,
a truncated or changed weights file, NaN weights) raises ArtifactError with a
message that names the file and the problem.

Usage:
    from colab.model.artifact import load_artifact, save_artifact
    save_artifact(CharLSTM(ModelConfig(len(vocabulary))), vocabulary, "colab/models", "mine")
    model, artifact = load_artifact("colab/models/mine.json", device="cuda")
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence, Union

import torch

from colab.model.lstm import STYLE_KEYS, CharLSTM, ModelConfig, config_dict, expected_shapes
from colab.model.normalize import DEFAULT_RULES, Normalizer
from colab.model.safetensors import TORCH_TO_NAME, RawTensor, SafetensorsError, deserialize, serialize

ARTIFACT_VERSION = 1
ARCHITECTURE = "char-lstm"

REQUIRED_KEYS = ("v", "name", "architecture", "vocabulary", "normalization", "weights")
CONFIG_KEYS = ("vocab_size", "embedding_dim", "hidden_size", "num_layers")
WEIGHT_DTYPES = ("F16", "BF16", "F32", "F64")
ANY_STYLE = "any"  # style 0 of every model with styles: no particular style
STYLE_NAME = re.compile(r"^[a-z][a-z-]*$")  # the protocol's StyleName (colab/protocol/schemas.py), 40 at most


class ArtifactError(ValueError):
    """A model artifact is missing, malformed, or does not match its weights."""


@dataclass
class Artifact:
    """A loaded artifact's description: everything but the weights themselves."""

    path: str
    name: str
    config: ModelConfig
    vocabulary: list[str]
    normalize: Normalizer
    sampling: dict[str, Any]
    doc: dict[str, Any]
    weights_sha256: str
    styles: list[str] = field(default_factory=list)  # by id, `any` first; empty for a model without styles

    def style_id(self, name: Optional[str]) -> Optional[int]:
        """A style's id in this model -> int, or None when the model has no styles or not that one."""
        return self.styles.index(name) if name in self.styles else None

    def encode(self, text: str) -> list[int]:
        """Normalizes text and maps it to vocabulary ids."""
        index = {ch: i for i, ch in enumerate(self.vocabulary)}
        return [index[ch] for ch in self.normalize(text)]


def resolve_json_path(path: str) -> str:
    """Accepts `x.json`, `x.safetensors` or `x` and returns the json path."""
    if path.endswith(".safetensors"):
        return path[: -len(".safetensors")] + ".json"
    return path if path.endswith(".json") else path + ".json"


def _read_json(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"model file {path} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ArtifactError(f"model file {path} is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise ArtifactError(f"model file {path} must hold a JSON object")
    return doc


def check_styles(path: str, doc: dict[str, Any], arch: dict[str, Any]) -> tuple[int, int, list[str]]:
    """A model's style sizes and names -> (num_styles, style_dim, styles): none at all (both sizes absent or
    0, and no `styles`), or both sizes positive and `styles` naming every id, `any` first."""
    sizes = []
    for key in STYLE_KEYS:
        value = arch.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ArtifactError(f"model file {path}: architecture.{key} must be a non-negative integer")
        sizes.append(value)
    num_styles, style_dim = sizes
    styles = doc.get("styles")
    if num_styles == 0 and style_dim == 0 and "styles" not in doc:
        return 0, 0, []
    if num_styles == 0 or style_dim == 0:
        raise ArtifactError(
            f"model file {path}: a model with styles needs architecture.num_styles and architecture.style_dim "
            f"both positive (got {num_styles} and {style_dim})"
        )
    if not isinstance(styles, list):
        raise ArtifactError(f"model file {path}: architecture.num_styles is {num_styles} but 'styles' is not a list")
    if len(styles) != num_styles:
        raise ArtifactError(
            f"model file {path}: 'styles' lists {len(styles)} styles but architecture.num_styles is {num_styles}"
        )
    names_ok = all(isinstance(x, str) and len(x) <= 40 and STYLE_NAME.fullmatch(x) for x in styles)
    if not names_ok or len(set(styles)) != len(styles):
        raise ArtifactError(
            f"model file {path}: 'styles' must be distinct names of lower-case letters and dashes (40 at most)"
        )
    if styles[0] != ANY_STYLE:
        raise ArtifactError(f"model file {path}: 'styles' must start with {ANY_STYLE!r}, not {styles[0]!r}")
    return num_styles, style_dim, list(styles)


def _check_doc(path: str, doc: dict[str, Any]) -> tuple[ModelConfig, list[str]]:
    missing = [k for k in REQUIRED_KEYS if k not in doc]
    if missing:
        raise ArtifactError(f"model file {path} is missing {', '.join(repr(k) for k in missing)}")
    if doc["v"] != ARTIFACT_VERSION:
        raise ArtifactError(
            f"model file {path} has version {doc['v']!r}; this storyloom reads version {ARTIFACT_VERSION}"
        )
    arch = doc["architecture"]
    if not isinstance(arch, dict) or arch.get("type") != ARCHITECTURE:
        kind = arch.get("type") if isinstance(arch, dict) else arch
        raise ArtifactError(
            f"model file {path} has unknown architecture {kind!r}; this storyloom runs {ARCHITECTURE!r}"
        )
    for key in CONFIG_KEYS:
        if not isinstance(arch.get(key), int) or isinstance(arch.get(key), bool) or arch[key] <= 0:
            raise ArtifactError(f"model file {path}: architecture.{key} must be a positive integer")
    vocab = doc["vocabulary"]
    if (
        not isinstance(vocab, list)
        or len(vocab) != arch["vocab_size"]
        or not all(isinstance(c, str) and len(c) == 1 for c in vocab)
        or len(set(vocab)) != len(vocab)
    ):
        raise ArtifactError(f"model file {path}: vocabulary must be {arch['vocab_size']} distinct single characters")
    weights = doc["weights"]
    if not isinstance(weights, dict) or not isinstance(weights.get("file"), str):
        raise ArtifactError(f"model file {path}: weights.file must name the safetensors file")
    num_styles, style_dim, styles = check_styles(path, doc, arch)
    config = ModelConfig(
        vocab_size=arch["vocab_size"],
        embedding_dim=arch["embedding_dim"],
        hidden_size=arch["hidden_size"],
        num_layers=arch["num_layers"],
        dropout=float(arch.get("dropout", 0.0)),
        num_styles=num_styles,
        style_dim=style_dim,
    )
    return config, styles


def _read_weights(json_path: str, doc: dict[str, Any]) -> tuple[str, dict[str, Union[torch.Tensor, RawTensor]], str]:
    path = os.path.join(os.path.dirname(json_path), os.path.basename(doc["weights"]["file"]))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ArtifactError(f"weights file {path} does not exist") from None
    sha256 = hashlib.sha256(data).hexdigest()
    expected = doc["weights"].get("sha256")
    if expected and expected != sha256:
        raise ArtifactError(f"weights file {path} does not match the sha256 in {json_path}: truncated or replaced")
    try:
        tensors, _ = deserialize(data)
    except SafetensorsError as e:
        raise ArtifactError(f"weights file {path} is not valid safetensors: {e}") from None
    return path, tensors, sha256


def _check_tensors(path: str, config: ModelConfig, tensors: dict[str, Union[torch.Tensor, RawTensor]]) -> None:
    shapes = expected_shapes(config)
    missing = sorted(set(shapes) - set(tensors))
    extra = sorted(set(tensors) - set(shapes))
    if missing or extra:
        raise ArtifactError(f"weights file {path}: missing tensors {missing}, unexpected tensors {extra}")
    for name, shape in shapes.items():
        tensor = tensors[name]
        if list(tensor.shape) != shape:
            raise ArtifactError(f"weights file {path}: {name} has shape {list(tensor.shape)}, expected {shape}")
        if isinstance(tensor, RawTensor) or not tensor.is_floating_point():
            dtype = (
                tensor.dtype if isinstance(tensor, RawTensor) else TORCH_TO_NAME.get(tensor.dtype) or str(tensor.dtype)
            )
            raise ArtifactError(
                f"weights file {path}: unsupported dtype {dtype} for weights ({name}); "
                f"storyloom reads the floating-point dtypes {', '.join(WEIGHT_DTYPES)}"
            )
        if not torch.isfinite(tensor.float()).all():
            raise ArtifactError(f"weights file {path}: {name} holds NaN or infinite values")


def load_artifact(path: str, device: Union[str, torch.device] = "cpu") -> tuple[CharLSTM, Artifact]:
    """Loads and checks an artifact; returns (CharLSTM in eval mode, Artifact)."""
    json_path = resolve_json_path(path)
    doc = _read_json(json_path)
    config, styles = _check_doc(json_path, doc)
    weights_path, tensors, sha256 = _read_weights(json_path, doc)
    _check_tensors(weights_path, config, tensors)
    try:
        normalizer = Normalizer(doc["vocabulary"], doc["normalization"])
    except (ValueError, AttributeError, TypeError) as e:
        raise ArtifactError(f"model file {json_path}: bad normalization rules: {e}") from None
    model = CharLSTM(config)
    # Every tensor is a torch tensor by now: _check_tensors refused the rest.
    model.load_state_dict({k: v.float() for k, v in tensors.items() if isinstance(v, torch.Tensor)})
    model.to(device).eval()
    sampling = {"prime_prefix": "\n", "context_chars": 2000, **(doc.get("sampling") or {})}
    artifact = Artifact(json_path, doc["name"], config, doc["vocabulary"], normalizer, sampling, doc, sha256, styles)
    return model, artifact


def save_artifact(
    model: CharLSTM,
    vocabulary: Iterable[str],
    directory: str,
    name: str,
    *,
    normalization: Optional[dict[str, Any]] = None,
    sampling: Optional[dict[str, Any]] = None,
    training: Optional[dict[str, Any]] = None,
    corpus: Optional[dict[str, Any]] = None,
    metrics: Optional[dict[str, Any]] = None,
    styles: Optional[Sequence[str]] = None,
) -> dict[str, Any]:
    """Writes `<directory>/<name>.safetensors` and `<directory>/<name>.json` atomically.

    A model with styles needs `styles` (its names by id, `any` first); one without takes none."""
    if model.config.styled:
        if styles is None:
            raise ValueError("a model with styles needs its style names (styles=[...])")
        check_styles(name, {"styles": list(styles)}, config_dict(model.config))
    elif styles:
        raise ValueError("a model without styles cannot record style names")
    os.makedirs(directory, exist_ok=True)
    tensors = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    weights = serialize(tensors, metadata={"format": "pt", "storyloom": "char-lstm"})
    doc: dict[str, Any] = {
        "v": ARTIFACT_VERSION,
        "name": name,
        "architecture": {"type": ARCHITECTURE, **config_dict(model.config)},
        "vocabulary": list(vocabulary),
    }
    if model.config.styled:
        doc["styles"] = list(styles or ())
    doc.update(
        {
            "normalization": normalization or DEFAULT_RULES,
            "sampling": sampling or {"prime_prefix": "\n", "context_chars": 2000},
            "training": training or {},
            "corpus": corpus or {},
            "metrics": metrics or {},
            "weights": {
                "file": f"{name}.safetensors",
                "bytes": len(weights),
                "sha256": hashlib.sha256(weights).hexdigest(),
            },
        }
    )
    _atomic_write(os.path.join(directory, f"{name}.safetensors"), weights)
    _atomic_write(
        os.path.join(directory, f"{name}.json"), (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    )
    return doc


def _atomic_write(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
