"""From a model spec to a loaded model: finding and loading the worker's model (the twin of
src/model/models.ts's loadModel).

A model is named by a path (`colab/models/small.json`) or by a name, looked up in
the mailbox's `models/` folder first (downloaded to a local cache when the mailbox
is on Drive), then in the repository's `colab/models/`. Loading checks everything
colab/model/artifact.py checks; a broken model raises ArtifactError naming the problem.

Usage:
    loaded = load_model("small", transport, torch.device("cuda"), cache_entries=256)
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional, Union

import torch

from colab.model.artifact import ArtifactError, load_artifact
from colab.sampling.engine import Engine
from colab.sampling.story_cache import StoryCache
from colab.transport.local import LocalFolderTransport
from colab.transport.transport import Transport

# colab/models/, beside this package
REPO_MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")


@dataclass
class LoadedModel:
    """A model in memory, ready to generate, and what the heartbeat says of it."""

    spec: str
    name: str
    sha256: str
    parameters: int
    loaded_at: datetime
    engine: Engine


def _from_mailbox(name: str, transport: Transport, cache_dir: str) -> Optional[str]:
    """models/<name>.json (and its weights) from the mailbox -> a local json path, or None."""
    json_name = f"{name}.json"
    if json_name not in transport.list("models"):
        return None
    if isinstance(transport, LocalFolderTransport):  # a file here already: no copy
        return transport.path_of("models", json_name)
    doc_bytes = transport.get("models", json_name)
    try:
        if doc_bytes is None:  # listed a moment ago, gone now
            raise ValueError("it is gone")
        weights_name = os.path.basename(json.loads(doc_bytes)["weights"]["file"])
    except (TypeError, ValueError, KeyError) as e:
        raise ArtifactError(f"model file models/{json_name} in the mailbox is not a model artifact: {e}") from None
    weights = transport.get("models", weights_name)
    if weights is None:
        raise ArtifactError(f"weights file models/{weights_name} is missing from the mailbox")
    directory = os.path.join(cache_dir, name)
    os.makedirs(directory, exist_ok=True)
    for file_name, data in ((weights_name, weights), (json_name, doc_bytes)):
        tmp = os.path.join(directory, f".{file_name}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(directory, file_name))
    return os.path.join(directory, json_name)


def resolve_model(spec: str, transport: Optional[Transport], cache_dir: str) -> str:
    """A model path or name -> the local path of its json file."""
    if os.path.exists(spec) or os.path.exists(spec + ".json") or os.sep in spec:
        return spec
    found = _from_mailbox(spec, transport, cache_dir) if transport is not None else None
    if found:
        return found
    repo = os.path.join(REPO_MODELS, f"{spec}.json")
    if os.path.exists(repo):
        return repo
    raise ArtifactError(
        f"no model {spec!r}: not a file, not in the mailbox's models/ folder, " f"and not in {REPO_MODELS}"
    )


def load_model(
    spec: str,
    transport: Optional[Transport],
    device: Union[str, torch.device],
    cache_entries: int = 256,
    sync_every: int = 16,
    cache_dir: str = "/tmp/storyloom-models",
    cuda_graphs: bool = True,
    log: Optional[Callable[[str], None]] = None,
    compile: bool = True,
) -> LoadedModel:
    """Resolves and loads a model -> LoadedModel; raises ArtifactError when it is missing or broken."""
    path = resolve_model(spec, transport, cache_dir)
    model, artifact = load_artifact(path, device=device)
    engine = Engine(
        model,
        artifact,
        device,
        StoryCache(cache_entries),
        sync_every,
        cuda_graphs=cuda_graphs,
        compile=compile,
        log=log,
    )
    return LoadedModel(
        spec, artifact.name, artifact.weights_sha256, model.parameter_count(), datetime.now(timezone.utc), engine
    )
