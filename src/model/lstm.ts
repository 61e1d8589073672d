/**
 * The LSTM forward pass on typed arrays, batched across streams, with every
 * matrix product in the SIMD kernel. PyTorch's gate order (i, f, g, o) and
 * equations. Three rearrangements make a step cheaper than PyTorch's own:
 *   - layer 0's input projection of every character is precomputed
 *     (table[v] = W_ih0 · E[v] + b_ih0 + b_hh0), so the embedding costs nothing;
 *   - a model with styles feeds [E[v]; S[s]] to layer 0, and W_ih0 · [e; s] = W_ih0[:, :E] · e + W_ih0[:, E:] · s:
 *     the table holds the first part, and each style's constant second part (style0[s]) is precomputed too,
 *     added to layer 0's gates every step (a batch may mix styles: each stream carries its own);
 *   - layers above 0 multiply [h_below; h] by [W_ih | W_hh] in one product.
 */
import type { Artifact } from './artifact.ts';
import { createKernel, type Kernel } from './kernel.ts';

/**
 * One stream's recurrent state: h and c for every layer, layer-major (L × H), and the style id it is written in
 * for its whole life (0: `any`, or no style input on a model without styles).
 */
export interface LstmState {
  h: Float32Array;
  c: Float32Array;
  style: number;
}

const align = (n: number) => Math.ceil(n / 16) * 16;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** A model's weights laid out in kernel memory, ready to step streams. */
export class LstmRuntime {
  readonly V: number;
  readonly H: number;
  readonly L: number;
  /** How many styles the model has (0: none). */
  readonly numStyles: number;
  private readonly f32: Float32Array;
  private readonly at: Record<string, number> = {};

  private constructor(
    private readonly kernel: Kernel,
    artifact: Artifact,
    readonly maxBatch: number,
    layout: Map<string, number>,
  ) {
    ({ vocabSize: this.V, hiddenSize: this.H, numLayers: this.L, numStyles: this.numStyles } = artifact.config);
    this.f32 = new Float32Array(kernel.memory.buffer);
    for (const [name, offset] of layout) this.at[name] = offset;
    this.fill(artifact);
  }

  /** Lays the artifact's weights out in a new kernel memory. */
  static async create(artifact: Artifact, maxBatch = 64): Promise<LstmRuntime> {
    const { vocabSize: V, hiddenSize: H, numLayers: L, numStyles } = artifact.config;
    const sizes: [string, number][] = [
      ['table0', V * 4 * H],
      ['style0', numStyles * 4 * H],
      ['whh0', 4 * H * H],
    ];
    for (let k = 1; k < L; k++) sizes.push([`wcat${k}`, 4 * H * 2 * H], [`bias${k}`, 4 * H]);
    sizes.push(
      ['wout', V * H],
      ['bout', V],
      ['x', maxBatch * 2 * H],
      ['gates', maxBatch * 4 * H],
      ['logits', maxBatch * V],
    );
    const layout = new Map<string, number>();
    let total = 0;
    for (const [name, size] of sizes) {
      layout.set(name, total);
      total += align(size);
    }
    return new LstmRuntime(await createKernel(total * 4), artifact, maxBatch, layout);
  }

  private fill(artifact: Artifact): void {
    const { V, H, L, f32, at } = this;
    const t = (name: string) => artifact.tensors.get(name)!.data;
    const { embeddingDim: E, styleDim: S } = artifact.config;
    // W_ih0's rows are [E | S] wide: the character's columns, then the style's.
    const emb = t('embedding.weight'),
      wih0 = t('lstm.weight_ih_l0');
    const b0 = t('lstm.bias_ih_l0').map((b, i) => b + t('lstm.bias_hh_l0')[i]);
    for (let v = 0; v < V; v++) {
      for (let r = 0; r < 4 * H; r++) {
        let sum = 0;
        for (let e = 0; e < E; e++) sum += wih0[r * (E + S) + e] * emb[v * E + e];
        f32[at.table0 + v * 4 * H + r] = sum + b0[r];
      }
    }
    const semb = this.numStyles > 0 ? t('style_embedding.weight') : new Float32Array(0);
    for (let s = 0; s < this.numStyles; s++) {
      for (let r = 0; r < 4 * H; r++) {
        let sum = 0;
        for (let e = 0; e < S; e++) sum += wih0[r * (E + S) + E + e] * semb[s * S + e];
        f32[at.style0 + s * 4 * H + r] = sum;
      }
    }
    f32.set(t('lstm.weight_hh_l0'), at.whh0);
    for (let k = 1; k < L; k++) {
      const wih = t(`lstm.weight_ih_l${k}`),
        whh = t(`lstm.weight_hh_l${k}`);
      for (let r = 0; r < 4 * H; r++) {
        f32.set(wih.subarray(r * H, (r + 1) * H), at[`wcat${k}`] + r * 2 * H);
        f32.set(whh.subarray(r * H, (r + 1) * H), at[`wcat${k}`] + r * 2 * H + H);
      }
      const bih = t(`lstm.bias_ih_l${k}`),
        bhh = t(`lstm.bias_hh_l${k}`);
      for (let r = 0; r < 4 * H; r++) f32[at[`bias${k}`] + r] = bih[r] + bhh[r];
    }
    f32.set(t('head.weight'), at.wout);
    f32.set(t('head.bias'), at.bout);
  }

  /** A zero state for a new stream written in style `style` (an id; 0 on a model without styles). */
  newState(style = 0): LstmState {
    if (!(Number.isInteger(style) && style >= 0 && style < Math.max(1, this.numStyles)))
      throw new RangeError(`style id ${style} is not one of this model's ${this.numStyles} styles`);
    return { h: new Float32Array(this.L * this.H), c: new Float32Array(this.L * this.H), style };
  }

  private cell(k: number, states: LstmState[]): void {
    const { H, f32 } = this;
    const g0 = this.at.gates;
    states.forEach((s, b) => {
      const g = g0 + b * 4 * H,
        o = k * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(f32[g + j]),
          f = sigmoid(f32[g + H + j]);
        const cell = Math.tanh(f32[g + 2 * H + j]),
          out = sigmoid(f32[g + 3 * H + j]);
        const c = f * s.c[o + j] + i * cell;
        s.c[o + j] = c;
        s.h[o + j] = out * Math.tanh(c);
      }
    });
  }

  /**
   * Feeds one id to each stream, updating `states` in place, and returns the
   * logits (B × V), a view that the next call overwrites.
   */
  step(ids: readonly number[], states: LstmState[]): Float32Array {
    const B = ids.length;
    if (B > this.maxBatch) throw new RangeError(`batch of ${B} is over this runtime's ${this.maxBatch}`);
    const { V, H, L, f32, at } = this;
    const gemm = this.kernel.gemmAcc;
    ids.forEach((id, b) => {
      const g = at.gates + b * 4 * H;
      f32.copyWithin(g, at.table0 + id * 4 * H, at.table0 + (id + 1) * 4 * H);
      if (this.numStyles > 0) {
        const style = states[b].style;
        if (!(style >= 0 && style < this.numStyles)) throw new RangeError(`stream ${b} has no style id ${style}`);
        const s = at.style0 + style * 4 * H;
        for (let r = 0; r < 4 * H; r++) f32[g + r] += f32[s + r];
      }
      f32.set(states[b].h.subarray(0, H), at.x + b * H);
    });
    gemm(at.whh0 * 4, at.x * 4, at.gates * 4, 4 * H, H, B);
    this.cell(0, states);
    for (let k = 1; k < L; k++) {
      states.forEach((s, b) => {
        f32.copyWithin(at.gates + b * 4 * H, at[`bias${k}`], at[`bias${k}`] + 4 * H);
        f32.set(s.h.subarray((k - 1) * H, k * H), at.x + b * 2 * H);
        f32.set(s.h.subarray(k * H, (k + 1) * H), at.x + b * 2 * H + H);
      });
      gemm(at[`wcat${k}`] * 4, at.x * 4, at.gates * 4, 4 * H, 2 * H, B);
      this.cell(k, states);
    }
    states.forEach((s, b) => {
      f32.copyWithin(at.logits + b * V, at.bout, at.bout + V);
      f32.set(s.h.subarray((L - 1) * H, L * H), at.x + b * H);
    });
    gemm(at.wout * 4, at.x * 4, at.logits * 4, V, H, B);
    return f32.subarray(at.logits, at.logits + B * V);
  }
}
