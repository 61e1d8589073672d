"""Generating text with a model: the GPU worker's engine (the TypeScript twins are in src/model/).

- sampler.py:     temperature, top-k, top-p, the seeded draws and the stop rules (the twin of sampler.ts)
- lockstep.py:    every stream of a batch, one character per step, on the device
- cuda_graphs.py: lockstep steps replayed from CUDA graphs: the fast path on a GPU
- generate.py:    priming prompts, then sampling in lockstep
- story_cache.py: per-story LSTM state kept between lines (StoryCache)
- engine.py:      the batched model runner (Engine) the worker calls
- oom.py:         what running out of GPU memory looks like
"""
