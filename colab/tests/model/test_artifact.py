"""colab/model/artifact.py: a good artifact loads, and every way of breaking one gets a clear ArtifactError."""
import hashlib
import json
import shutil
import struct

import pytest

from colab.model.artifact import ArtifactError, load_artifact


def copy(tiny_model, tmp_path):
    for ext in (".json", ".safetensors"):
        shutil.copy(tiny_model[: -len(".json")] + ext, tmp_path / f"tiny{ext}")
    return str(tmp_path / "tiny.json")


def edit_json(path, edit):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    edit(doc)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


def edit_weights(path, edit, fix_hash=True):
    weights = path[: -len(".json")] + ".safetensors"
    with open(weights, "rb") as f:
        data = edit(bytearray(f.read()))
    with open(weights, "wb") as f:
        f.write(data)
    if fix_hash:
        edit_json(path, lambda d: d["weights"].update(sha256=hashlib.sha256(data).hexdigest()))


def nan_in_head_bias(data):
    (n,) = struct.unpack("<Q", data[:8])
    begin = json.loads(data[8 : 8 + n])["head.bias"]["data_offsets"][0]
    data[8 + n + begin : 8 + n + begin + 4] = struct.pack("<f", float("nan"))
    return data


def truncated_without_hash(path):
    edit_weights(path, lambda d: d[:-100])
    edit_json(path, lambda d: d["weights"].pop("sha256"))


def bad_json(path):
    with open(path, "w") as f:
        f.write('{"v": 1, "name": ')


def stored_as(tensor, dtype, bits):
    """Rewrites the weights file with `tensor` stored as `dtype` (zeros of `bits` each)."""

    def edit(data):
        (n,) = struct.unpack("<Q", data[:8])
        header, buffer = json.loads(data[8 : 8 + n]), bytes(data[8 + n :])
        meta = header.pop("__metadata__", None)
        out, chunks, offset = ({"__metadata__": meta} if meta else {}), [], 0
        for name, entry in sorted(header.items(), key=lambda e: e[1]["data_offsets"][0]):
            begin, end = entry["data_offsets"]
            chunk = buffer[begin:end]
            if name == tensor:
                count = 1
                for d in entry["shape"]:
                    count *= d
                chunk, entry = bytes(count * bits // 8), dict(entry, dtype=dtype)
            out[name] = dict(entry, data_offsets=[offset, offset + len(chunk)])
            chunks.append(chunk)
            offset += len(chunk)
        h = json.dumps(out).encode()
        h += b" " * ((8 - len(h) % 8) % 8)
        return struct.pack("<Q", len(h)) + h + b"".join(chunks)

    return lambda p: edit_weights(p, edit)


BROKEN = [
    ("a missing json key", lambda p: edit_json(p, lambda d: d.pop("vocabulary")), "missing 'vocabulary'"),
    (
        "an unknown architecture",
        lambda p: edit_json(p, lambda d: d["architecture"].update(type="transformer")),
        "unknown architecture 'transformer'",
    ),
    ("an unknown version", lambda p: edit_json(p, lambda d: d.update(v=2)), "version 2"),
    ("a vocabulary of the wrong size", lambda p: edit_json(p, lambda d: d["vocabulary"].pop()), "vocabulary must be"),
    (
        "wrong shapes",
        lambda p: edit_json(p, lambda d: d["architecture"].update(hidden_size=64)),
        r"has shape \[.*\], expected",
    ),
    ("a json file that is not JSON", bad_json, "not valid JSON"),
    (
        "a missing weights file",
        lambda p: edit_json(p, lambda d: d["weights"].update(file="gone.safetensors")),
        "does not exist",
    ),
    (
        "a truncated weights file",
        lambda p: edit_weights(p, lambda d: d[:-100], fix_hash=False),
        "does not match the sha256",
    ),
    ("a truncated weights file without a hash", truncated_without_hash, "not valid safetensors"),
    ("NaN weights", lambda p: edit_weights(p, nan_in_head_bias), "head.bias holds NaN"),
    ("integer weights", stored_as("head.bias", "I32", 32), r"unsupported dtype I32 for weights \(head.bias\)"),
    ("unsigned weights", stored_as("head.bias", "U32", 32), r"unsupported dtype U32 for weights \(head.bias\)"),
    (
        "8-bit float weights",
        stored_as("embedding.weight", "F8_E4M3", 8),
        r"unsupported dtype F8_E4M3 for weights \(embedding.weight\)",
    ),
    (
        "bad normalization rules",
        lambda p: edit_json(p, lambda d: d["normalization"].update(unknown="explode")),
        "bad normalization rules",
    ),
]


def test_a_good_artifact_loads(tiny_model, tmp_path):
    model, artifact = load_artifact(copy(tiny_model, tmp_path))
    assert artifact.name == "tiny" and len(artifact.weights_sha256) == 64


@pytest.mark.parametrize("name, break_it, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_artifacts_get_a_clear_error(tiny_model, tmp_path, name, break_it, message):
    path = copy(tiny_model, tmp_path)
    break_it(path)
    with pytest.raises(ArtifactError, match=message):
        load_artifact(path)


def test_a_missing_model(tmp_path):
    with pytest.raises(ArtifactError, match="does not exist"):
        load_artifact(str(tmp_path / "nothing.json"))
