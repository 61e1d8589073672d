"""Programs besides the worker and training, each run as `python -m colab.tools.<name>`.

- generate.py:     continues text with a model (the parity tests compare it with src/)
- bench_worker.py: the batched engine against a one-request-at-a-time loop (CPU or GPU)
- bench_engine.py: PyTorch's side of `npm run bench:engine`
- check_gpu.py:    on a real GPU, checks the CUDA-graph fast path against eager sampling
- make_test_model.py: a tiny model of fixed random weights (with styles or not) and its reference outputs
"""
