"""Training a character LSTM, in Colab or anywhere with torch: `python -m colab.train` (docs/model.md).

- main.py:  the command line
- train.py: the loop (truncated BPTT, AdamW, mixed precision) and the artifact at the end
- state.py: progress, validation, devices, resumable checkpoints
- data.py:  the training text: vocabulary, split, batches
- styled.py: a styled training text (source<TAB>style<TAB>text): style ids, style dropout, validation by source
- sync.py:  keeps a notebook run's checkpoint and model in the mailbox, beyond a Colab recycle
- plot.py:  the loss curve
"""
