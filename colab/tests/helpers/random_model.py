"""Random-weights model artifacts for tests: instant to make, and chaotic enough that
greedy output depends on every character of the prompt (unlike a barely trained one)."""
import os
import string

import torch

from colab.model.artifact import save_artifact
from colab.model.lstm import CharLSTM, ModelConfig

FULL_VOCAB = sorted(set(string.ascii_letters + string.digits + " .,;:!?'\"-()\n"))
NO_SPACE_VOCAB = sorted(set(string.ascii_letters + ".,;!?'-"))


def write_random_model(
    directory, name="chaos", vocabulary=FULL_VOCAB, hidden_size=48, num_layers=2, embedding_dim=16, scale=4.0, seed=5
):
    """Writes `<directory>/<name>.json` + `.safetensors` with random weights; returns the json path."""
    torch.manual_seed(seed)
    model = CharLSTM(ModelConfig(len(vocabulary), embedding_dim, hidden_size, num_layers, 0.0))
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(scale)
    save_artifact(model, vocabulary, str(directory), name)
    return os.path.join(str(directory), f"{name}.json")
