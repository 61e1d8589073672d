"""The character LSTM and its artifact, the twin of src/model/ (docs/model.md).

- lstm.py:        the network (CharLSTM) and its architecture (ModelConfig)
- artifact.py:    saving and loading `<name>.safetensors` + `<name>.json`, with every check
- safetensors.py: a reader and writer for the safetensors format
- normalize.py:   the artifact's text normalization rules, applied to prompts
"""
