/**
 * A safetensors reader that follows the format's specification: an 8-byte
 * little-endian header size N, N bytes of JSON starting with '{', then a byte
 * buffer that the tensors' `data_offsets` cover entirely, with no holes and no
 * overlaps. The Python writer (colab/model/safetensors.py) produces these files.
 */

/** The bytes are not a valid safetensors file. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/**
 * One tensor, as float32 values, whatever its stored dtype (which `dtype` keeps).
 * A dtype with no single real value per element (the packed F4 and F6 floats, the
 * FNUZ 8-bit floats, complex C64) has an empty `data`, and its bytes in `raw`.
 */
export interface Tensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
  raw?: Uint8Array;
}

const MAX_HEADER_BYTES = 100_000_000;
/**
 * Every dtype of the format, with its size in bits (the reference implementation's
 * list). F4 and F6 are packed: a tensor's bit count must be a whole number of bytes.
 */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};
/** The floating-point dtypes the engine takes for weights (src/model/artifact.ts). */
export const FLOAT_DTYPES = new Set(['F16', 'BF16', 'F32', 'F64']);

const READERS: Record<string, (view: DataView, at: number) => number> = {
  BOOL: (v, at) => v.getUint8(at),
  U8: (v, at) => v.getUint8(at),
  I8: (v, at) => v.getInt8(at),
  I16: (v, at) => v.getInt16(at, true),
  U16: (v, at) => v.getUint16(at, true),
  I32: (v, at) => v.getInt32(at, true),
  U32: (v, at) => v.getUint32(at, true),
  I64: (v, at) => Number(v.getBigInt64(at, true)),
  U64: (v, at) => Number(v.getBigUint64(at, true)),
  F8_E4M3: (v, at) => e4m3ToFloat(v.getUint8(at)),
  F8_E5M2: (v, at) => halfToFloat(v.getUint8(at) << 8),
  F8_E8M0: (v, at) => (v.getUint8(at) === 0xff ? NaN : 2 ** (v.getUint8(at) - 127)),
  F16: (v, at) => halfToFloat(v.getUint16(at, true)),
  BF16: (v, at) => bfloat16ToFloat(v.getUint16(at, true)),
  F32: (v, at) => v.getFloat32(at, true),
  F64: (v, at) => v.getFloat64(at, true),
};

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; start: number } {
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, too short for the header size`);
  const size = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (size > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(`header size ${size} is over the limit`);
  const n = Number(size);
  if (8 + n > bytes.length) {
    throw new SafetensorsError(`header says ${n} bytes but the file has only ${bytes.length - 8} after the size`);
  }
  const raw = bytes.subarray(8, 8 + n);
  if (raw[0] !== 0x7b) throw new SafetensorsError("header does not start with '{'");
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError('header is not a JSON object');
  }
  return { header: header as Record<string, unknown>, start: 8 + n };
}

function checkEntry(name: string, value: unknown, bufferLength: number): Entry {
  const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const keys = typeof value === 'object' && value !== null ? Object.keys(value).sort().join(',') : '';
  if (keys !== 'data_offsets,dtype,shape') {
    throw new SafetensorsError(`tensor ${name}: entry must have exactly dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BITS, dtype))
    throw new SafetensorsError(`tensor ${name}: unknown dtype ${String(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new SafetensorsError(`tensor ${name}: shape must be a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) {
    throw new SafetensorsError(`tensor ${name}: data_offsets must be [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (!(begin >= 0 && begin <= end && end <= bufferLength)) {
    throw new SafetensorsError(
      `tensor ${name}: data_offsets [${begin}, ${end}] fall outside the ${bufferLength}-byte buffer`,
    );
  }
  const bits = (shape as number[]).reduce((a, d) => a * d, 1) * DTYPE_BITS[dtype];
  if (bits % 8 !== 0) {
    throw new SafetensorsError(`tensor ${name}: shape [${shape}] of ${dtype} is not a whole number of bytes`);
  }
  if (end - begin !== bits / 8) {
    throw new SafetensorsError(`tensor ${name}: ${end - begin} bytes do not match shape [${shape}] of ${dtype}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function toTensor(entry: Entry, bytes: Uint8Array): Tensor {
  const { dtype, shape } = entry;
  if (!(dtype in READERS)) return { dtype, shape, data: new Float32Array(0), raw: bytes.slice() };
  return { dtype, shape, data: toFloat32(bytes, dtype) };
}

function toFloat32(bytes: Uint8Array, dtype: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = DTYPE_BITS[dtype] / 8;
  const out = new Float32Array(bytes.byteLength / size);
  const read = READERS[dtype];
  for (let i = 0; i < out.length; i++) out[i] = read(view, i * size);
  return out;
}

const bfloatScratch = new DataView(new ArrayBuffer(4));

function bfloat16ToFloat(bits: number): number {
  bfloatScratch.setUint32(0, bits << 16, true);
  return bfloatScratch.getFloat32(0, true);
}

/** F8_E4M3 (the "fn" variant): bias 7, no infinities, S.1111.111 is NaN. */
function e4m3ToFloat(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exponent = (b >> 3) & 0x0f;
  const mantissa = b & 0x07;
  if (exponent === 0x0f && mantissa === 0x07) return NaN;
  if (exponent === 0) return sign * 2 ** -6 * (mantissa / 8);
  return sign * 2 ** (exponent - 7) * (1 + mantissa / 8);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Parses safetensors bytes; every tensor's values come back as float32 (see `Tensor` for the exceptions). */
export function readSafetensors(bytes: Uint8Array): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const { header, start } = parseHeader(bytes);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  delete header.__metadata__;
  if (typeof metadata !== 'object' || !Object.values(metadata).every((v) => typeof v === 'string')) {
    throw new SafetensorsError('__metadata__ must map strings to strings');
  }
  const buffer = bytes.subarray(start);
  const entries = Object.entries(header).map(([name, value]) => checkEntry(name, value, buffer.length));
  let cursor = 0;
  for (const entry of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (entry.begin !== cursor)
      throw new SafetensorsError(`tensor ${entry.name}: the byte buffer has a hole or an overlap at ${cursor}`);
    cursor = entry.end;
  }
  if (cursor !== buffer.length)
    throw new SafetensorsError(`the byte buffer has ${buffer.length - cursor} bytes no tensor covers`);
  const tensors = new Map<string, Tensor>();
  for (const entry of entries) {
    tensors.set(entry.name, toTensor(entry, buffer.subarray(entry.begin, entry.end)));
  }
  return { tensors, metadata };
}
