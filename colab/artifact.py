"""Loading and checking a model artifact (`<name>.json` + `<name>.safetensors`).

Every way an artifact can be broken (missing keys, an unknown architecture, wrong
shapes, a truncated or changed weights file, NaN weights) raises ArtifactError with
a message that names the file and the problem. The TypeScript engine makes the
same checks (src/engine/artifact.ts).

Usage:
    from colab.artifact import load_artifact
    model, artifact = load_artifact("colab/models/small.json", device="cuda")
"""
import hashlib
import json
import math
import os
from dataclasses import dataclass

import torch

from colab.model import ARCHITECTURE, ARTIFACT_VERSION, ArtifactError, CharLSTM, ModelConfig, expected_shapes
from colab.normalize import Normalizer
from colab.safetensors_io import TORCH_TO_NAME, RawTensor, SafetensorsError, deserialize

REQUIRED_KEYS = ("v", "name", "architecture", "vocabulary", "normalization", "weights")
CONFIG_KEYS = ("vocab_size", "embedding_dim", "hidden_size", "num_layers")
WEIGHT_DTYPES = ("F16", "BF16", "F32", "F64")


@dataclass
class Artifact:
    """A loaded artifact's description: everything but the weights themselves."""

    path: str
    name: str
    config: ModelConfig
    vocabulary: list
    normalize: Normalizer
    sampling: dict
    doc: dict
    weights_sha256: str

    def encode(self, text):
        """Normalizes text and maps it to vocabulary ids."""
        index = {ch: i for i, ch in enumerate(self.vocabulary)}
        return [index[ch] for ch in self.normalize(text)]


def resolve_json_path(path):
    """Accepts `x.json`, `x.safetensors` or `x` and returns the json path."""
    if path.endswith(".safetensors"):
        return path[: -len(".safetensors")] + ".json"
    return path if path.endswith(".json") else path + ".json"


def _read_json(path):
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


def _check_doc(path, doc):
    missing = [k for k in REQUIRED_KEYS if k not in doc]
    if missing:
        raise ArtifactError(f"model file {path} is missing {', '.join(repr(k) for k in missing)}")
    if doc["v"] != ARTIFACT_VERSION:
        raise ArtifactError(f"model file {path} has version {doc['v']!r}; this storyloom reads version {ARTIFACT_VERSION}")
    arch = doc["architecture"]
    if not isinstance(arch, dict) or arch.get("type") != ARCHITECTURE:
        kind = arch.get("type") if isinstance(arch, dict) else arch
        raise ArtifactError(f"model file {path} has unknown architecture {kind!r}; this storyloom runs {ARCHITECTURE!r}")
    for key in CONFIG_KEYS:
        if not isinstance(arch.get(key), int) or isinstance(arch.get(key), bool) or arch[key] <= 0:
            raise ArtifactError(f"model file {path}: architecture.{key} must be a positive integer")
    vocab = doc["vocabulary"]
    if (not isinstance(vocab, list) or len(vocab) != arch["vocab_size"]
            or not all(isinstance(c, str) and len(c) == 1 for c in vocab) or len(set(vocab)) != len(vocab)):
        raise ArtifactError(f"model file {path}: vocabulary must be {arch['vocab_size']} distinct single characters")
    weights = doc["weights"]
    if not isinstance(weights, dict) or not isinstance(weights.get("file"), str):
        raise ArtifactError(f"model file {path}: weights.file must name the safetensors file")
    return ModelConfig(
        vocab_size=arch["vocab_size"], embedding_dim=arch["embedding_dim"], hidden_size=arch["hidden_size"],
        num_layers=arch["num_layers"], dropout=float(arch.get("dropout", 0.0)),
    )


def _read_weights(json_path, doc):
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


def _check_tensors(path, config, tensors):
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
            dtype = tensor.dtype if isinstance(tensor, RawTensor) else TORCH_TO_NAME.get(tensor.dtype, tensor.dtype)
            raise ArtifactError(f"weights file {path}: unsupported dtype {dtype} for weights ({name}); "
                                f"storyloom reads the floating-point dtypes {', '.join(WEIGHT_DTYPES)}")
        if not torch.isfinite(tensor.float()).all():
            raise ArtifactError(f"weights file {path}: {name} holds NaN or infinite values")


def load_artifact(path, device="cpu"):
    """Loads and checks an artifact; returns (CharLSTM in eval mode, Artifact)."""
    json_path = resolve_json_path(path)
    doc = _read_json(json_path)
    config = _check_doc(json_path, doc)
    weights_path, tensors, sha256 = _read_weights(json_path, doc)
    _check_tensors(weights_path, config, tensors)
    try:
        normalizer = Normalizer(doc["vocabulary"], doc["normalization"])
    except (ValueError, AttributeError, TypeError) as e:
        raise ArtifactError(f"model file {json_path}: bad normalization rules: {e}") from None
    model = CharLSTM(config)
    model.load_state_dict({k: v.float() for k, v in tensors.items()})
    model.to(device).eval()
    sampling = {"prime_prefix": "\n", "context_chars": 2000, **(doc.get("sampling") or {})}
    artifact = Artifact(json_path, doc["name"], config, doc["vocabulary"], normalizer, sampling, doc, sha256)
    return model, artifact
