"""colab/model/safetensors.py: the reference bytes, every dtype of the spec, and invalid files refused."""
import json
import struct

import pytest
import torch

from colab.model.safetensors import RawTensor, SafetensorsError, deserialize, serialize

# The reference implementation's own test vector: zeros, I32, 2x2, header padded to 8.
REFERENCE = (
    b'@\x00\x00\x00\x00\x00\x00\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    ' + b"\x00" * 16
)


def raw(header, data=b"", declared=None):
    h = header.encode()
    return struct.pack("<Q", len(h) if declared is None else declared) + h + data


def test_writer_matches_the_reference_bytes():
    assert serialize({"test": torch.zeros((2, 2), dtype=torch.int32)}) == REFERENCE


def test_reader_reads_the_reference_bytes():
    tensors, metadata = deserialize(REFERENCE)
    assert metadata == {}
    assert torch.equal(tensors["test"], torch.zeros((2, 2), dtype=torch.int32))


def test_header_is_padded_to_a_multiple_of_eight_and_tensors_sorted():
    out = serialize(
        {"b": torch.ones(3), "a": torch.arange(4, dtype=torch.float64), "c": torch.ones(2, dtype=torch.int8)},
        metadata={"format": "pt"},
    )
    (n,) = struct.unpack("<Q", out[:8])
    assert (8 + n) % 8 == 0
    header = out[8 : 8 + n].decode()
    assert header.startswith('{"__metadata__":{"format":"pt"},"a":')  # F64 first, then F32, then I8
    assert header.index('"b"') < header.index('"c"')


def test_round_trip_keeps_values_dtypes_and_metadata():
    tensors = {
        "w": torch.randn(3, 5),
        "h": torch.randn(4).half(),
        "bf": torch.randn(2).bfloat16(),
        "i": torch.tensor([1, -2]),
    }
    back, metadata = deserialize(serialize(tensors, {"k": "v"}))
    assert metadata == {"k": "v"}
    for name, tensor in tensors.items():
        assert back[name].dtype == tensor.dtype and torch.equal(back[name], tensor)


@pytest.mark.parametrize(
    "dtype, shape, size",
    [
        ("U16", [3], 6),
        ("U32", [2, 2], 16),
        ("U64", [1], 8),
        ("F8_E4M3", [5], 5),
        ("F8_E5M2", [2, 3], 6),
        ("F8_E8M0", [4], 4),
        ("F4", [6], 3),
        ("F6_E2M3", [4], 3),
        ("C64", [2], 16),
        ("U8", [0], 0),
    ],
)
def test_reader_reads_every_dtype_of_the_spec(dtype, shape, size):
    header = (
        '{"a":{"dtype":"%s","shape":%s,"data_offsets":[0,%d]},"b":{"dtype":"F32","shape":[1],"data_offsets":[%d,%d]}}'
        % (dtype, json.dumps(shape), size, size, size + 4)
    )
    payload = bytes(range(size)) + struct.pack("<f", 2.5)
    tensors, _ = deserialize(raw(header, payload))
    assert tensors["b"].tolist() == [2.5]
    a = tensors["a"]
    if isinstance(a, RawTensor):
        assert (a.dtype, a.shape, a.data) == (dtype, shape, bytes(range(size)))
    else:
        assert list(a.shape) == shape


@pytest.mark.parametrize(
    "data, message",
    [
        (raw('{"a":{"dtype":"U16","shape":[2],"data_offsets":[0,2]}}', b"\0" * 2), "do not match shape"),
        (raw('{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}', b"\0" * 2), "not a whole number of bytes"),
        (raw('{"a":{"dtype":3,"shape":[1],"data_offsets":[0,4]}}', b"\0" * 4), "unknown dtype"),
        (b"\x00" * 4, "too short"),
        (raw("{}", declared=999), "header says 999 bytes"),
        (raw("[1]     "), "does not start with"),
        (raw('{"a":'), "not valid UTF-8 JSON"),
        (raw('{"a":{"dtype":"F7","shape":[1],"data_offsets":[0,4]}}', b"\0" * 4), "unknown dtype"),
        (raw('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', b"\0" * 4), "do not match shape"),
        (raw('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\0" * 4), "outside"),
        (raw('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\0" * 8), "hole or an overlap"),
        (
            raw(
                '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                '"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
                b"\0" * 8,
            ),
            "hole or an overlap",
        ),
        (raw('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', b"\0" * 8), "no tensor covers"),
        (raw('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}', b"\0" * 4), "exactly dtype"),
        (
            raw(
                '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
                b"\0" * 4,
            ),
            "duplicate key",
        ),
        (raw('{"__metadata__":{"a":1}}'), "__metadata__"),
    ],
)
def test_reader_rejects_invalid_files(data, message):
    with pytest.raises(SafetensorsError, match=message):
        deserialize(data)
