;; A dense network's minibatch gradient in float32, on inputs kept sparse (compressed rows:
;; row starts, column indices, values; zeros skipped). MNIST's pixels are ~80% zeros and a ReLU
;; layer's outputs about half, so a product over the nonzeros does a fraction of a dense
;; product's work, and the nonzeros of every layer's input are what its weight gradient needs.
;; Addresses are byte offsets into the module's own memory; counts are entries.
;; - spmm: out[r, :] += a · b[k, :] over the nonzeros a = A[r, k], row r's at entries
;;   [begins[r], ends[r]) of index and value (transpose 0: a layer's
;;   forward product), or out[k, :] += a · b[r, :] (transpose 1: a weight gradient Aᵀ·G).
;;   Rows of `units` entries, 32 at a time with eight registers (transpose 0: out's row held over
;;   the row's nonzeros; transpose 1: b's row), then four at a time, the rest one by one; every
;;   entry of out gets its
;;   terms in the order of A's rows, then columns (spmmNarrow's transpose 0 in two chains).
;; - spmmNarrowBytes (added at build time by tools/wat_bytes.ts): spmmNarrow over inputs in bytes,
;;   u16 column indices and u8 codes into a table of 256 float32 values (the training images).
;; - compress: the compressed rows of a dense [rows, cols] matrix (its nonzeros, in order; row r
;;   at [starts[r], starts[r + 1])).
;; - fillRows, sumRows, transpose, relu, scale, backMask: the layers' element-wise parts.
;; - dropoutMask: a dropout's multiplier from Alea's state (seedrandom's generator, as
;;   tf.randomUniform draws it), bit for bit the JavaScript loop of `dropoutMask`.
;; Build: `deno task wasm` writes problems/_dense_kernels_wasm.ts from this file.
(module
  (memory (export "memory") 1)

  (func (export "spmm") (param $begins i32) (param $ends i32) (param $index i32) (param $value i32)
    (param $rows i32) (param $b i32) (param $units i32) (param $out i32) (param $transpose i32)
    (local $r i32) (local $j i32) (local $end i32) (local $k i32) (local $a f32) (local $A v128)
    (local $dst i32) (local $src i32) (local $c i32) (local $vec i32) (local $stride i32)
    (local $tiled i32) (local $t i32) (local $jj i32) (local $x0 v128) (local $x1 v128)
    (local $x2 v128) (local $x3 v128) (local $x4 v128) (local $x5 v128) (local $x6 v128)
    (local $x7 v128)
    (local.set $stride (i32.shl (local.get $units) (i32.const 2)))
    ;; $vec: the bytes done four entries at a time
    (local.set $vec (i32.shl (i32.and (local.get $units) (i32.const -4)) (i32.const 2)))
    ;; $tiled: the bytes of a row done 32 entries at a time with eight registers
    (local.set $tiled (i32.and (local.get $vec) (i32.const -128)))
    (block $doneR (loop $nextR
      (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $j (i32.load (i32.add (local.get $begins) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $end (i32.load (i32.add (local.get $ends) (i32.shl (local.get $r) (i32.const 2)))))
      ;; A weight gradient: b's row r 32 entries at a time in eight registers, each term added
      ;; to out's row k in memory (the same sums in the same order).
      (if (local.get $transpose) (then
      (local.set $src (i32.add (local.get $b) (i32.mul (local.get $r) (local.get $stride))))
      (local.set $c (i32.const 0))
      (block $doneG (loop $nextG
        (br_if $doneG (i32.ge_u (local.get $c) (local.get $tiled)))
        (local.set $t (i32.add (local.get $src) (local.get $c)))
        (local.set $x0 (v128.load (local.get $t)))
        (local.set $x1 (v128.load offset=16 (local.get $t)))
        (local.set $x2 (v128.load offset=32 (local.get $t)))
        (local.set $x3 (v128.load offset=48 (local.get $t)))
        (local.set $x4 (v128.load offset=64 (local.get $t)))
        (local.set $x5 (v128.load offset=80 (local.get $t)))
        (local.set $x6 (v128.load offset=96 (local.get $t)))
        (local.set $x7 (v128.load offset=112 (local.get $t)))
        (local.set $jj (local.get $j))
        (block $doneK (loop $nextK
          (br_if $doneK (i32.ge_u (local.get $jj) (local.get $end)))
          (local.set $A (v128.load32_splat (i32.add (local.get $value) (i32.shl (local.get $jj) (i32.const 2)))))
          (local.set $t (i32.add (i32.add (local.get $out) (local.get $c))
            (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $jj) (i32.const 2))))
              (local.get $stride))))
          (v128.store (local.get $t) (f32x4.add (v128.load (local.get $t)) (f32x4.mul (local.get $A) (local.get $x0))))
          (v128.store offset=16 (local.get $t) (f32x4.add (v128.load offset=16 (local.get $t)) (f32x4.mul (local.get $A) (local.get $x1))))
          (v128.store offset=32 (local.get $t) (f32x4.add (v128.load offset=32 (local.get $t)) (f32x4.mul (local.get $A) (local.get $x2))))
          (v128.store offset=48 (local.get $t) (f32x4.add (v128.load offset=48 (local.get $t)) (f32x4.mul (local.get $A) (local.get $x3))))
          (v128.store offset=64 (local.get $t) (f32x4.add (v128.load offset=64 (local.get $t)) (f32x4.mul (local.get $A) (local.get $x4))))
          (v128.store offset=80 (local.get $t) (f32x4.add (v128.load offset=80 (local.get $t)) (f32x4.mul (local.get $A) (local.get $x5))))
          (v128.store offset=96 (local.get $t) (f32x4.add (v128.load offset=96 (local.get $t)) (f32x4.mul (local.get $A) (local.get $x6))))
          (v128.store offset=112 (local.get $t) (f32x4.add (v128.load offset=112 (local.get $t)) (f32x4.mul (local.get $A) (local.get $x7))))
          (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
          (br $nextK)))
        (local.set $c (i32.add (local.get $c) (i32.const 128)))
        (br $nextG)))))
      ;; Forward: out's row 32 entries at a time, held in eight registers over the row's
      ;; nonzeros (the same sums in the same order as adding each term in memory).
      (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $stride))))
      (local.set $c (i32.const 0))
      (if (local.get $transpose) (then (local.set $c (local.get $tiled))))
      (block $doneT (loop $nextT
        (br_if $doneT (i32.ge_u (local.get $c) (local.get $tiled)))
        (local.set $t (i32.add (local.get $dst) (local.get $c)))
        (local.set $x0 (v128.load (local.get $t)))
        (local.set $x1 (v128.load offset=16 (local.get $t)))
        (local.set $x2 (v128.load offset=32 (local.get $t)))
        (local.set $x3 (v128.load offset=48 (local.get $t)))
        (local.set $x4 (v128.load offset=64 (local.get $t)))
        (local.set $x5 (v128.load offset=80 (local.get $t)))
        (local.set $x6 (v128.load offset=96 (local.get $t)))
        (local.set $x7 (v128.load offset=112 (local.get $t)))
        (local.set $jj (local.get $j))
        (block $doneK (loop $nextK
          (br_if $doneK (i32.ge_u (local.get $jj) (local.get $end)))
          (local.set $A (v128.load32_splat (i32.add (local.get $value) (i32.shl (local.get $jj) (i32.const 2)))))
          (local.set $src (i32.add (i32.add (local.get $b) (local.get $c))
            (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $jj) (i32.const 2))))
              (local.get $stride))))
          (local.set $x0 (f32x4.add (local.get $x0) (f32x4.mul (local.get $A) (v128.load (local.get $src)))))
          (local.set $x1 (f32x4.add (local.get $x1) (f32x4.mul (local.get $A) (v128.load offset=16 (local.get $src)))))
          (local.set $x2 (f32x4.add (local.get $x2) (f32x4.mul (local.get $A) (v128.load offset=32 (local.get $src)))))
          (local.set $x3 (f32x4.add (local.get $x3) (f32x4.mul (local.get $A) (v128.load offset=48 (local.get $src)))))
          (local.set $x4 (f32x4.add (local.get $x4) (f32x4.mul (local.get $A) (v128.load offset=64 (local.get $src)))))
          (local.set $x5 (f32x4.add (local.get $x5) (f32x4.mul (local.get $A) (v128.load offset=80 (local.get $src)))))
          (local.set $x6 (f32x4.add (local.get $x6) (f32x4.mul (local.get $A) (v128.load offset=96 (local.get $src)))))
          (local.set $x7 (f32x4.add (local.get $x7) (f32x4.mul (local.get $A) (v128.load offset=112 (local.get $src)))))
          (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
          (br $nextK)))
        (v128.store (local.get $t) (local.get $x0))
        (v128.store offset=16 (local.get $t) (local.get $x1))
        (v128.store offset=32 (local.get $t) (local.get $x2))
        (v128.store offset=48 (local.get $t) (local.get $x3))
        (v128.store offset=64 (local.get $t) (local.get $x4))
        (v128.store offset=80 (local.get $t) (local.get $x5))
        (v128.store offset=96 (local.get $t) (local.get $x6))
        (v128.store offset=112 (local.get $t) (local.get $x7))
        (local.set $c (i32.add (local.get $c) (i32.const 128)))
        (br $nextT)))
      (block $doneJ (loop $nextJ
        (br_if $doneJ (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $k (i32.load (i32.add (local.get $index) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $a (f32.load (i32.add (local.get $value) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $A (f32x4.splat (local.get $a)))
        (if (local.get $transpose)
          (then
            (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $k) (local.get $stride))))
            (local.set $src (i32.add (local.get $b) (i32.mul (local.get $r) (local.get $stride)))))
          (else
            (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $stride))))
            (local.set $src (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $stride))))))
        (local.set $c (local.get $tiled))
        (block $doneV (loop $nextV
          (br_if $doneV (i32.ge_u (local.get $c) (local.get $vec)))
          (v128.store (i32.add (local.get $dst) (local.get $c))
            (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $c)))
              (f32x4.mul (local.get $A) (v128.load (i32.add (local.get $src) (local.get $c))))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br $nextV)))
        (block $doneS (loop $nextS
          (br_if $doneS (i32.ge_u (local.get $c) (local.get $stride)))
          (f32.store (i32.add (local.get $dst) (local.get $c))
            (f32.add (f32.load (i32.add (local.get $dst) (local.get $c)))
              (f32.mul (local.get $a) (f32.load (i32.add (local.get $src) (local.get $c))))))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $nextS)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $nextJ)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $nextR))))

  ;; spmm for rows of at most 12 entries, the row in three registers. transpose 0 sums a row's
  ;; terms in registers, its even-numbered nonzeros and its odd ones in two chains that run side
  ;; by side, then adds them to out's row (out[r, c] + (Σ even + Σ odd)); transpose 1 adds each
  ;; term to out's row in memory, for rows of 10 (MNIST's classes) with no call per term. Loads read whole vectors (past a row's end: the lanes
  ;; beyond `units` are never stored); stores write `units` entries exactly.
  (func (export "spmmNarrow") (param $begins i32) (param $ends i32) (param $index i32)
    (param $value i32) (param $rows i32) (param $b i32) (param $units i32) (param $out i32)
    (param $transpose i32)
    (local $r i32) (local $j i32) (local $end i32) (local $A v128) (local $stride i32)
    (local $src i32) (local $dst i32) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128)
    (local $B v128) (local $src2 i32) (local $at i32) (local $bcc0 v128) (local $bcc1 v128)
    (local $bcc2 v128) (local $tail i32)
    (local.set $stride (i32.shl (local.get $units) (i32.const 2)))
    (block $doneR (loop $nextR
      (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $j (i32.load (i32.add (local.get $begins) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $end (i32.load (i32.add (local.get $ends) (i32.shl (local.get $r) (i32.const 2)))))
      (if (local.get $transpose)
        (then
          ;; the gradient's row r, in registers
          (local.set $src (i32.add (local.get $b) (i32.mul (local.get $r) (local.get $stride))))
          (local.set $acc0 (v128.load (local.get $src)))
          (local.set $acc1 (v128.load offset=16 (local.get $src)))
          (local.set $acc2 (v128.load offset=32 (local.get $src)))
          ;; rows of 9 to 12 entries (MNIST's 10 classes): two whole vectors and the rest
          (if (i32.eq (local.get $units) (i32.const 10)) (then
          (local.set $tail (i32.sub (local.get $units) (i32.const 8)))
          (block $doneJ (loop $nextJ
            (br_if $doneJ (i32.ge_u (local.get $j) (local.get $end)))
            (local.set $A (v128.load32_splat (i32.add (local.get $value) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $dst (i32.add (local.get $out)
              (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $j) (i32.const 2))))
                (local.get $stride))))
            (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (f32x4.mul (local.get $A) (local.get $acc0))))
            (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (f32x4.mul (local.get $A) (local.get $acc1))))
            (v128.store64_lane offset=32 0 (local.get $dst) (f32x4.add (v128.load64_zero offset=32 (local.get $dst)) (f32x4.mul (local.get $A) (local.get $acc2))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $nextJ)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $nextR)))
          (block $doneJ (loop $nextJ
            (br_if $doneJ (i32.ge_u (local.get $j) (local.get $end)))
            (local.set $A (v128.load32_splat (i32.add (local.get $value) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $dst (i32.add (local.get $out)
              (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $j) (i32.const 2))))
                (local.get $stride))))
            (call $addInto (local.get $dst) (f32x4.mul (local.get $A) (local.get $acc0))
              (f32x4.mul (local.get $A) (local.get $acc1)) (f32x4.mul (local.get $A) (local.get $acc2))
              (local.get $units))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $nextJ))))
        (else
          (local.set $acc0 (v128.const i32x4 0 0 0 0))
          (local.set $acc1 (v128.const i32x4 0 0 0 0))
          (local.set $acc2 (v128.const i32x4 0 0 0 0))
          (local.set $bcc0 (v128.const i32x4 0 0 0 0))
          (local.set $bcc1 (v128.const i32x4 0 0 0 0))
          (local.set $bcc2 (v128.const i32x4 0 0 0 0))
          ;; two nonzeros a step, even ones into acc, odd ones into bcc (two independent chains)
          (block $doneJ (loop $nextJ
            (br_if $doneJ (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $end)))
            (local.set $at (i32.shl (local.get $j) (i32.const 2)))
            (local.set $A (v128.load32_splat (i32.add (local.get $value) (local.get $at))))
            (local.set $B (v128.load32_splat offset=4 (i32.add (local.get $value) (local.get $at))))
            (local.set $src (i32.add (local.get $b)
              (i32.mul (i32.load (i32.add (local.get $index) (local.get $at))) (local.get $stride))))
            (local.set $src2 (i32.add (local.get $b)
              (i32.mul (i32.load offset=4 (i32.add (local.get $index) (local.get $at))) (local.get $stride))))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $A) (v128.load (local.get $src)))))
            (local.set $bcc0 (f32x4.add (local.get $bcc0) (f32x4.mul (local.get $B) (v128.load (local.get $src2)))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $A) (v128.load offset=16 (local.get $src)))))
            (local.set $bcc1 (f32x4.add (local.get $bcc1) (f32x4.mul (local.get $B) (v128.load offset=16 (local.get $src2)))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $A) (v128.load offset=32 (local.get $src)))))
            (local.set $bcc2 (f32x4.add (local.get $bcc2) (f32x4.mul (local.get $B) (v128.load offset=32 (local.get $src2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $nextJ)))
          (if (i32.lt_u (local.get $j) (local.get $end))
            (then
              (local.set $A (v128.load32_splat (i32.add (local.get $value) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $src (i32.add (local.get $b)
                (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $j) (i32.const 2))))
                  (local.get $stride))))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $A) (v128.load (local.get $src)))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $A) (v128.load offset=16 (local.get $src)))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $A) (v128.load offset=32 (local.get $src)))))))
          (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $bcc0)))
          (local.set $acc1 (f32x4.add (local.get $acc1) (local.get $bcc1)))
          (local.set $acc2 (f32x4.add (local.get $acc2) (local.get $bcc2)))
          (call $addInto (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $stride)))
            (local.get $acc0) (local.get $acc1) (local.get $acc2) (local.get $units))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $nextR))))

  ;; dst[c] += (x0 ‖ x1 ‖ x2)[c] for c < units (at most 12), whole vectors where they fit
  (func $addInto (param $dst i32) (param $x0 v128) (param $x1 v128) (param $x2 v128)
    (param $n i32)
    (local $x v128)
    (local.set $x (local.get $x0))
    (if (i32.ge_u (local.get $n) (i32.const 4))
      (then
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $x0)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (local.set $x (local.get $x1))
        (if (i32.ge_u (local.get $n) (i32.const 4))
          (then
            (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $x1)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
            (local.set $x (local.get $x2))
            (if (i32.ge_u (local.get $n) (i32.const 4))
              (then
                (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $x2)))
                (local.set $n (i32.sub (local.get $n) (i32.const 4)))))))))
    (if (i32.and (local.get $n) (i32.const 2))
      (then
        (v128.store64_lane 0 (local.get $dst)
          (f32x4.add (v128.load64_zero (local.get $dst)) (local.get $x)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (local.set $x
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (v128.store32_lane 0 (local.get $dst)
          (f32x4.add (v128.load32_zero (local.get $dst)) (local.get $x))))))

  ;; The compressed rows of x [rows, cols]; returns the number of nonzeros.
  (func (export "compress") (param $x i32) (param $rows i32) (param $cols i32)
    (param $starts i32) (param $index i32) (param $value i32) (result i32)
    (local $r i32) (local $k i32) (local $n i32) (local $v f32)
    (block $doneR (loop $nextR
      (i32.store (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2))) (local.get $n))
      (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $k (i32.const 0))
      (block $doneK (loop $nextK
        (br_if $doneK (i32.ge_u (local.get $k) (local.get $cols)))
        (local.set $v (f32.load (local.get $x)))
        (if (f32.ne (local.get $v) (f32.const 0))
          (then
            (i32.store (i32.add (local.get $index) (i32.shl (local.get $n) (i32.const 2)))
              (local.get $k))
            (f32.store (i32.add (local.get $value) (i32.shl (local.get $n) (i32.const 2)))
              (local.get $v))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $nextK)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $nextR)))
    (local.get $n))

  ;; out[r, :] = row, for every r < rows
  (func (export "fillRows") (param $out i32) (param $row i32) (param $rows i32) (param $units i32)
    (local $r i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $units) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (memory.copy (local.get $out) (local.get $row) (local.get $bytes))
      (local.set $out (i32.add (local.get $out) (local.get $bytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $next))))

  ;; out[c] = Σ_r x[r, c], summed from +0 in row order
  (func (export "sumRows") (param $x i32) (param $rows i32) (param $units i32) (param $out i32)
    (local $r i32) (local $c i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $units) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $bytes))
    (block $doneR (loop $nextR
      (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $doneC (loop $nextC
        (br_if $doneC (i32.ge_u (local.get $c) (local.get $bytes)))
        (f32.store (i32.add (local.get $out) (local.get $c))
          (f32.add (f32.load (i32.add (local.get $out) (local.get $c)))
            (f32.load (i32.add (local.get $x) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $nextC)))
      (local.set $x (i32.add (local.get $x) (local.get $bytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $nextR))))

  ;; out[c, r] = x[r, c] for x [rows, cols]
  (func (export "transpose") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $r i32) (local $c i32)
    (block $doneR (loop $nextR
      (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $doneC (loop $nextC
        (br_if $doneC (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store
          (i32.add (local.get $out)
            (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
          (f32.load (local.get $x)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $nextC)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $nextR))))

  ;; x ← max(x, 0) (NaN stays NaN)
  (func (export "relu") (param $x i32) (param $n i32)
    (local $end i32) (local $v f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (f32.load (local.get $x)))
      (if (f32.lt (local.get $v) (f32.const 0)) (then (f32.store (local.get $x) (f32.const 0))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $next))))

  ;; x ← x · m, entry by entry (a dropout's multiplier)
  (func (export "scale") (param $x i32) (param $m i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (f32.store (local.get $x) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $m))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $m (i32.add (local.get $m) (i32.const 4)))
      (br $next))))

  ;; The gradient through ReLU (relu 1) and a dropout multiplier m (hasMask 1), given the
  ;; layer's output h (after both): dh ← 0 where relu and h ≤ 0, else dh · m.
  (func (export "backMask") (param $dh i32) (param $h i32) (param $m i32) (param $n i32)
    (param $relu i32) (param $hasMask i32)
    (local $end i32) (local $v f32)
    (local.set $end (i32.add (local.get $dh) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $dh) (local.get $end)))
      (local.set $v (f32.load (local.get $dh)))
      (if (local.get $hasMask)
        (then (local.set $v (f32.mul (local.get $v) (f32.load (local.get $m))))))
      (if (i32.and (local.get $relu) (i32.eqz (f32.gt (f32.load (local.get $h)) (f32.const 0))))
        (then (local.set $v (f32.const 0))))
      (f32.store (local.get $dh) (local.get $v))
      (local.set $dh (i32.add (local.get $dh) (i32.const 4)))
      (local.set $h (i32.add (local.get $h) (i32.const 4)))
      (local.set $m (i32.add (local.get $m) (i32.const 4)))
      (br $next))))

  ;; out[i] = scale where f32(f32(uᵢ) + keep) ≥ 1, else 0, for the Alea draws uᵢ from the state
  ;; (s0, s1, s2, c): t = 2091639·s0 + c·2⁻³², then s0 ← s1, s1 ← s2, c ← t | 0, s2 ← t − c = uᵢ
  (func (export "dropoutMask") (param $out i32) (param $n i32) (param $s0 f64) (param $s1 f64)
    (param $s2 f64) (param $c f64) (param $keep f32) (param $scale f32)
    (local $end i32) (local $t f64)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (local.set $t
        (f64.add (f64.mul (f64.const 2091639) (local.get $s0))
          (f64.mul (local.get $c) (f64.const 2.3283064365386963e-10))))
      (local.set $s0 (local.get $s1))
      (local.set $s1 (local.get $s2))
      (local.set $c (f64.convert_i32_s (i32.trunc_f64_s (local.get $t))))
      (local.set $s2 (f64.sub (local.get $t) (local.get $c)))
      (f32.store (local.get $out)
        (select (local.get $scale) (f32.const 0)
          (f32.ge (f32.add (f32.demote_f64 (local.get $s2)) (local.get $keep)) (f32.const 1))))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $next))))
)
