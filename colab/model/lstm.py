"""The character-level LSTM: embedding -> n-layer LSTM -> linear head (the twin of src/model/lstm.ts).

A model may have styles (`num_styles` > 0, docs/model.md): a learned style embedding
whose vector is concatenated to the character's embedding at every step, so layer 0
reads concat(embedding[c], style_embedding[s]). Style 0 is always `any` (no particular
style). A stream keeps one style for its whole life. Without styles the model is
exactly what it always was.

Its weights and everything needed to rebuild it are the artifact (colab/model/artifact.py).

Usage:
    from colab.model.lstm import CharLSTM, ModelConfig
    model = CharLSTM(ModelConfig(vocab_size=80))
    logits, state = model(ids)                 # ids (B, T) -> logits (B, T, V)
    styled = CharLSTM(ModelConfig(vocab_size=80, num_styles=9, style_dim=16))
    logits, state = styled(ids, styles=styles)  # styles (B, T) per position, or (B,) per stream; None: `any`
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional, Tuple

import torch
from torch import nn

# An LSTM's state: h and c, each (L, B, H).
State = Tuple[torch.Tensor, torch.Tensor]

# The keys a model without styles leaves out of its architecture (absent or 0 mean no styles).
STYLE_KEYS = ("num_styles", "style_dim")


@dataclass
class ModelConfig:
    """The architecture of a character LSTM: embedding (+ style embedding) -> n-layer LSTM -> linear."""

    vocab_size: int
    embedding_dim: int = 64
    hidden_size: int = 512
    num_layers: int = 2
    dropout: float = 0.2
    num_styles: int = 0  # styles the model knows, `any` (id 0) included; 0: no style input at all
    style_dim: int = 0  # size of a style's embedding; 0 without styles

    @property
    def styled(self) -> bool:
        """Whether the model takes a style."""
        return self.num_styles > 0

    @property
    def input_size(self) -> int:
        """What layer 0 reads at each step: the character's embedding, then the style's."""
        return self.embedding_dim + (self.style_dim if self.styled else 0)


def config_dict(config: ModelConfig) -> dict[str, Any]:
    """The config as an artifact's architecture and a checkpoint record it: without styles, no style keys
    (so an artifact without styles is byte for byte what it was before styles existed)."""
    d = asdict(config)
    if not config.styled:
        for key in STYLE_KEYS:
            d.pop(key)
    return d


def style_ids(ids: torch.Tensor, styles: Optional[torch.Tensor]) -> torch.Tensor:
    """Style ids shaped like ids (B, T): from (B, T) as they are, from (B,) one per stream, None: all `any` (0)."""
    if styles is None:
        return torch.zeros_like(ids)
    styles = styles.to(device=ids.device, dtype=torch.long)
    if styles.dim() == ids.dim() - 1:
        return styles.unsqueeze(-1).expand_as(ids)
    if styles.shape != ids.shape:
        raise ValueError(f"style ids of shape {list(styles.shape)} do not fit character ids {list(ids.shape)}")
    return styles


class CharLSTM(nn.Module):
    """Embedding (+ style embedding) -> LSTM (num_layers) -> dropout -> linear head over the vocabulary."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if config.styled != (config.style_dim > 0) or config.num_styles < 0 or config.style_dim < 0:
            raise ValueError("num_styles and style_dim must both be positive (a model with styles) or both 0")
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
        self.style_embedding: Optional[nn.Embedding] = (
            nn.Embedding(config.num_styles, config.style_dim) if config.styled else None
        )
        self.lstm = nn.LSTM(
            config.input_size,
            config.hidden_size,
            config.num_layers,
            batch_first=True,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden_size, config.vocab_size)

    def inputs(self, ids: torch.Tensor, styles: Optional[torch.Tensor] = None) -> torch.Tensor:
        """What layer 0 reads: ids (B, T) -> (B, T, E), or (B, T, E + S) with the styles (see style_ids)."""
        x = self.embedding(ids)
        if self.style_embedding is None:
            if styles is not None:
                raise ValueError("this model has no styles: give no style ids")
            return x
        return torch.cat([x, self.style_embedding(style_ids(ids, styles)).to(x.dtype)], dim=-1)

    def forward(
        self, ids: torch.Tensor, state: Optional[State] = None, styles: Optional[torch.Tensor] = None
    ) -> tuple[torch.Tensor, State]:
        """ids (B, T) int64 [+ styles (B, T) or (B,)] -> logits (B, T, V), state ((L, B, H), (L, B, H))."""
        x = self.inputs(ids, styles)  # (B, T, E [+ S])
        y, after = self.lstm(x, state)  # (B, T, H)
        return self.head(self.drop(y)), after

    def parameter_count(self) -> int:
        """How many numbers the weights hold."""
        return sum(p.numel() for p in self.parameters())


def expected_shapes(config: ModelConfig) -> dict[str, list[int]]:
    """The tensor names and shapes an artifact of this architecture must hold."""
    V, E, H = config.vocab_size, config.embedding_dim, config.hidden_size
    shapes = {"embedding.weight": [V, E], "head.weight": [V, H], "head.bias": [V]}
    if config.styled:
        shapes["style_embedding.weight"] = [config.num_styles, config.style_dim]
    for k in range(config.num_layers):
        shapes[f"lstm.weight_ih_l{k}"] = [4 * H, config.input_size if k == 0 else H]
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
