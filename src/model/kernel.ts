/**
 * Compiles storyloom's SIMD kernel (its text comes from kernel-wat.ts) with wabt
 * and binds it to a memory sized for one model. The kernel is the only hot loop
 * of the CPU engine.
 */
import wabtInit from 'wabt';
import { kernelWat } from './kernel-wat.ts';

/** `y[b][r] += dot(w[r], x[b])`: w is rows×k, x is batch×k, y is batch×rows (byte offsets). */
export type GemmAcc = (w: number, x: number, y: number, rows: number, k: number, batch: number) => void;

/** A compiled kernel bound to its own WebAssembly memory. */
export interface Kernel {
  memory: WebAssembly.Memory;
  gemmAcc: GemmAcc;
}

let compiled: Promise<WebAssembly.Module> | undefined;

function compile(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const wabt = await wabtInit();
    const parsed = wabt.parseWat('kernel.wat', kernelWat(), { simd: true });
    try {
      return await WebAssembly.compile(new Uint8Array(parsed.toBinary({}).buffer));
    } finally {
      parsed.destroy();
    }
  })();
  return compiled;
}

/** Instantiates the kernel over a fresh memory of at least `bytes` bytes. */
export async function createKernel(bytes: number): Promise<Kernel> {
  const pages = Math.ceil(bytes / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = await WebAssembly.instantiate(await compile(), { env: { memory } });
  return { memory, gemmAcc: instance.exports.gemm_acc as GemmAcc };
}
