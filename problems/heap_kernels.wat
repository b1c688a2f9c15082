;; Kernels on tfjs-backend-wasm's own heap (float32), four channels at a time; addresses are
;; byte offsets into the imported memory.
;; - maxPoolGrad: dx of a 2-D max pooling (NHWC): for every window, dy is added at the window's
;;   first maximal input (strict >, from −∞: NaN never wins), branch-free. Bit-identical to the
;;   JavaScript loop it replaces: the same comparisons, and each dx entry gets its additions in
;;   the same order (an f32 add equals the f64 add rounded to f32).
;; - sumRows, addRow: a bias's gradient (the sum of [rows, channels] over rows) and the bias add
;;   (a row added to every row), bit-identical to tfjs-backend-wasm's Sum (each output summed
;;   from +0 in row order) and Add.
;; Build: `deno task wasm` writes problems/_heap_kernels_wasm.ts from this file.
(module
  (import "env" "memory" (memory 1))

  (func (export "maxPoolGrad") (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $ch i32) (param $outH i32)
    (param $outW i32) (param $sH i32) (param $sW i32) (param $fH i32) (param $fW i32)
    (param $top i32) (param $left i32)
    (local $b i32) (local $r i32) (local $c i32) (local $r0 i32) (local $r1 i32) (local $c0 i32)
    (local $c1 i32) (local $i i32) (local $j i32) (local $k i32) (local $at i32) (local $base i32)
    (local $v v128) (local $best v128) (local $where v128) (local $mask v128)
    (local $s f32) (local $sbest f32) (local $swhere i32)
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.shl
        (i32.mul (i32.mul (local.get $batch) (local.get $inH)) (i32.mul (local.get $inW) (local.get $ch)))
        (i32.const 2)))
    ;; $at: the dy entry (element index) of window (b, r, c), channel 0
    (local.set $b (i32.const 0))
    (block $doneB (loop $nextB
      (br_if $doneB (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $r (i32.const 0))
      (block $doneR (loop $nextR
        (br_if $doneR (i32.ge_s (local.get $r) (local.get $outH)))
        (local.set $r0 (i32.sub (i32.mul (local.get $r) (local.get $sH)) (local.get $top)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $fH)))
        (if (i32.lt_s (local.get $r0) (i32.const 0)) (then (local.set $r0 (i32.const 0))))
        (if (i32.gt_s (local.get $r1) (local.get $inH)) (then (local.set $r1 (local.get $inH))))
        (local.set $c (i32.const 0))
        (block $doneC (loop $nextC
          (br_if $doneC (i32.ge_s (local.get $c) (local.get $outW)))
          (local.set $c0 (i32.sub (i32.mul (local.get $c) (local.get $sW)) (local.get $left)))
          (local.set $c1 (i32.add (local.get $c0) (local.get $fW)))
          (if (i32.lt_s (local.get $c0) (i32.const 0)) (then (local.set $c0 (i32.const 0))))
          (if (i32.gt_s (local.get $c1) (local.get $inW)) (then (local.set $c1 (local.get $inW))))
          ;; four channels at a time
          (local.set $k (i32.const 0))
          (block $doneK (loop $nextK
            (br_if $doneK (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $ch)))
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $where (i32x4.splat (i32.const -1)))
            (local.set $i (local.get $r0))
            (block $doneI (loop $nextI
              (br_if $doneI (i32.ge_s (local.get $i) (local.get $r1)))
              (local.set $j (local.get $c0))
              (block $doneJ (loop $nextJ
                (br_if $doneJ (i32.ge_s (local.get $j) (local.get $c1)))
                ;; element index of x[b, i, j, k]
                (local.set $base
                  (i32.add
                    (i32.mul
                      (i32.add
                        (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $i))
                          (local.get $inW))
                        (local.get $j))
                      (local.get $ch))
                    (local.get $k)))
                (local.set $v
                  (v128.load (i32.add (local.get $x) (i32.shl (local.get $base) (i32.const 2)))))
                (local.set $mask (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $mask)))
                (local.set $where
                  (v128.bitselect
                    (i32x4.add (i32x4.splat (local.get $base)) (v128.const i32x4 0 1 2 3))
                    (local.get $where)
                    (local.get $mask)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $nextJ)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $nextI)))
            (call $scatter (local.get $dx) (local.get $dy) (i32x4.extract_lane 0 (local.get $where))
              (i32.add (local.get $at) (local.get $k)))
            (call $scatter (local.get $dx) (local.get $dy) (i32x4.extract_lane 1 (local.get $where))
              (i32.add (local.get $at) (i32.add (local.get $k) (i32.const 1))))
            (call $scatter (local.get $dx) (local.get $dy) (i32x4.extract_lane 2 (local.get $where))
              (i32.add (local.get $at) (i32.add (local.get $k) (i32.const 2))))
            (call $scatter (local.get $dx) (local.get $dy) (i32x4.extract_lane 3 (local.get $where))
              (i32.add (local.get $at) (i32.add (local.get $k) (i32.const 3))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $nextK)))
          ;; the remaining channels one at a time
          (block $doneT (loop $nextT
            (br_if $doneT (i32.ge_s (local.get $k) (local.get $ch)))
            (local.set $sbest (f32.const -inf))
            (local.set $swhere (i32.const -1))
            (local.set $i (local.get $r0))
            (block $doneI2 (loop $nextI2
              (br_if $doneI2 (i32.ge_s (local.get $i) (local.get $r1)))
              (local.set $j (local.get $c0))
              (block $doneJ2 (loop $nextJ2
                (br_if $doneJ2 (i32.ge_s (local.get $j) (local.get $c1)))
                (local.set $base
                  (i32.add
                    (i32.mul
                      (i32.add
                        (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $i))
                          (local.get $inW))
                        (local.get $j))
                      (local.get $ch))
                    (local.get $k)))
                (local.set $s
                  (f32.load (i32.add (local.get $x) (i32.shl (local.get $base) (i32.const 2)))))
                (if (f32.gt (local.get $s) (local.get $sbest))
                  (then (local.set $sbest (local.get $s)) (local.set $swhere (local.get $base))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $nextJ2)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $nextI2)))
            (call $scatter (local.get $dx) (local.get $dy) (local.get $swhere)
              (i32.add (local.get $at) (local.get $k)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $nextT)))
          (local.set $at (i32.add (local.get $at) (local.get $ch)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $nextC)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextR)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $nextB))))

  ;; dx[where] += dy[at] when where ≥ 0 (element indices)
  (func $scatter (param $dx i32) (param $dy i32) (param $where i32) (param $at i32)
    (local $address i32)
    (if (i32.ge_s (local.get $where) (i32.const 0))
      (then
        (local.set $address (i32.add (local.get $dx) (i32.shl (local.get $where) (i32.const 2))))
        (f32.store (local.get $address)
          (f32.add (f32.load (local.get $address))
            (f32.load (i32.add (local.get $dy) (i32.shl (local.get $at) (i32.const 2)))))))))

  ;; out[c] = ((0 + x[0, c]) + x[1, c]) + … over `rows` rows of `cols` float32
  (func (export "sumRows") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $c i32) (local $r i32) (local $at i32) (local $stride i32) (local $acc v128)
    (local $sacc f32)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (block $doneC (loop $nextC
      (br_if $doneC (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $at (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $doneR (loop $nextR
        (br_if $doneR (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextR)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
        (local.get $acc))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $nextC)))
    (block $doneT (loop $nextT
      (br_if $doneT (i32.ge_s (local.get $c) (local.get $cols)))
      (local.set $sacc (f32.const 0))
      (local.set $at (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $doneR2 (loop $nextR2
        (br_if $doneR2 (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $sacc (f32.add (local.get $sacc) (f32.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextR2)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
        (local.get $sacc))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $nextT))))

  ;; out[r, c] = a[r, c] + row[c] over `rows` rows of `cols` float32 (`rowFirst`: row[c] + a[r, c])
  (func (export "addRow") (param $a i32) (param $row i32) (param $out i32) (param $rows i32)
    (param $cols i32) (param $rowFirst i32)
    (local $r i32) (local $c i32) (local $at i32) (local $v v128) (local $w v128)
    (local $sv f32) (local $sw f32)
    (local.set $at (i32.const 0))
    (block $doneR (loop $nextR
      (br_if $doneR (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $doneC (loop $nextC
        (br_if $doneC (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
        (local.set $v (v128.load (i32.add (local.get $a) (local.get $at))))
        (local.set $w (v128.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))
        (v128.store (i32.add (local.get $out) (local.get $at))
          (if (result v128) (local.get $rowFirst)
            (then (f32x4.add (local.get $w) (local.get $v)))
            (else (f32x4.add (local.get $v) (local.get $w)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $nextC)))
      (block $doneT (loop $nextT
        (br_if $doneT (i32.ge_s (local.get $c) (local.get $cols)))
        (local.set $sv (f32.load (i32.add (local.get $a) (local.get $at))))
        (local.set $sw (f32.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))
        (f32.store (i32.add (local.get $out) (local.get $at))
          (if (result f32) (local.get $rowFirst)
            (then (f32.add (local.get $sw) (local.get $sv)))
            (else (f32.add (local.get $sv) (local.get $sw)))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $nextT)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $nextR))))
)
