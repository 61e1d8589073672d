"""The character-level LSTM: embedding -> n-layer LSTM -> linear head (the twin of src/model/lstm.ts).

Its weights and everything needed to rebuild it are the artifact (colab/model/artifact.py).

Usage:
    from colab.model.lstm import CharLSTM, ModelConfig
    model = CharLSTM(ModelConfig(vocab_size=80))
    logits, state = model(ids)                 # ids (B, T) -> logits (B, T, V)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import torch
from torch import nn

# An LSTM's state: h and c, each (L, B, H).
State = Tuple[torch.Tensor, torch.Tensor]


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

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
        self.lstm = nn.LSTM(
            config.embedding_dim,
            config.hidden_size,
            config.num_layers,
            batch_first=True,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(self, ids: torch.Tensor, state: Optional[State] = None) -> tuple[torch.Tensor, State]:
        """ids (B, T) int64 -> logits (B, T, V), state ((L, B, H), (L, B, H))."""
        x = self.embedding(ids)  # (B, T, E)
        y, after = self.lstm(x, state)  # (B, T, H)
        return self.head(self.drop(y)), after

    def parameter_count(self) -> int:
        """How many numbers the weights hold."""
        return sum(p.numel() for p in self.parameters())


def expected_shapes(config: ModelConfig) -> dict[str, list[int]]:
    """The tensor names and shapes an artifact of this architecture must hold."""
    V, E, H = config.vocab_size, config.embedding_dim, config.hidden_size
    shapes = {"embedding.weight": [V, E], "head.weight": [V, H], "head.bias": [V]}
    for k in range(config.num_layers):
        shapes[f"lstm.weight_ih_l{k}"] = [4 * H, E if k == 0 else H]
        shapes[f"lstm.weight_hh_l{k}"] = [4 * H, H]
        shapes[f"lstm.bias_ih_l{k}"] = [4 * H]
        shapes[f"lstm.bias_hh_l{k}"] = [4 * H]
    return shapes


def weights_bytes(config: ModelConfig) -> int:
    """The size of an artifact's float32 tensor data, in bytes (the header adds under 2 kB)."""
    total = 0
    for shape in expected_shapes(config).values():
        count = 1
        for n in shape:
            count *= n
        total += 4 * count
    return total
