"""What running out of GPU memory looks like, for the sampler (colab/sampling/cuda_graphs.py) and the
worker's batches (colab/worker/batch.py, which halves a batch that does not fit).

Usage:
    from colab.sampling.oom import free_gpu_memory, is_oom
    if is_oom(error): free_gpu_memory()
"""
from __future__ import annotations

import torch

# What cuDNN and cuBLAS say when they cannot allocate their workspace: memory, too.
OOM_MESSAGES = ("out of memory", "CUDNN_STATUS_ALLOC_FAILED", "CUBLAS_STATUS_ALLOC_FAILED")


def is_oom(error: BaseException) -> bool:
    """Whether `error` is the GPU running out of memory (torch's OOM, or a cuDNN/cuBLAS alloc failure)."""
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(error, oom_type):
        return True
    return isinstance(error, RuntimeError) and any(m in str(error) for m in OOM_MESSAGES)


def free_gpu_memory() -> None:
    """Gives the CUDA caching allocator's unused blocks back, so a smaller batch can fit."""
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
