"""The character-level LSTM and its artifact: `<name>.safetensors` plus `<name>.json`.

The artifact is everything needed to rebuild the model: architecture, vocabulary,
normalization rules, sampling defaults, training settings, corpus hash and
validation loss. Nothing is read from the training script. The TypeScript engine
(src/engine) loads the same two files.

Usage:
    from colab.model import CharLSTM, ModelConfig, save_artifact
    save_artifact(CharLSTM(ModelConfig(len(vocabulary))), vocabulary, "colab/models", "mine")
    from colab.artifact import load_artifact      # loading and checking live in colab/artifact.py
    model, artifact = load_artifact("colab/models/small.json")
"""
import hashlib
import json
import os
from dataclasses import asdict, dataclass

import torch
from torch import nn

from colab.normalize import DEFAULT_RULES
from colab.safetensors_io import serialize

ARTIFACT_VERSION = 1
ARCHITECTURE = "char-lstm"


class ArtifactError(ValueError):
    """A model artifact is missing, malformed, or does not match its weights."""


@dataclass
class ModelConfig:
    """The architecture of a character LSTM: embedding -> n-layer LSTM -> linear."""

    vocab_size: int
    embedding_dim: int = 64
    hidden_size: int = 512
    num_layers: int = 2
    dropout: float = 0.2


class CharLSTM(nn.Module):
    """Embedding -> LSTM (num_layers) -> dropout -> linear head over the vocabulary."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
        self.lstm = nn.LSTM(
            config.embedding_dim, config.hidden_size, config.num_layers,
            batch_first=True, dropout=config.dropout if config.num_layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(self, ids, state=None):
        """ids (B, T) int64 -> logits (B, T, V), state ((L, B, H), (L, B, H))."""
        x = self.embedding(ids)  # (B, T, E)
        y, state = self.lstm(x, state)  # (B, T, H)
        return self.head(self.drop(y)), state

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters())


def expected_shapes(config):
    """The tensor names and shapes an artifact of this architecture must hold."""
    V, E, H = config.vocab_size, config.embedding_dim, config.hidden_size
    shapes = {"embedding.weight": [V, E], "head.weight": [V, H], "head.bias": [V]}
    for k in range(config.num_layers):
        shapes[f"lstm.weight_ih_l{k}"] = [4 * H, E if k == 0 else H]
        shapes[f"lstm.weight_hh_l{k}"] = [4 * H, H]
        shapes[f"lstm.bias_ih_l{k}"] = [4 * H]
        shapes[f"lstm.bias_hh_l{k}"] = [4 * H]
    return shapes


def weights_bytes(config):
    """The size of an artifact's float32 tensor data, in bytes (the header adds under 2 kB)."""
    total = 0
    for shape in expected_shapes(config).values():
        count = 1
        for n in shape:
            count *= n
        total += 4 * count
    return total


def save_artifact(model, vocabulary, directory, name, *, normalization=None, sampling=None,
                  training=None, corpus=None, metrics=None):
    """Writes `<directory>/<name>.safetensors` and `<directory>/<name>.json` atomically."""
    os.makedirs(directory, exist_ok=True)
    tensors = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    weights = serialize(tensors, metadata={"format": "pt", "storyloom": "char-lstm"})
    doc = {
        "v": ARTIFACT_VERSION,
        "name": name,
        "architecture": {"type": ARCHITECTURE, **asdict(model.config)},
        "vocabulary": list(vocabulary),
        "normalization": normalization or DEFAULT_RULES,
        "sampling": sampling or {"prime_prefix": "\n", "context_chars": 2000},
        "training": training or {},
        "corpus": corpus or {},
        "metrics": metrics or {},
        "weights": {"file": f"{name}.safetensors", "bytes": len(weights),
                    "sha256": hashlib.sha256(weights).hexdigest()},
    }
    _atomic_write(os.path.join(directory, f"{name}.safetensors"), weights)
    _atomic_write(os.path.join(directory, f"{name}.json"),
                  (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return doc


def _atomic_write(path, data):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
