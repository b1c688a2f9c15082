;; gossim's vector kernels: the algorithms' hot loops over float64 vectors, two entries per
;; instruction (f64x2). Every result is bit-identical to the JavaScript loop it replaces: the
;; same IEEE operations in the same order, no fused multiply-add. Vectors are byte offsets into
;; the imported memory; n counts the entries handled (even: the caller does an odd tail).
;; Build: `deno task wasm` writes algorithms/_vector_kernels_wasm.ts from this file.
(module
  (import "env" "memory" (memory 1))

  ;; out = 0 + wa·a
  (func (export "sum1") (param $out i32) (param $a i32) (param $n i32) (param $wa f64)
    (local $i i32) (local $end i32) (local $WA v128)
    (local.set $WA (f64x2.splat (local.get $wa)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f64x2.add (v128.const f64x2 0 0)
          (f64x2.mul (local.get $WA) (v128.load (i32.add (local.get $a) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; out = (0 + wa·a) + wb·b
  (func (export "sum2") (param $out i32) (param $a i32) (param $b i32) (param $n i32)
    (param $wa f64) (param $wb f64)
    (local $i i32) (local $end i32) (local $WA v128) (local $WB v128)
    (local.set $WA (f64x2.splat (local.get $wa)))
    (local.set $WB (f64x2.splat (local.get $wb)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f64x2.add
          (f64x2.add (v128.const f64x2 0 0)
            (f64x2.mul (local.get $WA) (v128.load (i32.add (local.get $a) (local.get $i)))))
          (f64x2.mul (local.get $WB) (v128.load (i32.add (local.get $b) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; out = ((0 + wa·a) + wb·b) + wc·c
  (func (export "sum3") (param $out i32) (param $a i32) (param $b i32) (param $c i32)
    (param $n i32) (param $wa f64) (param $wb f64) (param $wc f64)
    (local $i i32) (local $end i32) (local $WA v128) (local $WB v128) (local $WC v128)
    (local.set $WA (f64x2.splat (local.get $wa)))
    (local.set $WB (f64x2.splat (local.get $wb)))
    (local.set $WC (f64x2.splat (local.get $wc)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f64x2.add
          (f64x2.add
            (f64x2.add (v128.const f64x2 0 0)
              (f64x2.mul (local.get $WA) (v128.load (i32.add (local.get $a) (local.get $i)))))
            (f64x2.mul (local.get $WB) (v128.load (i32.add (local.get $b) (local.get $i)))))
          (f64x2.mul (local.get $WC) (v128.load (i32.add (local.get $c) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; out += w·a
  (func (export "addScaled") (param $out i32) (param $a i32) (param $n i32) (param $w f64)
    (local $i i32) (local $end i32) (local $W v128) (local $at i32)
    (local.set $W (f64x2.splat (local.get $w)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $at (i32.add (local.get $out) (local.get $i)))
      (v128.store (local.get $at)
        (f64x2.add (v128.load (local.get $at))
          (f64x2.mul (local.get $W) (v128.load (i32.add (local.get $a) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; 1 when every |x_k| <= bound (NaN fails), else 0
  (func (export "withinBound") (param $x i32) (param $n i32) (param $bound f64) (result i32)
    (local $i i32) (local $end i32) (local $B v128)
    (local.set $B (f64x2.splat (local.get $bound)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (if (i32.eqz (i64x2.all_true
            (f64x2.le (f64x2.abs (v128.load (i32.add (local.get $x) (local.get $i))))
              (local.get $B))))
        (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    (i32.const 1))

  ;; AMSGrad's fused local step: m ← β1·m + (1−β1)·g; previous ← v̂;
  ;; v ← β2·v + (1−β2)·g·g; v̂ ← v where v > v̂
  (func (export "amsgradStep") (param $m i32) (param $v i32) (param $vhat i32)
    (param $previous i32) (param $g i32) (param $n i32) (param $beta1 f64) (param $beta2 f64)
    (local $i i32) (local $end i32) (local $B1 v128) (local $C1 v128) (local $B2 v128)
    (local $C2 v128) (local $gk v128) (local $old v128) (local $vk v128)
    (local.set $B1 (f64x2.splat (local.get $beta1)))
    (local.set $C1 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta1))))
    (local.set $B2 (f64x2.splat (local.get $beta2)))
    (local.set $C2 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta2))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $gk (v128.load (i32.add (local.get $g) (local.get $i))))
      (v128.store (i32.add (local.get $m) (local.get $i))
        (f64x2.add
          (f64x2.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f64x2.mul (local.get $C1) (local.get $gk))))
      (local.set $old (v128.load (i32.add (local.get $vhat) (local.get $i))))
      (v128.store (i32.add (local.get $previous) (local.get $i)) (local.get $old))
      (local.set $vk
        (f64x2.add
          (f64x2.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f64x2.mul (f64x2.mul (local.get $C2) (local.get $gk)) (local.get $gk))))
      (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vk))
      (v128.store (i32.add (local.get $vhat) (local.get $i))
        (v128.bitselect (local.get $vk) (local.get $old)
          (f64x2.gt (local.get $vk) (local.get $old))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; The adaptive framework's mix: u ← max(ũ_mixed, ε); x ← x_mixed − α·m/√u;
  ;; ũ ← (ũ_mixed − v̂_previous) + v̂
  (func (export "adaptiveMix") (param $x i32) (param $u i32) (param $utilde i32)
    (param $mixedX i32) (param $mixedU i32) (param $m i32) (param $previous i32)
    (param $vhat i32) (param $n i32) (param $alpha f64) (param $epsilon f64)
    (local $i i32) (local $end i32) (local $A v128) (local $E v128) (local $mu v128)
    (local $uk v128)
    (local.set $A (f64x2.splat (local.get $alpha)))
    (local.set $E (f64x2.splat (local.get $epsilon)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $mu (v128.load (i32.add (local.get $mixedU) (local.get $i))))
      (local.set $uk (f64x2.max (local.get $mu) (local.get $E)))
      (v128.store (i32.add (local.get $u) (local.get $i)) (local.get $uk))
      (v128.store (i32.add (local.get $x) (local.get $i))
        (f64x2.sub (v128.load (i32.add (local.get $mixedX) (local.get $i)))
          (f64x2.div
            (f64x2.mul (local.get $A) (v128.load (i32.add (local.get $m) (local.get $i))))
            (f64x2.sqrt (local.get $uk)))))
      (v128.store (i32.add (local.get $utilde) (local.get $i))
        (f64x2.add
          (f64x2.sub (local.get $mu) (v128.load (i32.add (local.get $previous) (local.get $i))))
          (v128.load (i32.add (local.get $vhat) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))
  ;; out ← out − w·a
  (func (export "subtractScaled") (param $out i32) (param $a i32) (param $n i32) (param $w f64)
    (local $i i32) (local $end i32) (local $W v128) (local $at i32)
    (local.set $W (f64x2.splat (local.get $w)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $at (i32.add (local.get $out) (local.get $i)))
      (v128.store (local.get $at)
        (f64x2.sub (v128.load (local.get $at))
          (f64x2.mul (local.get $W) (v128.load (i32.add (local.get $a) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; A local-AMSGrad client step (Fed-AMS, FED-LAMB): m ← β1·m + (1−β1)·g;
  ;; v ← β2·v + (1−β2)·g·g; local ← v·c2 (mode 0), v (mode 1) or
  ;; max(v_start, (v − β2^t·v_start)·c2) (mode 2); v̂ ← local where keepMax and local > v̂;
  ;; p ← m·c1 / (√v̂ + ε); θ ← θ − α·p when fused.
  (func (export "localAmsStep") (param $m i32) (param $v i32) (param $vhat i32)
    (param $vStart i32) (param $p i32) (param $theta i32) (param $g i32) (param $n i32)
    (param $beta1 f64) (param $beta2 f64) (param $correct1 f64) (param $correct2 f64)
    (param $decay2 f64) (param $epsilon f64) (param $alpha f64) (param $mode i32)
    (param $keepMax i32) (param $fused i32)
    (local $i i32) (local $end i32) (local $B1 v128) (local $C1 v128) (local $B2 v128)
    (local $C2 v128) (local $K1 v128) (local $K2 v128) (local $D2 v128) (local $E v128)
    (local $A v128) (local $keep v128) (local $gk v128) (local $mk v128) (local $vk v128)
    (local $local v128) (local $vh v128) (local $pk v128) (local $start v128) (local $at i32)
    (local.set $B1 (f64x2.splat (local.get $beta1)))
    (local.set $C1 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta1))))
    (local.set $B2 (f64x2.splat (local.get $beta2)))
    (local.set $C2 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta2))))
    (local.set $K1 (f64x2.splat (local.get $correct1)))
    (local.set $K2 (f64x2.splat (local.get $correct2)))
    (local.set $D2 (f64x2.splat (local.get $decay2)))
    (local.set $E (f64x2.splat (local.get $epsilon)))
    (local.set $A (f64x2.splat (local.get $alpha)))
    (local.set $keep (i64x2.splat (i64.extend_i32_s (i32.sub (i32.const 0)
      (i32.ne (local.get $keepMax) (i32.const 0))))))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $gk (v128.load (i32.add (local.get $g) (local.get $i))))
      (local.set $mk
        (f64x2.add
          (f64x2.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f64x2.mul (local.get $C1) (local.get $gk))))
      (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mk))
      (local.set $vk
        (f64x2.add
          (f64x2.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f64x2.mul (f64x2.mul (local.get $C2) (local.get $gk)) (local.get $gk))))
      (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vk))
      (if (i32.eqz (local.get $mode))
        (then (local.set $local (f64x2.mul (local.get $vk) (local.get $K2))))
        (else
          (if (i32.eq (local.get $mode) (i32.const 1))
            (then (local.set $local (local.get $vk)))
            (else
              (local.set $start (v128.load (i32.add (local.get $vStart) (local.get $i))))
              (local.set $local
                (f64x2.max (local.get $start)
                  (f64x2.mul
                    (f64x2.sub (local.get $vk) (f64x2.mul (local.get $D2) (local.get $start)))
                    (local.get $K2))))))))
      (local.set $at (i32.add (local.get $vhat) (local.get $i)))
      (local.set $vh (v128.load (local.get $at)))
      (local.set $vh
        (v128.bitselect (local.get $local) (local.get $vh)
          (v128.and (local.get $keep) (f64x2.gt (local.get $local) (local.get $vh)))))
      (v128.store (local.get $at) (local.get $vh))
      (local.set $pk
        (f64x2.div (f64x2.mul (local.get $mk) (local.get $K1))
          (f64x2.add (f64x2.sqrt (local.get $vh)) (local.get $E))))
      (v128.store (i32.add (local.get $p) (local.get $i)) (local.get $pk))
      (if (local.get $fused)
        (then
          (local.set $at (i32.add (local.get $theta) (local.get $i)))
          (v128.store (local.get $at)
            (f64x2.sub (v128.load (local.get $at)) (f64x2.mul (local.get $A) (local.get $pk))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))
)
