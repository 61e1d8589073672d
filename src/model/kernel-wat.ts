/**
 * The SIMD kernel's WebAssembly text, generated: `y[b][r] += dot(w[r], x[b])`
 * for w (rows × k), x (batch × k) and y (batch × rows), float32, row-major, all
 * arguments byte offsets. The work is cut into blocks of 2 rows × 4 streams (a
 * batch's last 1 to 3 streams in one narrower block), so each weight vector loaded
 * serves up to four streams and each input vector two rows.
 *
 * Every output is summed in one canonical order, whichever block computes it:
 * one 4-lane accumulator over k in steps of 4, then (lane0 + lane1) + (lane2 +
 * lane3), then the k % 4 tail in order, then added to y. So a stream gets
 * bit-identical results alone or in a batch of any size.
 */

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** One block function: R rows × B streams starting at ($w, $x), writing from $y. */
function block(R: number, B: number): string {
  const acc = (i: number, j: number) => `$a${i}_${j}`;
  const out: string[] = [];
  out.push(`(func $b${R}x${B} (param $w i32) (param $x i32) (param $y i32) (param $k i32) (param $rows i32)`);
  out.push('  (local $kb i32) (local $end i32) (local $s f32) (local $p i32) (local $q i32) (local $stop i32)');
  for (const i of range(R)) out.push(`  (local $w${i} i32) (local $v${i} v128)`);
  for (const j of range(B)) out.push(`  (local $x${j} i32)`);
  out.push(`  (local $u v128)`);
  for (const i of range(R)) for (const j of range(B)) out.push(`  (local ${acc(i, j)} v128)`);
  out.push(`  (local.set $kb (i32.shl (local.get $k) (i32.const 2)))`);
  // Where row i of w and stream j of x start: k floats (kb bytes) apart.
  const startAt = (name: string, n: number) =>
    `  (local.set $${name}${n} (i32.add (local.get $${name}) (i32.mul (i32.const ${n}) (local.get $kb))))`;
  for (const i of range(R)) out.push(startAt('w', i));
  for (const j of range(B)) out.push(startAt('x', j));
  out.push(
    '  (local.set $end (i32.add (local.get $w0) ' + '(i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 2))))',
  );
  out.push(`  (block $done (loop $next`, `    (br_if $done (i32.ge_u (local.get $w0) (local.get $end)))`);
  for (const i of range(R)) out.push(`    (local.set $v${i} (v128.load (local.get $w${i})))`);
  for (const j of range(B)) {
    out.push(`    (local.set $u (v128.load (local.get $x${j})))`);
    for (const i of range(R)) {
      const a = acc(i, j);
      out.push(`    (local.set ${a} (f32x4.add (local.get ${a}) (f32x4.mul (local.get $v${i}) (local.get $u))))`);
    }
  }
  for (const i of range(R)) out.push(`    (local.set $w${i} (i32.add (local.get $w${i}) (i32.const 16)))`);
  for (const j of range(B)) out.push(`    (local.set $x${j} (i32.add (local.get $x${j}) (i32.const 16)))`);
  out.push(`    (br $next)))`);
  for (const i of range(R)) {
    for (const j of range(B)) {
      const a = acc(i, j);
      const lane = (n: number) => `(f32x4.extract_lane ${n} (local.get ${a}))`;
      out.push(`  (local.set $s (f32.add (f32.add ${lane(0)} ${lane(1)})`);
      out.push(`                        (f32.add ${lane(2)} ${lane(3)})))`);
      // The k % 4 tail, in order: from where the vector loop stopped to the row's end.
      out.push(`  (local.set $p (local.get $w${i})) (local.set $q (local.get $x${j}))`);
      out.push(
        `  (local.set $stop (i32.add (i32.sub (local.get $w${i}) (i32.and (local.get $kb) (i32.const -16))) ` +
          '(local.get $kb)))',
      );
      out.push(`  (block $td (loop $tl (br_if $td (i32.ge_u (local.get $p) (local.get $stop)))`);
      out.push(
        '    (local.set $s (f32.add (local.get $s) ' +
          '(f32.mul (f32.load (local.get $p)) (f32.load (local.get $q)))))',
      );
      out.push(
        '    (local.set $p (i32.add (local.get $p) (i32.const 4))) ' +
          '(local.set $q (i32.add (local.get $q) (i32.const 4))) (br $tl)))',
      );
      const at =
        `(i32.add (local.get $y) (i32.shl (i32.add (i32.mul (i32.const ${j}) (local.get $rows)) ` +
        `(i32.const ${i})) (i32.const 2)))`;
      out.push(`  (f32.store ${at} (f32.add (f32.load ${at}) (local.get $s)))`);
    }
  }
  out.push(`)`);
  return out.join('\n');
}

/** What the driver passes each block: where its rows of w, its streams of x and its outputs in y start. */
const BLOCK_ARGS =
  '(call $wAt (local.get $w) (local.get $r) (local.get $kb)) ' +
  '(call $wAt (local.get $x) (local.get $b) (local.get $kb)) ' +
  '(call $yAt (local.get $y) (local.get $b) (local.get $rows) (local.get $r)) (local.get $k) (local.get $rows)';

/** The driver's parameters; whether a second row is left; the byte offset of y[b][r] from $y. */
const DRIVER_PARAMS =
  '(param $w i32) (param $x i32) (param $y i32) ' + '(param $rows i32) (param $k i32) (param $batch i32)';
const ROW_PAIR_LEFT = '(i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows))';
const Y_OFFSET = '(i32.shl (i32.add (i32.mul (local.get $b) (local.get $rows)) (local.get $r)) (i32.const 2))';

/** The call of the block of R rows × $B streams ($B from 1 to 4). */
function dispatch(R: number): string {
  const call = (B: number) => `(call $b${R}x${B} ${BLOCK_ARGS})`;
  const when = (B: number, otherwise: string) =>
    `(if (i32.eq (local.get $B) (i32.const ${B})) (then ${call(B)}) (else ${otherwise}))`;
  return when(4, when(3, when(2, call(1))));
}

/**
 * The driver: rows in pairs (and a last single), streams in fours and the rest (1 to 3) in one block, so that each
 * weight vector loaded serves every stream of a small batch (3 candidates cost little more than 1).
 */
const DRIVER = `
(func (export "gemm_acc") ${DRIVER_PARAMS}
  (local $r i32) (local $b i32) (local $kb i32) (local $R i32) (local $B i32)
  (local.set $kb (i32.shl (local.get $k) (i32.const 2)))
  (block $rowsDone (loop $rowsNext
    (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
    (local.set $R (select (i32.const 2) (i32.const 1) ${ROW_PAIR_LEFT}))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bNext
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $B (select (i32.const 4) (i32.sub (local.get $batch) (local.get $b))
        (i32.le_u (i32.add (local.get $b) (i32.const 4)) (local.get $batch))))
      (if (i32.eq (local.get $R) (i32.const 2))
        (then ${dispatch(2)})
        (else ${dispatch(1)}))
      (local.set $b (i32.add (local.get $b) (local.get $B)))
      (br $bNext)))
    (local.set $r (i32.add (local.get $r) (local.get $R)))
    (br $rowsNext))))
(func $wAt (param $base i32) (param $i i32) (param $kb i32) (result i32)
  (i32.add (local.get $base) (i32.mul (local.get $i) (local.get $kb))))
(func $yAt (param $y i32) (param $b i32) (param $rows i32) (param $r i32) (result i32)
  (i32.add (local.get $y) ${Y_OFFSET}))
`;

/** The whole module's text. */
export function kernelWat(): string {
  const blocks = [2, 1].flatMap((R) => [4, 3, 2, 1].map((B) => block(R, B))).join('\n');
  return `(module\n(import "env" "memory" (memory 1))\n${blocks}\n${DRIVER})`;
}
