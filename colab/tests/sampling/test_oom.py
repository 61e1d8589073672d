"""What counts as running out of GPU memory (no GPU needed)."""
from colab.sampling.oom import is_oom


def test_is_oom_tells_oom_from_other_errors():
    assert not is_oom(RuntimeError("shape mismatch")) and not is_oom(ValueError("out of memory"))
    assert not is_oom(RuntimeError("cuDNN error: CUDNN_STATUS_EXECUTION_FAILED"))
    assert is_oom(RuntimeError("cuDNN error: CUDNN_STATUS_ALLOC_FAILED"))
