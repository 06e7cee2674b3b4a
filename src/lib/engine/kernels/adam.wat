;; Adam's update for one variable in a single pass, on the memory of TF.js's WASM backend (imported).
;; Every operation is float32 and runs in the order TF.js's Adam runs its kernels, so the results are the
;; same bits (f32x4 arithmetic is IEEE per lane). Pointers are byte offsets; n is the element count.
;;   m ← b1·m + a1·g;  v ← b2·v + a2·g²;  out ← w + ((m / c1) / (√(v / c2) + eps)) · negLr
;; Returns Σ g² (for the gradient norm).
;; `scripts/build-kernels.mjs` compiles this into kernels/adam-wasm.ts; MEMORY is the memory import.
(module
  MEMORY
  (func (export "adam")
    (param $g i32) (param $w i32) (param $out i32) (param $m i32) (param $v i32) (param $n i32)
    (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32) (param $negLr f32) (param $c1 f32) (param $c2 f32) (param $eps f32)
    (result f32)
    (local $i i32) (local $end i32)
    (local $acc v128) (local $gk v128) (local $g2 v128) (local $mk v128) (local $vk v128)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128) (local $NL v128) (local $C1 v128) (local $C2 v128) (local $E v128)
    (local $sg f32) (local $sg2 f32) (local $sm f32) (local $sv f32) (local $sum f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $NL (f32x4.splat (local.get $negLr)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    ;; Four at a time.
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $simd
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gk (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $g2 (f32x4.mul (local.get $gk) (local.get $gk)))
        (local.set $acc (f32x4.add (local.get $acc) (local.get $g2)))
        (local.set $mk (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $B1))
          (f32x4.mul (local.get $gk) (local.get $A1))))
        (local.set $vk (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $B2))
          (f32x4.mul (local.get $g2) (local.get $A2))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mk))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vk))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mk) (local.get $C1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vk) (local.get $C2))) (local.get $E)))
              (local.get $NL))
            (v128.load (i32.add (local.get $w) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $simd)))
    (local.set $sum (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    ;; The last n mod 4, one at a time.
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $sg (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $sg2 (f32.mul (local.get $sg) (local.get $sg)))
        (local.set $sum (f32.add (local.get $sum) (local.get $sg2)))
        (local.set $sm (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
          (f32.mul (local.get $sg) (local.get $a1))))
        (local.set $sv (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
          (f32.mul (local.get $sg2) (local.get $a2))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $sm))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $sv))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $sm) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $sv) (local.get $c2))) (local.get $eps)))
              (local.get $negLr))
            (f32.load (i32.add (local.get $w) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
    (local.get $sum)))
