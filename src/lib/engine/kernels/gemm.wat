;; Single-precision GEMM on the memory of TF.js's WASM backend (imported):
;;   C[m, n] = act(Σ_k A[m, k] · B[k, n] + bias[n])     (or C += Σ …, "accumulate")
;; A and B are strided views (element strides in bytes), so A = Xᵀ or B = Wᵀ need no transposed copy.
;; B is first packed into panels of 8 columns (zero-padded), in blocks of KC rows of k:
;;   packed[kb][panel][k][8]
;; and a 4×8 register-blocked micro-kernel (eight f32x4 accumulators) walks 4 rows of A (read in place,
;; one broadcast load per row and k) against one packed panel. Rows outer, panels inner: the 4 rows of A
;; (even strided, as Aᵀ) stay in L1 while the packed block of B streams from L2.
;; MADD(a, b, c) = a·b + c is f32x4.relaxed_madd where the browser has relaxed SIMD, else mul + add;
;; `scripts/build-kernels.mjs` substitutes it and MEMORY (shared or plain) and compiles the variants.
(module
  MEMORY

  ;; The 4×8 tile: C[c .. c + 3·ldc] (row stride ldc bytes) = or += A-rows · packed panel b (kc rows).
  ;; a0: first row of A at the current k; rsA, csA: strides of A in bytes; mr: rows that exist (1..4),
  ;; missing rows repeat row 0 and are not stored by the caller. flags: 1 accumulate into C, 2 relu.
  ;; bias: 8 floats added at the end, or 0.
  (func $tile
    (param $a0 i32) (param $rsA i32) (param $csA i32) (param $mr i32)
    (param $b i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $bias i32) (param $flags i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local.set $a1 (select (i32.add (local.get $a0) (local.get $rsA)) (local.get $a0) (i32.gt_u (local.get $mr) (i32.const 1))))
    (local.set $a2 (select (i32.add (local.get $a1) (local.get $rsA)) (local.get $a0) (i32.gt_u (local.get $mr) (i32.const 2))))
    (local.set $a3 (select (i32.add (local.get $a2) (local.get $rsA)) (local.get $a0) (i32.gt_u (local.get $mr) (i32.const 3))))
    (local.set $c1 (i32.add (local.get $c) (local.get $ldc)))
    (local.set $c2 (i32.add (local.get $c1) (local.get $ldc)))
    (local.set $c3 (i32.add (local.get $c2) (local.get $ldc)))
    (if (i32.and (local.get $flags) (i32.const 1))
      (then
        (local.set $c00 (v128.load (local.get $c)))
        (local.set $c01 (v128.load offset=16 (local.get $c)))
        (local.set $c10 (v128.load (local.get $c1)))
        (local.set $c11 (v128.load offset=16 (local.get $c1)))
        (local.set $c20 (v128.load (local.get $c2)))
        (local.set $c21 (v128.load offset=16 (local.get $c2)))
        (local.set $c30 (v128.load (local.get $c3)))
        (local.set $c31 (v128.load offset=16 (local.get $c3)))))
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $kc) (i32.const 5))))
    (if (i32.lt_u (local.get $b) (local.get $end))
      (then
        (loop $k
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $av (v128.load32_splat (local.get $a0)))
          (local.set $c00 MADD((local.get $av), (local.get $b0), (local.get $c00)))
          (local.set $c01 MADD((local.get $av), (local.get $b1), (local.get $c01)))
          (local.set $av (v128.load32_splat (local.get $a1)))
          (local.set $c10 MADD((local.get $av), (local.get $b0), (local.get $c10)))
          (local.set $c11 MADD((local.get $av), (local.get $b1), (local.get $c11)))
          (local.set $av (v128.load32_splat (local.get $a2)))
          (local.set $c20 MADD((local.get $av), (local.get $b0), (local.get $c20)))
          (local.set $c21 MADD((local.get $av), (local.get $b1), (local.get $c21)))
          (local.set $av (v128.load32_splat (local.get $a3)))
          (local.set $c30 MADD((local.get $av), (local.get $b0), (local.get $c30)))
          (local.set $c31 MADD((local.get $av), (local.get $b1), (local.get $c31)))
          (local.set $a0 (i32.add (local.get $a0) (local.get $csA)))
          (local.set $a1 (i32.add (local.get $a1) (local.get $csA)))
          (local.set $a2 (i32.add (local.get $a2) (local.get $csA)))
          (local.set $a3 (i32.add (local.get $a3) (local.get $csA)))
          (local.set $b (i32.add (local.get $b) (i32.const 32)))
          (br_if $k (i32.lt_u (local.get $b) (local.get $end))))))
    (if (local.get $bias)
      (then
        (local.set $b0 (v128.load (local.get $bias)))
        (local.set $b1 (v128.load offset=16 (local.get $bias)))
        (local.set $c00 (f32x4.add (local.get $c00) (local.get $b0)))
        (local.set $c01 (f32x4.add (local.get $c01) (local.get $b1)))
        (local.set $c10 (f32x4.add (local.get $c10) (local.get $b0)))
        (local.set $c11 (f32x4.add (local.get $c11) (local.get $b1)))
        (local.set $c20 (f32x4.add (local.get $c20) (local.get $b0)))
        (local.set $c21 (f32x4.add (local.get $c21) (local.get $b1)))
        (local.set $c30 (f32x4.add (local.get $c30) (local.get $b0)))
        (local.set $c31 (f32x4.add (local.get $c31) (local.get $b1)))))
    (if (i32.and (local.get $flags) (i32.const 2))
      (then
        (local.set $b0 (v128.const f32x4 0 0 0 0))
        (local.set $c00 (f32x4.max (local.get $c00) (local.get $b0)))
        (local.set $c01 (f32x4.max (local.get $c01) (local.get $b0)))
        (local.set $c10 (f32x4.max (local.get $c10) (local.get $b0)))
        (local.set $c11 (f32x4.max (local.get $c11) (local.get $b0)))
        (local.set $c20 (f32x4.max (local.get $c20) (local.get $b0)))
        (local.set $c21 (f32x4.max (local.get $c21) (local.get $b0)))
        (local.set $c30 (f32x4.max (local.get $c30) (local.get $b0)))
        (local.set $c31 (f32x4.max (local.get $c31) (local.get $b0)))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (v128.store (local.get $c1) (local.get $c10))
    (v128.store offset=16 (local.get $c1) (local.get $c11))
    (v128.store (local.get $c2) (local.get $c20))
    (v128.store offset=16 (local.get $c2) (local.get $c21))
    (v128.store (local.get $c3) (local.get $c30))
    (v128.store offset=16 (local.get $c3) (local.get $c31)))

  ;; Copies an mr×nr corner between C (row stride ldc bytes) and a 4×8 tile (row stride 32 bytes).
  (func $copyTile (param $from i32) (param $fromStride i32) (param $to i32) (param $toStride i32) (param $mr i32) (param $nr i32)
    (local $r i32) (local $j i32)
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (f32.store (i32.add (local.get $to) (i32.shl (local.get $j) (i32.const 2)))
          (f32.load (i32.add (local.get $from) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
      (local.set $from (i32.add (local.get $from) (local.get $fromStride)))
      (local.set $to (i32.add (local.get $to) (local.get $toStride)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $r) (local.get $mr)))))

  ;; Packs B (K×N, element (k, n) at b + k·rsB + n·csB, strides in bytes) into dst as
  ;; [kb][panel][k][8], blocks of kcMax rows, panels of 8 columns, zero-padded past N.
  ;; Rows k0 .. k1 only (so threads can pack parts); dst needs K·roundUp(N, 8) floats.
  (func (export "packB") (param $b i32) (param $rsB i32) (param $csB i32) (param $K i32) (param $N i32) (param $kcMax i32) (param $dst i32) (param $k0 i32) (param $k1 i32)
    (local $k i32) (local $kb i32) (local $kc i32) (local $p i32) (local $panels i32) (local $n8 i32)
    (local $src i32) (local $out i32) (local $j i32) (local $nr i32)
    (local.set $panels (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))
    (local.set $n8 (i32.shl (local.get $panels) (i32.const 3)))
    (local.set $k (local.get $k0))
    ;; block of row k and its height, kept up to date as k grows (no division per row)
    (local.set $kb (i32.mul (i32.div_u (local.get $k) (local.get $kcMax)) (local.get $kcMax)))
    (local.set $kc (i32.sub (local.get $K) (local.get $kb)))
    (if (i32.gt_u (local.get $kc) (local.get $kcMax)) (then (local.set $kc (local.get $kcMax))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $k) (local.get $k1)))
        (if (i32.ge_u (local.get $k) (i32.add (local.get $kb) (local.get $kc)))
          (then
            (local.set $kb (i32.add (local.get $kb) (local.get $kc)))
            (local.set $kc (i32.sub (local.get $K) (local.get $kb)))
            (if (i32.gt_u (local.get $kc) (local.get $kcMax)) (then (local.set $kc (local.get $kcMax))))))
        (local.set $p (i32.const 0))
        (loop $panel
          ;; dst + 4·(kb·n8 + p·kc·8 + (k − kb)·8)
          (local.set $out (i32.add (local.get $dst) (i32.shl
            (i32.add (i32.mul (local.get $kb) (local.get $n8))
              (i32.shl (i32.add (i32.mul (local.get $p) (local.get $kc)) (i32.sub (local.get $k) (local.get $kb))) (i32.const 3)))
            (i32.const 2))))
          (local.set $src (i32.add (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $rsB)))
            (i32.mul (i32.shl (local.get $p) (i32.const 3)) (local.get $csB))))
          (local.set $nr (i32.sub (local.get $N) (i32.shl (local.get $p) (i32.const 3))))
          (if (i32.and (i32.eq (local.get $csB) (i32.const 4)) (i32.ge_s (local.get $nr) (i32.const 8)))
            (then
              (v128.store (local.get $out) (v128.load (local.get $src)))
              (v128.store offset=16 (local.get $out) (v128.load offset=16 (local.get $src))))
            (else
              (if (i32.gt_s (local.get $nr) (i32.const 8)) (then (local.set $nr (i32.const 8))))
              (v128.store (local.get $out) (v128.const i32x4 0 0 0 0))
              (v128.store offset=16 (local.get $out) (v128.const i32x4 0 0 0 0))
              (local.set $j (i32.const 0))
              (loop $col
                (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $csB)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br_if $col (i32.lt_u (local.get $j) (local.get $nr))))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $panel (i32.lt_u (local.get $p) (local.get $panels))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows))))

  ;; Rows m0 .. m1 of C (row stride ldc bytes, columns 0 .. N) from A (element (m, k) at a + m·rsA + k·csA)
  ;; and B packed by packB. bias: roundUp(N, 8) floats (zero-padded) or 0. flags: 1 accumulate into C,
  ;; 2 relu. tile: 128 bytes of scratch for the ragged edges.
  (func (export "gemm")
    (param $m0 i32) (param $m1 i32) (param $N i32) (param $K i32) (param $kcMax i32)
    (param $a i32) (param $rsA i32) (param $csA i32) (param $packed i32)
    (param $c i32) (param $ldc i32) (param $bias i32) (param $flags i32) (param $tile i32)
    (local $kb i32) (local $kc i32) (local $p i32) (local $panels i32) (local $n8 i32) (local $i i32)
    (local $mr i32) (local $nr i32) (local $last i32) (local $f i32) (local $bp i32) (local $pb i32)
    (local $ap i32) (local $cp i32) (local $blockBase i32)
    (local.set $panels (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))
    (local.set $n8 (i32.shl (local.get $panels) (i32.const 3)))
    (if (i32.ge_u (local.get $m0) (local.get $m1)) (then (return)))
    (loop $kblocks
      (local.set $kc (i32.sub (local.get $K) (local.get $kb)))
      (if (i32.gt_u (local.get $kc) (local.get $kcMax)) (then (local.set $kc (local.get $kcMax))))
      (local.set $last (i32.ge_u (i32.add (local.get $kb) (local.get $kc)) (local.get $K)))
      ;; accumulate after the first block, or from the start when asked; relu only at the end
      (local.set $f (i32.or
        (i32.or (i32.ne (local.get $kb) (i32.const 0)) (i32.and (local.get $flags) (i32.const 1)))
        (select (i32.and (local.get $flags) (i32.const 2)) (i32.const 0) (local.get $last))))
      (local.set $blockBase (i32.add (local.get $packed) (i32.shl (i32.mul (local.get $kb) (local.get $n8)) (i32.const 2))))
      (local.set $i (local.get $m0))
      (loop $rows
        (local.set $mr (i32.sub (local.get $m1) (local.get $i)))
        (if (i32.gt_s (local.get $mr) (i32.const 4)) (then (local.set $mr (i32.const 4))))
        (local.set $ap (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsA))) (i32.mul (local.get $kb) (local.get $csA))))
        (local.set $p (i32.const 0))
        (loop $panel
          (local.set $pb (i32.add (local.get $blockBase) (i32.shl (i32.mul (local.get $p) (local.get $kc)) (i32.const 5))))
          (local.set $bp (select (i32.add (local.get $bias) (i32.shl (local.get $p) (i32.const 5))) (i32.const 0)
            (i32.and (local.get $last) (i32.ne (local.get $bias) (i32.const 0)))))
          (local.set $nr (i32.sub (local.get $N) (i32.shl (local.get $p) (i32.const 3))))
          (if (i32.gt_s (local.get $nr) (i32.const 8)) (then (local.set $nr (i32.const 8))))
          (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $p) (i32.const 5))))
          (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
            (then
              (call $tile (local.get $ap) (local.get $rsA) (local.get $csA) (local.get $mr) (local.get $pb) (local.get $kc)
                (local.get $cp) (local.get $ldc) (local.get $bp) (local.get $f)))
            (else
              (if (i32.and (local.get $f) (i32.const 1))
                (then (call $copyTile (local.get $cp) (local.get $ldc) (local.get $tile) (i32.const 32) (local.get $mr) (local.get $nr))))
              (call $tile (local.get $ap) (local.get $rsA) (local.get $csA) (local.get $mr) (local.get $pb) (local.get $kc)
                (local.get $tile) (i32.const 32) (local.get $bp) (local.get $f))
              (call $copyTile (local.get $tile) (i32.const 32) (local.get $cp) (local.get $ldc) (local.get $mr) (local.get $nr))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $panel (i32.lt_u (local.get $p) (local.get $panels))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $rows (i32.lt_u (local.get $i) (local.get $m1))))
      (local.set $kb (i32.add (local.get $kb) (local.get $kc)))
      (br_if $kblocks (i32.lt_u (local.get $kb) (local.get $K)))))

  ;; ---- Convolution helpers (NHWC; dilation 1). Pointers in bytes, sizes in elements. ----

  ;; dst[0 .. n) = src[0 .. n), or += when add is set.
  (func $copy (param $src i32) (param $dst i32) (param $n i32) (param $add i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (select (result v128)
          (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src)))
          (v128.load (local.get $src))
          (local.get $add)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (select (result f32)
          (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src)))
          (f32.load (local.get $src))
          (local.get $add)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $one))))

  (func $zero (param $dst i32) (param $n i32)
    (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $n) (i32.const 2))))

  ;; Rows r0 .. r1 of the patch matrix of x [B, H, W, C] for a kh×kw window with strides sh, sw and padding
  ;; padT, padL: row r = (b, oh, ow) holds the window at (oh·sh − padT, ow·sw − padL), as (dy, dx, c), zeros
  ;; outside the image. mode 0: col ← patches of x (im2col), written at col; mode 1: x += col scattered back
  ;; (col2im, the transpose; x must start zeroed by the caller).
  (func (export "patches") (param $x i32) (param $H i32) (param $W i32) (param $C i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $padT i32) (param $padL i32) (param $OH i32) (param $OW i32)
    (param $r0 i32) (param $r1 i32) (param $col i32) (param $mode i32)
    (local $r i32) (local $b i32) (local $t i32) (local $oh i32) (local $ow i32) (local $ih0 i32) (local $iw0 i32)
    (local $dy i32) (local $dx i32) (local $ih i32) (local $iw i32) (local $rowBase i32) (local $run i32) (local $cb i32)
    (local.set $run (i32.mul (local.get $kw) (local.get $C)))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $r (local.get $r0))
    ;; (b, oh, ow) of row r0, then counted up row by row (no division per row)
    (local.set $t (i32.mul (local.get $OH) (local.get $OW)))
    (local.set $b (i32.div_u (local.get $r) (local.get $t)))
    (local.set $t (i32.rem_u (local.get $r) (local.get $t)))
    (local.set $oh (i32.div_u (local.get $t) (local.get $OW)))
    (local.set $ow (i32.rem_u (local.get $t) (local.get $OW)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $ih0 (i32.sub (i32.mul (local.get $oh) (local.get $sh)) (local.get $padT)))
        (local.set $iw0 (i32.sub (i32.mul (local.get $ow) (local.get $sw)) (local.get $padL)))
        (local.set $dy (i32.const 0))
        (loop $wy
          (local.set $ih (i32.add (local.get $ih0) (local.get $dy)))
          (if (i32.or (i32.lt_s (local.get $ih) (i32.const 0)) (i32.ge_s (local.get $ih) (local.get $H)))
            (then (if (i32.eqz (local.get $mode)) (then (call $zero (local.get $col) (local.get $run)))))
            (else
              (local.set $rowBase (i32.add (local.get $x)
                (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $ih)) (local.get $W)) (local.get $cb))))
              (if (i32.and (i32.ge_s (local.get $iw0) (i32.const 0)) (i32.le_s (i32.add (local.get $iw0) (local.get $kw)) (local.get $W)))
                (then
                  (if (local.get $mode)
                    (then (call $copy (local.get $col) (i32.add (local.get $rowBase) (i32.mul (local.get $iw0) (local.get $cb))) (local.get $run) (i32.const 1)))
                    (else (call $copy (i32.add (local.get $rowBase) (i32.mul (local.get $iw0) (local.get $cb))) (local.get $col) (local.get $run) (i32.const 0)))))
                (else
                  (local.set $dx (i32.const 0))
                  (loop $wx
                    (local.set $iw (i32.add (local.get $iw0) (local.get $dx)))
                    (if (i32.or (i32.lt_s (local.get $iw) (i32.const 0)) (i32.ge_s (local.get $iw) (local.get $W)))
                      (then (if (i32.eqz (local.get $mode)) (then (call $zero (i32.add (local.get $col) (i32.mul (local.get $dx) (local.get $cb))) (local.get $C)))))
                      (else
                        (if (local.get $mode)
                          (then (call $copy (i32.add (local.get $col) (i32.mul (local.get $dx) (local.get $cb)))
                            (i32.add (local.get $rowBase) (i32.mul (local.get $iw) (local.get $cb))) (local.get $C) (i32.const 1)))
                          (else (call $copy (i32.add (local.get $rowBase) (i32.mul (local.get $iw) (local.get $cb)))
                            (i32.add (local.get $col) (i32.mul (local.get $dx) (local.get $cb))) (local.get $C) (i32.const 0))))))
                    (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
                    (br_if $wx (i32.lt_u (local.get $dx) (local.get $kw))))))))
          (local.set $col (i32.add (local.get $col) (i32.shl (local.get $run) (i32.const 2))))
          (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
          (br_if $wy (i32.lt_u (local.get $dy) (local.get $kh))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
        (if (i32.eq (local.get $ow) (local.get $OW))
          (then
            (local.set $ow (i32.const 0))
            (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
            (if (i32.eq (local.get $oh) (local.get $OH))
              (then
                (local.set $oh (i32.const 0))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))))))
        (br $rows))))

  ;; Max-pooling's gradient, four channels at a time: for every output (b, oh, ow, c), the first largest
  ;; x in its window (row-major order, strictly greater wins, as TF.js's CPU backend picks it) gets dy added.
  ;; x [B, H, W, C], dy [B, OH, OW, C]; dx [B, H, W, C] must start zeroed by the caller.
  (func (export "maxPoolGrad") (param $x i32) (param $dy i32) (param $dxp i32) (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $ph i32) (param $pw i32) (param $sh i32) (param $sw i32) (param $padT i32) (param $padL i32) (param $OH i32) (param $OW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $c i32) (local $wy i32) (local $wx i32) (local $ih i32) (local $iw i32)
    (local $pos i32) (local $best v128) (local $at v128) (local $v v128) (local $gt v128) (local $g v128) (local $dyAt i32)
    (local $lane i32) (local $idx i32) (local $bs f32) (local $bi i32) (local $sv f32) (local $c4 i32)
    (local.set $c4 (i32.and (local.get $C) (i32.const -4)))
    (loop $bl
      (local.set $oh (i32.const 0))
      (loop $ohl
        (local.set $ow (i32.const 0))
        (loop $owl
          (local.set $dyAt (i32.add (local.get $dy) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $OH)) (local.get $oh)) (local.get $OW)) (local.get $ow)) (local.get $C)) (i32.const 2))))
          (local.set $c (i32.const 0))
          (block $vecDone
            (loop $cl
              (br_if $vecDone (i32.ge_u (local.get $c) (local.get $c4)))
              (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
              (local.set $at (v128.const i32x4 -1 -1 -1 -1))
              (local.set $wy (i32.const 0))
              (loop $wyl
                (local.set $ih (i32.add (i32.sub (i32.mul (local.get $oh) (local.get $sh)) (local.get $padT)) (local.get $wy)))
                (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $H)))
                  (then
                    (local.set $wx (i32.const 0))
                    (loop $wxl
                      (local.set $iw (i32.add (i32.sub (i32.mul (local.get $ow) (local.get $sw)) (local.get $padL)) (local.get $wx)))
                      (if (i32.and (i32.ge_s (local.get $iw) (i32.const 0)) (i32.lt_s (local.get $iw) (local.get $W)))
                        (then
                          ;; element index of (b, ih, iw, c)
                          (local.set $pos (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $ih)) (local.get $W)) (local.get $iw)) (local.get $C)) (local.get $c)))
                          (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $pos) (i32.const 2)))))
                          (local.set $gt (f32x4.gt (local.get $v) (local.get $best)))
                          (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $gt)))
                          (local.set $at (v128.bitselect
                            (i32x4.add (i32x4.splat (local.get $pos)) (v128.const i32x4 0 1 2 3))
                            (local.get $at) (local.get $gt)))))
                      (local.set $wx (i32.add (local.get $wx) (i32.const 1)))
                      (br_if $wxl (i32.lt_u (local.get $wx) (local.get $pw))))))
                (local.set $wy (i32.add (local.get $wy) (i32.const 1)))
                (br_if $wyl (i32.lt_u (local.get $wy) (local.get $ph))))
              (local.set $g (v128.load (i32.add (local.get $dyAt) (i32.shl (local.get $c) (i32.const 2)))))
              (local.set $idx (i32x4.extract_lane 0 (local.get $at)))
              (if (i32.ge_s (local.get $idx) (i32.const 0)) (then (call $addAt (local.get $dxp) (local.get $idx) (f32x4.extract_lane 0 (local.get $g)))))
              (local.set $idx (i32x4.extract_lane 1 (local.get $at)))
              (if (i32.ge_s (local.get $idx) (i32.const 0)) (then (call $addAt (local.get $dxp) (local.get $idx) (f32x4.extract_lane 1 (local.get $g)))))
              (local.set $idx (i32x4.extract_lane 2 (local.get $at)))
              (if (i32.ge_s (local.get $idx) (i32.const 0)) (then (call $addAt (local.get $dxp) (local.get $idx) (f32x4.extract_lane 2 (local.get $g)))))
              (local.set $idx (i32x4.extract_lane 3 (local.get $at)))
              (if (i32.ge_s (local.get $idx) (i32.const 0)) (then (call $addAt (local.get $dxp) (local.get $idx) (f32x4.extract_lane 3 (local.get $g)))))
              (local.set $c (i32.add (local.get $c) (i32.const 4)))
              (br $cl)))
          ;; the last C mod 4 channels, one at a time
          (block $tailDone
            (loop $tl
              (br_if $tailDone (i32.ge_u (local.get $c) (local.get $C)))
              (local.set $bs (f32.const -inf))
              (local.set $bi (i32.const -1))
              (local.set $wy (i32.const 0))
              (loop $twy
                (local.set $ih (i32.add (i32.sub (i32.mul (local.get $oh) (local.get $sh)) (local.get $padT)) (local.get $wy)))
                (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $H)))
                  (then
                    (local.set $wx (i32.const 0))
                    (loop $twx
                      (local.set $iw (i32.add (i32.sub (i32.mul (local.get $ow) (local.get $sw)) (local.get $padL)) (local.get $wx)))
                      (if (i32.and (i32.ge_s (local.get $iw) (i32.const 0)) (i32.lt_s (local.get $iw) (local.get $W)))
                        (then
                          (local.set $pos (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $ih)) (local.get $W)) (local.get $iw)) (local.get $C)) (local.get $c)))
                          (local.set $sv (f32.load (i32.add (local.get $x) (i32.shl (local.get $pos) (i32.const 2)))))
                          (if (f32.gt (local.get $sv) (local.get $bs)) (then (local.set $bs (local.get $sv)) (local.set $bi (local.get $pos))))))
                      (local.set $wx (i32.add (local.get $wx) (i32.const 1)))
                      (br_if $twx (i32.lt_u (local.get $wx) (local.get $pw))))))
                (local.set $wy (i32.add (local.get $wy) (i32.const 1)))
                (br_if $twy (i32.lt_u (local.get $wy) (local.get $ph))))
              (if (i32.ge_s (local.get $bi) (i32.const 0))
                (then (call $addAt (local.get $dxp) (local.get $bi) (f32.load (i32.add (local.get $dyAt) (i32.shl (local.get $c) (i32.const 2)))))))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $tl)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br_if $owl (i32.lt_u (local.get $ow) (local.get $OW))))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br_if $ohl (i32.lt_u (local.get $oh) (local.get $OH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $B)))))

  (func $addAt (param $base i32) (param $index i32) (param $v f32)
    (local $p i32)
    (local.set $p (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 2))))
    (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (local.get $v))))
)
