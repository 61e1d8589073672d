import { describe, expect, it } from 'vitest';
import { FLOAT_DTYPES, readSafetensors, SafetensorsError } from '../../src/model/safetensors.ts';

/** The reference implementation's own serialization test vector (zeros, I32, 2×2). */
function reference(): Uint8Array {
  const header = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    ';
  return file(header, new Uint8Array(16));
}

function file(header: string, data: Uint8Array, declared?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declared ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

describe('safetensors reader', () => {
  it('reads the reference test vector', () => {
    const bytes = reference();
    expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(64n);
    const { tensors } = readSafetensors(bytes);
    expect(tensors.get('test')).toEqual({ dtype: 'I32', shape: [2, 2], data: new Float32Array(4) });
  });

  it('reads float32 values little-endian and row-major, with metadata', () => {
    const header =
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},' +
      '"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}';
    const { tensors, metadata } = readSafetensors(file(header, f32([1, 2, 3, 4, 5])));
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.get('a')!.data]).toEqual([1, 2, 3, 4]);
    expect([...tensors.get('b')!.data]).toEqual([5]);
  });

  it('reads F16 and BF16', () => {
    // 1.5 in F16 is 0x3E00; -2 in BF16 is 0xC000.
    const header =
      '{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},' +
      '"b":{"dtype":"BF16","shape":[1],"data_offsets":[2,4]}}';
    const { tensors } = readSafetensors(file(header, new Uint8Array([0x00, 0x3e, 0x00, 0xc0])));
    expect(tensors.get('h')!.data[0]).toBe(1.5);
    expect(tensors.get('b')!.data[0]).toBe(-2);
  });

  it('reads the unsigned integers and the 8-bit floats', () => {
    const header =
      '{"u16":{"dtype":"U16","shape":[2],"data_offsets":[0,4]},' +
      '"u32":{"dtype":"U32","shape":[1],"data_offsets":[4,8]},' +
      '"u64":{"dtype":"U64","shape":[1],"data_offsets":[8,16]},' +
      '"e4":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[16,20]},' +
      '"e5":{"dtype":"F8_E5M2","shape":[3],"data_offsets":[20,23]},' +
      '"e8":{"dtype":"F8_E8M0","shape":[3],"data_offsets":[23,26]}}';
    const data = new Uint8Array([
      0x01,
      0x00,
      0xff,
      0xff, // U16: 1, 65535
      0x00,
      0x00,
      0x00,
      0x81, // U32: 2^31 + 2^24 (above the I32 range, exact in float32)
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0, // U64: 2^40
      0x38,
      0xc0,
      0x7f,
      0x01, // F8_E4M3: 1, -2, NaN, 2^-9
      0x3c,
      0xc0,
      0x7c, // F8_E5M2: 1, -2, Infinity
      127,
      128,
      0xff, // F8_E8M0: 1, 2, NaN
    ]);
    const { tensors } = readSafetensors(file(header, data));
    expect([...tensors.get('u16')!.data]).toEqual([1, 65535]);
    expect([...tensors.get('u32')!.data]).toEqual([2 ** 31 + 2 ** 24]);
    expect([...tensors.get('u64')!.data]).toEqual([2 ** 40]);
    expect([...tensors.get('e4')!.data]).toEqual([1, -2, NaN, 2 ** -9]);
    expect([...tensors.get('e5')!.data]).toEqual([1, -2, Infinity]);
    expect([...tensors.get('e8')!.data]).toEqual([1, 2, NaN]);
    for (const dtype of ['U16', 'U32', 'U64', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0']) {
      expect(FLOAT_DTYPES.has(dtype)).toBe(false);
    }
  });

  it('keeps the bytes of packed and complex dtypes, sized by bits', () => {
    const header =
      '{"f4":{"dtype":"F4","shape":[2,2],"data_offsets":[0,2]},' +
      '"f6":{"dtype":"F6_E3M2","shape":[4],"data_offsets":[2,5]},' +
      '"c":{"dtype":"C64","shape":[1],"data_offsets":[5,13]},' +
      '"z":{"dtype":"F8_E4M3FNUZ","shape":[1],"data_offsets":[13,14]}}';
    const data = Uint8Array.from({ length: 14 }, (_, i) => i);
    const { tensors } = readSafetensors(file(header, data));
    const f4 = { dtype: 'F4', shape: [2, 2], data: new Float32Array(0), raw: new Uint8Array([0, 1]) };
    expect(tensors.get('f4')).toEqual(f4);
    expect(tensors.get('f6')!.raw).toEqual(new Uint8Array([2, 3, 4]));
    expect(tensors.get('c')!.raw).toEqual(data.slice(5, 13));
    expect(tensors.get('z')!.raw).toEqual(new Uint8Array([13]));
  });

  /** A file of one F32 tensor `a` of this shape and these data offsets, over these bytes. */
  const f32File = (shape: string, offsets: string, bytes: Uint8Array) =>
    file(`{"a":{"dtype":"F32","shape":[${shape}],"data_offsets":[${offsets}]}}`, bytes);
  const invalid: [string, Uint8Array, RegExp][] = [
    [
      'a packed tensor that is not whole bytes',
      file('{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}', new Uint8Array(2)),
      /not a whole number of bytes/,
    ],
    [
      'U16 bytes that do not match the shape',
      file('{"a":{"dtype":"U16","shape":[2],"data_offsets":[0,2]}}', new Uint8Array(2)),
      /do not match shape/,
    ],
    [
      'a dtype named like an Object property',
      file('{"a":{"dtype":"constructor","shape":[1],"data_offsets":[0,4]}}', f32([1])),
      /unknown dtype/,
    ],
    ['too short', new Uint8Array(4), /too short/],
    ['a header size past the end', file('{}', new Uint8Array(0), 999), /header says 999 bytes/],
    ['a header that is not an object', file('[1]     ', new Uint8Array(0)), /does not start with/],
    ['bad JSON', file('{"a":', new Uint8Array(0)), /not valid UTF-8 JSON/],
    ['an unknown dtype', file('{"a":{"dtype":"F7","shape":[1],"data_offsets":[0,4]}}', f32([1])), /unknown dtype/],
    ['bytes that do not match the shape', f32File('2', '0,4', f32([1])), /do not match shape/],
    ['offsets outside the buffer', f32File('1', '4,8', f32([1])), /outside/],
    ['a hole in the buffer', f32File('1', '4,8', f32([1, 2])), /hole or an overlap/],
    [
      'overlapping tensors',
      file(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
          '"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        f32([1, 2]),
      ),
      /hole or an overlap/,
    ],
    ['bytes no tensor covers', f32File('1', '0,4', f32([1, 2])), /no tensor covers/],
    [
      'an entry with extra keys',
      file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}', f32([1])),
      /exactly dtype, shape and data_offsets/,
    ],
    ['non-string metadata', file('{"__metadata__":{"a":1}}', new Uint8Array(0)), /__metadata__/],
  ];
  it.each(invalid)('rejects %s', (_name, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  });
});
