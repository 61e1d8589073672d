"""A small reader and writer for the safetensors format (Debian has no package).

It follows the format's specification exactly:
  - 8 bytes: N, an unsigned little-endian 64-bit integer, the size of the header;
  - N bytes: a UTF-8 JSON object starting with '{', padded with spaces (0x20) so that
    8 + N is a multiple of 8; keys are tensor names, each mapping to
    {"dtype", "shape", "data_offsets": [begin, end]}, plus an optional
    "__metadata__" map of strings to strings;
  - the byte buffer: tensors, little-endian and row-major, offsets relative to the
    start of the buffer, covering it entirely with no holes and no overlaps.
The reader takes every dtype of the format (sizes checked in bits, so the packed F4
and F6 work too); the ones torch has here come back as tensors, the rest as RawTensor
bytes, for the caller to refuse by name (colab/model/artifact.py does, for weights).
Tensors are written sorted by dtype (widest alignment first) and then by name, as
the reference implementation does, so both produce the same bytes.

Usage:
    from colab.model.safetensors import save_file, load_file
    save_file({"w": torch.zeros(2, 2)}, "model.safetensors", metadata={"format": "pt"})
    tensors, metadata = load_file("model.safetensors")
"""
from __future__ import annotations

import json
import struct
from typing import Any, Mapping, Optional, Union

import torch

MAX_HEADER_BYTES = 100_000_000

# Every dtype of the format, in the reference implementation's order (used for sorting),
# with its size in bits. The sub-byte ones (F4, F6_*) are packed: a tensor's bit count
# must be a whole number of bytes.
DTYPE_BITS = {
    "BOOL": 8,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "F8_E4M3FNUZ": 8,
    "F8_E5M2FNUZ": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "C64": 64,
    "F64": 64,
    "I64": 64,
    "U64": 64,
}
DTYPE_ORDER = list(DTYPE_BITS)
# The dtypes read into and written from torch tensors (torch 1.13 has all of these);
# any other dtype is read as a RawTensor.
DTYPES = {
    "BOOL": (torch.bool, 1),
    "U8": (torch.uint8, 1),
    "I8": (torch.int8, 1),
    "I16": (torch.int16, 2),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I32": (torch.int32, 4),
    "F32": (torch.float32, 4),
    "F64": (torch.float64, 8),
    "I64": (torch.int64, 8),
}
TORCH_TO_NAME = {torch_dtype: name for name, (torch_dtype, _) in DTYPES.items()}


class RawTensor:
    """A tensor of a dtype torch cannot hold here (U16, F8_E4M3, F4, ...): its bytes, unconverted."""

    def __init__(self, dtype: str, shape: list[int], data: bytes) -> None:
        self.dtype, self.shape, self.data = dtype, list(shape), bytes(data)

    def __repr__(self) -> str:
        return f"RawTensor({self.dtype}, shape={self.shape}, {len(self.data)} bytes)"


class SafetensorsError(ValueError):
    """The bytes are not a valid safetensors file."""


def _tensor_bytes(tensor: torch.Tensor) -> bytes:
    flat = tensor.detach().to("cpu").contiguous().reshape(-1)
    if flat.dtype == torch.bfloat16:
        flat = flat.view(torch.int16)
    return flat.numpy().astype(flat.numpy().dtype.newbyteorder("<"), copy=False).tobytes()


def serialize(tensors: Mapping[str, torch.Tensor], metadata: Optional[Mapping[str, object]] = None) -> bytes:
    """Returns the safetensors bytes for a dict of name -> tensor."""
    entries = []
    for name, tensor in tensors.items():
        if tensor.dtype not in TORCH_TO_NAME:
            raise SafetensorsError(f"tensor {name!r}: dtype {tensor.dtype} is not supported")
        entries.append((name, TORCH_TO_NAME[tensor.dtype], tensor))
    # Widest dtype first, then by name: the reference implementation's order.
    entries.sort(key=lambda e: (-DTYPE_ORDER.index(e[1]), e[0]))
    header: dict[str, Any] = {}
    chunks, offset = [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, dtype, tensor in entries:
        data = _tensor_bytes(tensor)
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    return struct.pack("<Q", len(header_bytes)) + header_bytes + b"".join(chunks)


def save_file(tensors: Mapping[str, torch.Tensor], path: str, metadata: Optional[Mapping[str, object]] = None) -> None:
    """Writes tensors to `path` in the safetensors format."""
    with open(path, "wb") as f:
        f.write(serialize(tensors, metadata))


def _parse_header(data: bytes) -> tuple[dict[str, Any], int]:
    if len(data) < 8:
        raise SafetensorsError(f"file is {len(data)} bytes, too short for the 8-byte header size")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES:
        raise SafetensorsError(f"header size {n} is larger than the limit of {MAX_HEADER_BYTES}")
    if 8 + n > len(data):
        raise SafetensorsError(f"header says {n} bytes but the file has only {len(data) - 8} after the size")
    raw = data[8 : 8 + n]
    if not raw.startswith(b"{"):
        raise SafetensorsError("header does not start with '{'")
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"header is not valid UTF-8 JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError("header is not a JSON object")
    return header, 8 + n


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise SafetensorsError("header has a duplicate key")
    return dict(pairs)


def _check_entry(name: str, entry: Any, buffer_len: int) -> tuple[int, int]:
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise SafetensorsError(f"tensor {name!r}: entry must have exactly dtype, shape and data_offsets")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
        raise SafetensorsError(f"tensor {name!r}: unknown dtype {dtype!r}")
    if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise SafetensorsError(f"tensor {name!r}: shape must be a list of non-negative integers")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
        raise SafetensorsError(f"tensor {name!r}: data_offsets must be [begin, end]")
    begin, end = offsets
    count = 1
    for d in shape:
        count *= d
    if not 0 <= begin <= end <= buffer_len:
        raise SafetensorsError(f"tensor {name!r}: data_offsets {offsets} fall outside the {buffer_len}-byte buffer")
    bits = count * DTYPE_BITS[dtype]
    if bits % 8:
        raise SafetensorsError(f"tensor {name!r}: shape {shape} of {dtype} is not a whole number of bytes")
    if end - begin != bits // 8:
        raise SafetensorsError(f"tensor {name!r}: {end - begin} bytes do not match shape {shape} of {dtype}")
    return begin, end


def deserialize(data: Union[bytes, bytearray]) -> tuple[dict[str, Union[torch.Tensor, RawTensor]], dict[str, str]]:
    """Parses safetensors bytes into (dict of name -> tensor, metadata dict).

    Tensors of a dtype torch has here come back as torch tensors; any other dtype of
    the format (U16, U32, U64, the F8, F6 and F4 floats, C64) as a RawTensor.
    """
    data = bytes(data)
    header, start = _parse_header(data)
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise SafetensorsError("__metadata__ must map strings to strings")
    buffer = data[start:]
    spans = sorted((_check_entry(name, entry, len(buffer)) + (name,)) for name, entry in header.items())
    cursor = 0
    for begin, end, name in spans:
        if begin != cursor:
            raise SafetensorsError(f"tensor {name!r}: the byte buffer has a hole or an overlap at {cursor}")
        cursor = end
    if cursor != len(buffer):
        raise SafetensorsError(f"the byte buffer has {len(buffer) - cursor} bytes no tensor covers")
    tensors: dict[str, Union[torch.Tensor, RawTensor]] = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        if entry["dtype"] not in DTYPES:
            tensors[name] = RawTensor(entry["dtype"], entry["shape"], buffer[begin:end])
            continue
        torch_dtype, _ = DTYPES[entry["dtype"]]
        raw = bytearray(buffer[begin:end])
        if torch_dtype == torch.bfloat16:
            flat = (
                torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16)
                if raw
                else torch.empty(0, dtype=torch_dtype)
            )
        else:
            flat = torch.frombuffer(raw, dtype=torch_dtype) if raw else torch.empty(0, dtype=torch_dtype)
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata


def load_file(path: str) -> tuple[dict[str, Union[torch.Tensor, RawTensor]], dict[str, str]]:
    """Reads a safetensors file: returns (dict of name -> tensor, metadata dict)."""
    with open(path, "rb") as f:
        return deserialize(f.read())
