;; storyloom's CPU kernel: y[b][r] += dot(w[r], x[b]) with 128-bit SIMD.
;; w is rows x k, x is batch x k, y is batch x rows; float32, row-major; all
;; arguments are byte offsets into the imported memory. Each weight row is read
;; once and used for every stream of the batch while it sits in L1.
(module
  (import "env" "memory" (memory 1))
  (func $dot (param $wp i32) (param $xp i32) (param $k i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $end16 i32) (local $end4 i32) (local $end i32) (local $s f32)
    (local.set $end16 (i32.add (local.get $wp) (i32.shl (i32.and (local.get $k) (i32.const -16)) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $wp) (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $wp) (i32.shl (local.get $k) (i32.const 2))))
    (block $done16 (loop $loop16
      (br_if $done16 (i32.ge_u (local.get $wp) (local.get $end16)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $wp)) (v128.load (local.get $xp)))))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $wp)) (v128.load offset=16 (local.get $xp)))))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $wp)) (v128.load offset=32 (local.get $xp)))))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $wp)) (v128.load offset=48 (local.get $xp)))))
      (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
      (local.set $xp (i32.add (local.get $xp) (i32.const 64)))
      (br $loop16)))
    (block $done4 (loop $loop4
      (br_if $done4 (i32.ge_u (local.get $wp) (local.get $end4)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $wp)) (v128.load (local.get $xp)))))
      (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
      (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
      (br $loop4)))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
    (block $done1 (loop $loop1
      (br_if $done1 (i32.ge_u (local.get $wp) (local.get $end)))
      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $wp)) (f32.load (local.get $xp)))))
      (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
      (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
      (br $loop1)))
    (local.get $s))
  (func (export "gemm_acc") (param $w i32) (param $x i32) (param $y i32) (param $rows i32) (param $k i32) (param $batch i32)
    (local $r i32) (local $b i32) (local $wr i32) (local $yp i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $wr (local.get $w))
    (block $rowsDone (loop $rowsLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $b (i32.const 0))
      (block $bDone (loop $bLoop
        (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $yp (i32.add (local.get $y)
          (i32.shl (i32.add (i32.mul (local.get $b) (local.get $rows)) (local.get $r)) (i32.const 2))))
        (f32.store (local.get $yp) (f32.add (f32.load (local.get $yp))
          (call $dot (local.get $wr)
            (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $rowBytes)))
            (local.get $k))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bLoop)))
      (local.set $wr (i32.add (local.get $wr) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsLoop)))))
