"""storyloom's GPU side: the character LSTM, its training, and the mailbox worker (docs/architecture.md).

Packages, each importing only those before it (colab/tests/test_layers.py checks it):
- protocol/:  the mailbox files, the mirror of src/jobs/ (schemas, parse)
- transport/: the mailbox: a local folder, or a Google Drive folder (src/transport/)
- model/:     the character LSTM and its artifact (src/model/)
- sampling/:  generating with it, many streams in one batch, on the GPU (src/model/'s sampler and engine)
- worker/:    the GPU worker, `python -m colab.worker` (src/worker/)
- train/:     training a model, `python -m colab.train`
- tools/:     the generate command, the benchmarks and the GPU check, `python -m colab.tools.<name>`
The notebook (storyloom.ipynb), the training text (data/) and the shipped model (models/) sit beside them.
"""

__version__ = "0.1.0"
