//! The matrix products backpropagation needs, written out for the shapes it has: a tall or
//! short weight matrix times a thin batch of m columns, and BP4's outer products summed over
//! the batch, fused with the SGD update so the weights are streamed once.
//!
//! All matrices are column-major. Eq. 25 and BP2 are one kernel:
//!
//!   C = P + A·B        (C: rows × cols, A: rows × inner, B: inner × cols)
//!
//! where the start P is nothing, a matrix (C itself for C += A·B) or one column repeated (the
//! biases b^l), and B is read through strides so that (a^{l−1})ᵀ needs no copy. The result is
//! cut into blocks of NV vectors of rows × C columns whose accumulators stay in registers; each
//! step of the inner loop loads NV vectors of A, broadcasts C numbers of B and issues NV·C
//! multiply-adds. A long inner dimension is taken in chunks (`CHUNK`) that every block works
//! through before the next, so A and B cross from L2 once. Rows that do not fill a vector are
//! read with a masked load (and written through a small buffer), never one row at a time. In
//! wasm, products of up to 8 rows (all of the 2-D page's module's) go a column at a time
//! instead (`columns`): one dispatch per product rather than per block.
//!
//! BP4 fused with the update (`step_weights`) has an inner dimension of only m, so it is a
//! second kernel whose sums are new weights: natively tiles of 8 rows × 6 columns of them in
//! registers (`update_tiles`), in wasm blocks of up to 8 rows (6 in the plain-SIMD build) × 2
//! columns (`update_pairs`); either way each weight is read, written and checked once.
//!
//! Three instruction sets, one kernel: AVX2 + FMA (chosen at run time on x86-64, 4 lanes),
//! wasm simd128 (2 lanes, multiply then add: simd128 has no fused multiply-add) and plain
//! scalar code for anything else.

/// C += A·B, with A `rows` × `inner`, B `inner` × `cols`, C `rows` × `cols`.
pub fn gemm_acc(rows: usize, inner: usize, cols: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    let c = c[..rows * cols].as_mut_ptr();
    // C is both the start and the result: one pointer for both.
    let start = Start::Matrix(c as *const f64);
    product(Operands::plain(rows, inner, cols, a, b), start, c);
}

/// C = A·B (C is only written, never read).
pub fn gemm_set(rows: usize, inner: usize, cols: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    let c = &mut c[..rows * cols];
    product(
        Operands::plain(rows, inner, cols, a, b),
        Start::Zero,
        c.as_mut_ptr(),
    );
}

/// Eq. 25 for a batch: z = w·a + b repeated over the columns, with w `rows` × `inner`, a
/// `inner` × `cols`, b of length `rows`, z `rows` × `cols`.
pub fn weighted_input(
    rows: usize,
    inner: usize,
    cols: usize,
    w: &[f64],
    a: &[f64],
    b: &[f64],
    z: &mut [f64],
) {
    let b = &b[..rows];
    let z = &mut z[..rows * cols];
    product(
        Operands::plain(rows, inner, cols, w, a),
        Start::Column(b.as_ptr()),
        z.as_mut_ptr(),
    );
}

/// BP4 fused with the SGD update of w^l: w_new = shrink·w + d·aᵀ, where d (`rows` × m) is
/// δ^l already scaled by −η/m and a (`cols` × m) is a^{l−1}, so (d·aᵀ)_jk = Σ_x d_jx a_kx is
/// −(η/m) Σ_x ∂C_x/∂w^l_jk. w and w_new are `rows` × `cols`. Returns whether every new weight
/// is finite (w_new is written either way; the caller decides whether to keep it).
#[allow(clippy::too_many_arguments)]
pub fn step_weights(
    rows: usize,
    m: usize,
    cols: usize,
    shrink: f64,
    w: &[f64],
    d: &[f64],
    a: &[f64],
    w_new: &mut [f64],
) -> bool {
    let w = &w[..rows * cols];
    let w_new = &mut w_new[..rows * cols];
    // d may be longer than rows × m: the numbers after it (the workspace pads its δ buffers)
    // can be read, so the last term's partial vector needs no mask.
    assert!(d.len() >= rows * m, "d holds rows × m numbers");
    let a = &a[..cols * m];
    let update = Update {
        rows,
        m,
        cols,
        shrink,
        w: w.as_ptr(),
        d: d.as_ptr(),
        d_len: d.len(),
        a: a.as_ptr(),
        w_new: w_new.as_mut_ptr(),
    };
    if rows == 0 || cols == 0 {
        return true;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has just been checked for both features the function is built
        // with; the pointers were checked against their slices.
        return unsafe { update_avx2(update) };
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: the pointers were checked against their slices.
        unsafe { update_pairs::<simd128::F64x2>(update) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        // SAFETY: the pointers were checked against their slices.
        unsafe { update_rows::<scalar::F64x1, 8, true>(update) }
    }
}

/// BP3 for a batch, fused with the step: out_j = b_j + Σ_c d_jc, with d `rows` × `cols` (δ^l
/// already scaled by −η/m, one column per example), the columns added in their order: the
/// same sums, bit for bit, as adding d to b column after column. Each row's sum (in wasm each
/// pair of rows', four pairs at a time) stays in a register over all the columns. Column
/// after column, the compiler had made each column's few additions a loop of their own,
/// behind a run-time check that `out` and d do not overlap: for [2,8,8,8,1] in Chromium, 7 %
/// of a step for 240 additions. Returns whether every number of `out` is finite.
pub fn add_columns(rows: usize, cols: usize, b: &[f64], d: &[f64], out: &mut [f64]) -> bool {
    let (b, d, out) = (&b[..rows], &d[..rows * cols], &mut out[..rows]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let paired = {
        let paired = rows - rows % 2;
        // Four pairs of rows at a time where there are (four sums in flight, each a chain of
        // `cols` additions), then one pair at a time.
        let fours = paired - paired % 8;
        for j in (0..fours).step_by(8) {
            // SAFETY: rows j … j + 7 are inside b, out and every column of d.
            unsafe { add_column_pairs::<4>(j, rows, cols, b, d, out) };
        }
        for j in (fours..paired).step_by(2) {
            // SAFETY: rows j and j + 1 are inside b, out and every column of d.
            unsafe { add_column_pairs::<1>(j, rows, cols, b, d, out) };
        }
        paired
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let paired = 0;
    for j in paired..rows {
        out[j] = d[j..].iter().step_by(rows).fold(b[j], |sum, &x| sum + x);
    }
    out.iter().all(|v| v.is_finite())
}

/// `add_columns` for the NV pairs of rows from j on, in simd128.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn add_column_pairs<const NV: usize>(
    j: usize,
    rows: usize,
    cols: usize,
    b: &[f64],
    d: &[f64],
    out: &mut [f64],
) {
    use core::arch::wasm32::*;
    let mut sums = [f64x2_splat(0.0); NV];
    for (v, sum) in sums.iter_mut().enumerate() {
        *sum = v128_load(b.as_ptr().add(j + 2 * v).cast());
    }
    for c in 0..cols {
        let col = d.as_ptr().add(c * rows + j);
        for (v, sum) in sums.iter_mut().enumerate() {
            *sum = f64x2_add(*sum, v128_load(col.add(2 * v).cast()));
        }
    }
    for (v, &sum) in sums.iter().enumerate() {
        v128_store(out.as_mut_ptr().add(j + 2 * v).cast(), sum);
    }
}

/// t = aᵀ, with a `rows` × `cols` and t `cols` × `rows`, both by columns: a_jk (a[k·rows + j])
/// goes to t[j·cols + k]. In wasm two rows of two columns at a time, two loads, two shuffles
/// and two stores for four numbers (BP2's (w^l)ᵀ: one number at a time through `step_by`, the
/// copy took 6 % of a [2,8,8,8,1] step in Chromium); the odd last row and column one by one.
pub fn transpose(rows: usize, cols: usize, a: &[f64], t: &mut [f64]) {
    let (a, t) = (&a[..rows * cols], &mut t[..rows * cols]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (rows_done, cols_done) = {
        use core::arch::wasm32::*;
        let (rows2, cols2) = (rows - rows % 2, cols - cols % 2);
        for k in (0..cols2).step_by(2) {
            for j in (0..rows2).step_by(2) {
                // SAFETY: rows j, j + 1 of columns k, k + 1 are inside a, and columns j, j + 1
                // of t hold rows k, k + 1.
                unsafe {
                    let left = v128_load(a.as_ptr().add(k * rows + j).cast());
                    let right = v128_load(a.as_ptr().add((k + 1) * rows + j).cast());
                    let t = t.as_mut_ptr();
                    v128_store(
                        t.add(j * cols + k).cast(),
                        i64x2_shuffle::<0, 2>(left, right),
                    );
                    v128_store(
                        t.add((j + 1) * cols + k).cast(),
                        i64x2_shuffle::<1, 3>(left, right),
                    );
                }
            }
        }
        (rows2, cols2)
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let (rows_done, cols_done) = (0, 0);
    // The last row of the columns done above, then every row of the columns left.
    for k in 0..cols_done {
        for j in rows_done..rows {
            t[j * cols + k] = a[k * rows + j];
        }
    }
    for (k, col) in a.chunks_exact(rows).enumerate().skip(cols_done) {
        for (j, &x) in col.iter().enumerate() {
            t[j * cols + k] = x;
        }
    }
}

/// Whether every number is finite: v·0 is ±0 for a finite v and NaN otherwise, so the sum of
/// them all is 0 exactly when every one is finite. Branch-free, so it vectorises; with AVX2 +
/// FMA (chosen at run time) each four numbers cost one multiply-add into one of four sums.
pub fn all_finite(v: &[f64]) -> bool {
    // A few numbers (the 2-D inputs, the outputs) are not worth the detection and the call.
    #[cfg(target_arch = "x86_64")]
    if v.len() >= 16
        && std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        // SAFETY: the CPU has just been checked for both features the function is built with.
        return unsafe { all_finite_avx2(v) };
    }
    let mut acc = [0.0f64; 4];
    let chunks = v.chunks_exact(4);
    let rest: f64 = chunks.remainder().iter().map(|x| x * 0.0).sum();
    for c in chunks {
        for l in 0..4 {
            acc[l] += c[l] * 0.0;
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + rest == 0.0
}

/// `all_finite` with AVX2 + FMA: sums of v·0 in four vectors (16 numbers a turn).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn all_finite_avx2(v: &[f64]) -> bool {
    use std::arch::x86_64::*;
    let zero = _mm256_setzero_pd();
    let mut acc = [zero; 4];
    let blocks = v.chunks_exact(16);
    let rest: f64 = blocks.remainder().iter().map(|x| x * 0.0).sum();
    for b in blocks {
        for (i, s) in acc.iter_mut().enumerate() {
            // SAFETY: b holds 16 numbers, so b[4i .. 4i + 4] is inside it.
            *s = _mm256_fmadd_pd(_mm256_loadu_pd(b.as_ptr().add(4 * i)), zero, *s);
        }
    }
    let sum = _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3]));
    let eq = _mm256_cmp_pd::<_CMP_EQ_OQ>(sum, zero);
    _mm256_movemask_pd(eq) == 0b1111 && rest == 0.0
}

/// dst ← src, and whether every number of src is finite (`all_finite`'s sum of v·0), in one
/// pass over src: each four numbers one load, one store and one multiply-add into one of four
/// sums (16 numbers a turn). The batch's inputs come from L3; reading them once instead of
/// twice (a check, then a copy) is what this is for.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn copy_all_finite_avx2(dst: &mut [f64], src: &[f64], ahead: &[f64]) -> bool {
    use std::arch::x86_64::*;
    assert_eq!(dst.len(), src.len(), "dst and src have the same length");
    let zero = _mm256_setzero_pd();
    let mut acc = [zero; 4];
    let (blocks, rest) = src.as_chunks::<16>();
    let (dst_blocks, dst_rest) = dst.as_chunks_mut::<16>();
    let mut fetch = ahead.chunks(8);
    for (b, d) in blocks.iter().zip(dst_blocks) {
        // Two cache lines' worth of `ahead` per 16 numbers copied: a prefetch only hints,
        // and its address is inside `ahead`.
        for _ in 0..2 {
            if let Some(line) = fetch.next() {
                _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast());
            }
        }
        for (i, s) in acc.iter_mut().enumerate() {
            // SAFETY: b and d hold 16 numbers each, so [4i .. 4i + 4] is inside both.
            let v = _mm256_loadu_pd(b.as_ptr().add(4 * i));
            _mm256_storeu_pd(d.as_mut_ptr().add(4 * i), v);
            *s = _mm256_fmadd_pd(v, zero, *s);
        }
    }
    dst_rest.copy_from_slice(rest);
    let rest: f64 = rest.iter().map(|x| x * 0.0).sum();
    let sum = _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3]));
    let eq = _mm256_cmp_pd::<_CMP_EQ_OQ>(sum, zero);
    _mm256_movemask_pd(eq) == 0b1111 && rest == 0.0
}

/// BP4 fused with the step in wasm, for every layer: blocks of up to `PAIR_VECTORS` vectors of
/// rows × 2 columns of the new weights, their sums in registers, so each δ vector loaded serves
/// two multiply-adds. A column of 8 vectors (`update_rows`, natively) had LLVM load all 8 δ
/// vectors ahead of their multiplies, and V8, short of registers, kept one sum on the stack;
/// and the 2-D page's 8 × 8 layers, a column at a time, cost a [2,8,8,8,1] step 2 % more in
/// Chromium (same-page A/B, session 10). The same numbers as `update_rows`: each weight is
/// shrink·w + its m terms in order; a last odd column goes one number at a time.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const PAIR_VECTORS: usize = if cfg!(target_feature = "relaxed-simd") {
    // 8 sums, 4 δ vectors and 2 broadcasts: with fused multiply-adds (no temporary) they fit
    // in the registers Chromium's V8 (15.6) gives wasm, and every sum has a multiply-add in
    // flight while the others wait on theirs. [784,30,10] in Chromium, the relaxed module,
    // same-page A/B: 67–79 k → 77–84 k examples/s per step with the products' 4 columns
    // (below), 74–77 k → 78–82 k for this change alone.
    4
} else {
    // With a multiply and an add (a temporary each) 4 vectors gained nothing measurable in
    // Chromium; 3 keep the plain module's code as it was (30 rows: five whole blocks).
    3
};

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
unsafe fn update_pairs<S: Lanes>(u: Update) -> bool {
    let block = PAIR_VECTORS * S::L;
    let blocks = u.rows.div_ceil(block);
    let mut finite = true;
    // The last block first: its short last vector spills into the next column's first rows,
    // which the first block writes afterwards (as in `update_rows`).
    for b in std::iter::once(blocks - 1).chain(0..blocks - 1) {
        let j0 = b * block;
        let nr = block.min(u.rows - j0);
        finite &= match nr.div_ceil(S::L) {
            1 => update_pair_block::<S, 1>(u, j0, nr),
            2 => update_pair_block::<S, 2>(u, j0, nr),
            3 => update_pair_block::<S, 3>(u, j0, nr),
            // Never more than PAIR_VECTORS: the guard keeps the 4-vector block out of the
            // plain build altogether.
            _ if PAIR_VECTORS == 3 => update_pair_block::<S, 3>(u, j0, nr),
            _ => update_pair_block::<S, 4>(u, j0, nr),
        };
    }
    finite
}

/// Rows j0 .. j0 + nr (NV vectors, the last holding `nr − (NV − 1)·L` real rows) of every
/// column of the new weights, two columns at a time while their whole-vector loads and
/// stores stay inside w; the rest one number at a time. True when all of them are finite.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn update_pair_block<S: Lanes, const NV: usize>(u: Update, j0: usize, nr: usize) -> bool {
    let l = S::L;
    let tail = nr - (NV - 1) * l;
    let t = tail.min(l - 1);
    let end = j0 + NV * l;
    let (k_safe, x_safe) = safe_columns(u, tail == l, end);
    let zero = S::zero();
    let shrink = S::splat(u.shrink);
    let (mut chk, mut chk_tail) = (zero, zero);
    let mut k = 0;
    while k + 2 <= k_safe {
        let w = u.w.add(j0 + k * u.rows);
        let mut acc = [[zero; NV]; 2];
        for c in 0..2 {
            for v in 0..NV {
                acc[c][v] = S::mul(S::load(w.add(c * u.rows + v * l)), shrink);
            }
        }
        let mut a = u.a.add(k);
        let mut d = u.d.add(j0);
        for _ in 0..x_safe {
            let s0 = S::broadcast(a);
            let s1 = S::broadcast(a.add(1));
            for v in 0..NV {
                let dv = S::load(d.add(v * l));
                acc[0][v] = S::mul_add(dv, s0, acc[0][v]);
                acc[1][v] = S::mul_add(dv, s1, acc[1][v]);
            }
            a = a.add(u.cols);
            d = d.add(u.rows);
        }
        for _ in x_safe..u.m {
            let s0 = S::broadcast(a);
            let s1 = S::broadcast(a.add(1));
            for v in 0..NV {
                let dv = if v + 1 == NV {
                    S::load_first(d.add(v * l), t)
                } else {
                    S::load(d.add(v * l))
                };
                acc[0][v] = S::mul_add(dv, s0, acc[0][v]);
                acc[1][v] = S::mul_add(dv, s1, acc[1][v]);
            }
            a = a.add(u.cols);
            d = d.add(u.rows);
        }
        let out = u.w_new.add(j0 + k * u.rows);
        for c in 0..2 {
            for v in 0..NV {
                let x = acc[c][v];
                S::store(out.add(c * u.rows + v * l), x);
                if v + 1 < NV {
                    chk = S::add(chk, S::sub(x, x));
                } else {
                    chk_tail = S::add(chk_tail, S::sub(x, x));
                }
            }
        }
        k += 2;
    }
    let rest = update_numbers::<S>(u, j0, nr, k, u.cols);
    if tail < l {
        chk_tail = S::keep_first(chk_tail, tail);
    }
    S::all_zero(S::add(chk, chk_tail)) && rest
}

/// BP4 and the step for AVX2 with fused multiply-adds, in tiles of 8 rows × 6 columns
/// (`update_tiles`), or a column at a time (`update_rows`) for fewer than 12 columns.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn update_avx2(u: Update) -> bool {
    // Narrow matrices (the playground's layers) have too few columns for tiles to pay for
    // their set-up: a column at a time (the same numbers).
    if u.cols < 2 * TILE_C {
        return if u.shrink == 1.0 {
            update_rows::<avx2::F64x4, 8, false>(u)
        } else {
            update_rows::<avx2::F64x4, 8, true>(u)
        };
    }
    // Without weight decay the multiply by 1 is left out (the numbers are the same).
    if u.shrink == 1.0 {
        update_tiles::<avx2::F64x4, false>(u, 0, u.cols)
    } else {
        update_tiles::<avx2::F64x4, true>(u, 0, u.cols)
    }
}

/// The operands of `step_weights` as raw parts, checked against their slices there.
#[derive(Clone, Copy)]
struct Update {
    rows: usize,
    m: usize,
    cols: usize,
    shrink: f64,
    w: *const f64,
    d: *const f64,
    /// How many numbers can be read from d (≥ rows × m).
    d_len: usize,
    a: *const f64,
    w_new: *mut f64,
}

/// BP4 fused with the step, a column of w at a time: the rows of a block of at most MAXV
/// vectors stay in registers while the m terms d[:, x]·a[k, x] are added to shrink·w[:, k],
/// so each weight is loaded, scaled, stored and checked once, and each step of the sum is one
/// broadcast of a[k, x] and one multiply-add per vector, with d[:, x] read from L1.
///
/// Only the last block can end in a vector with fewer than L real rows. Its full-width loads
/// and stores run into the next column's first rows: harmless for loads, and for stores
/// because that block runs first, so the rows it spills into are written again afterwards by
/// their own block (or by itself, at the next column). Where the spill would pass the end of
/// w or d the vector is masked instead.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
unsafe fn update_rows<S: Lanes, const MAXV: usize, const SCALED: bool>(u: Update) -> bool {
    let block = MAXV * S::L;
    let blocks = u.rows.div_ceil(block);
    let mut finite = true;
    for b in std::iter::once(blocks - 1).chain(0..blocks - 1) {
        let j0 = b * block;
        let nr = block.min(u.rows - j0);
        let nv = nr.div_ceil(S::L);
        finite &= match nv {
            1 => update_block::<S, 1, SCALED>(u, j0, nr),
            2 => update_block::<S, 2, SCALED>(u, j0, nr),
            3 => update_block::<S, 3, SCALED>(u, j0, nr),
            4 => update_block::<S, 4, SCALED>(u, j0, nr),
            5 => update_block::<S, 5, SCALED>(u, j0, nr),
            6 => update_block::<S, 6, SCALED>(u, j0, nr),
            7 => update_block::<S, 7, SCALED>(u, j0, nr),
            _ => update_block::<S, 8, SCALED>(u, j0, nr),
        };
    }
    finite
}

/// Vectors of rows (TILE_V) by columns (TILE_C) of the new weights per tile of the AVX2 BP4:
/// 12 accumulators, the tile's 2 vectors of δ and one broadcast of a take 15 of the 16
/// registers, and each term costs 2 + 6 loads for 12 multiply-adds (one column of 8 vectors,
/// before, cost 8 + 1 loads for 8, with just enough independent sums, 8, to cover 4 cycles of
/// latency on 2 pipes). A [784,30,10] BP4 alone, w in L2: 18.9 → 16.5 µs (best of 40).
#[cfg(target_arch = "x86_64")]
const TILE_V: usize = 2;
#[cfg(target_arch = "x86_64")]
const TILE_C: usize = 6;

/// BP4 fused with the step for columns k0 .. k1 of the new weights (all rows), in tiles of
/// TILE_V vectors of rows × TILE_C columns whose sums stay in registers over the m terms:
/// w_new[j, k] = shrink·w[j, k] + Σ_x d[j, x]·a[k, x], x in order, as `update_numbers` does
/// (so the same numbers). True when every new weight written is finite.
///
/// Within a group of columns the last row block goes first: where its last vector holds
/// fewer than L real rows, its full-width loads and stores run into the next column's first
/// rows, which the first row block writes afterwards (or, past the group, the next group;
/// stores go column after column, so with fewer rows than lanes the spill into later
/// columns is rewritten too). Columns whose spill would pass the end of w, and terms whose δ
/// loads would pass the end of d, are done one number at a time or with a masked load.
/// Columns from k1 on may have been overwritten by spill: the caller runs them afterwards.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn update_tiles<S: Lanes, const SCALED: bool>(u: Update, k0: usize, k1: usize) -> bool {
    let block = TILE_V * S::L;
    let last_rows = u.rows - (u.rows.div_ceil(block) - 1) * block;
    if last_rows.div_ceil(S::L) == 1 {
        update_groups::<S, 1, SCALED>(u, k0, k1)
    } else {
        update_groups::<S, TILE_V, SCALED>(u, k0, k1)
    }
}

/// `update_tiles` with NVL vectors in the last row block (the others have TILE_V).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn update_groups<S: Lanes, const NVL: usize, const SCALED: bool>(
    u: Update,
    k0: usize,
    k1: usize,
) -> bool {
    let l = S::L;
    let block = TILE_V * l;
    let blocks = u.rows.div_ceil(block);
    let j_last = (blocks - 1) * block;
    let nr_last = u.rows - j_last;
    let tail = nr_last - (NVL - 1) * l;
    let end = j_last + NVL * l;
    let (k_safe, x_safe) = safe_columns(u, tail == l, end);
    let zero = S::zero();
    // x − x gathered by vector: the last row block's last vector apart (its lanes past
    // `tail` are spill), the full blocks' last vectors apart too (a shorter chain of adds).
    let (mut chk, mut chk_tail, mut chk_full) = (zero, zero, zero);
    let mut rest = true;
    let last = |k| Tile {
        j0: j_last,
        k,
        tail,
        x_safe,
    };
    let full = |b: usize, k| Tile {
        j0: b * block,
        k,
        tail: l,
        x_safe: u.m,
    };
    let mut k = k0;
    // Whole groups of TILE_C columns, the last row block first.
    while k + TILE_C <= k1.min(k_safe) {
        (chk, chk_tail) = update_tile::<S, NVL, TILE_C, SCALED>(u, last(k), chk, chk_tail);
        for b in (0..blocks - 1).rev() {
            (chk, chk_full) =
                update_tile::<S, TILE_V, TILE_C, SCALED>(u, full(b, k), chk, chk_full);
        }
        k += TILE_C;
    }
    // The few columns left, one at a time; where the last row block's spill would pass the
    // end of w, its rows one number at a time.
    while k < k1 {
        if k < k_safe {
            (chk, chk_tail) = update_tile::<S, NVL, 1, SCALED>(u, last(k), chk, chk_tail);
        } else {
            rest &= update_numbers::<S>(u, j_last, nr_last, k, k + 1);
        }
        for b in (0..blocks - 1).rev() {
            (chk, chk_full) = update_tile::<S, TILE_V, 1, SCALED>(u, full(b, k), chk, chk_full);
        }
        k += 1;
    }
    if tail < l {
        // The spilled lanes hold numbers of no weight: leave them out of the check.
        chk_tail = S::keep_first(chk_tail, tail);
    }
    S::all_zero(S::add(S::add(chk, chk_full), chk_tail)) && rest
}

/// Where one tile of `update_tiles` lies: rows from j0 (the last vector holding `tail` real
/// rows), columns from k, and the terms whose full-width δ loads stay inside d (x < x_safe).
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Tile {
    j0: usize,
    k: usize,
    tail: usize,
    x_safe: usize,
}

/// One tile of NV vectors of rows × C columns of the new weights, its sums in registers over
/// the m terms; x − x of each sum is gathered into `chk` (into `chk_tail` for the last
/// vector, whose lanes past `tail` are spill).
#[cfg(target_arch = "x86_64")]
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn update_tile<S: Lanes, const NV: usize, const C: usize, const SCALED: bool>(
    u: Update,
    t: Tile,
    mut chk: S::V,
    mut chk_tail: S::V,
) -> (S::V, S::V) {
    let l = S::L;
    let last_lanes = t.tail.min(l - 1);
    let shrink = S::splat(u.shrink);
    let mut acc = [[S::zero(); NV]; C];
    for c in 0..C {
        let w = u.w.add(t.j0 + (t.k + c) * u.rows);
        for v in 0..NV {
            let x = S::load(w.add(v * l));
            acc[c][v] = if SCALED { S::mul(x, shrink) } else { x };
        }
    }
    // The terms whose δ loads stay inside d, then (rarely) the rest with a masked load: two
    // loops rather than a test in one, which kept the mask in a register and pushed one sum
    // out to the stack (a store and a load on its chain at every term).
    let x_safe = t.x_safe.min(u.m);
    let acc = tile_terms::<S, NV, C, false>(acc, u, t, 0, x_safe, last_lanes);
    let acc = tile_terms::<S, NV, C, true>(acc, u, t, x_safe, u.m, last_lanes);
    for c in 0..C {
        let out = u.w_new.add(t.j0 + (t.k + c) * u.rows);
        for v in 0..NV {
            S::store(out.add(v * l), acc[c][v]);
            let nan_if_not_finite = S::sub(acc[c][v], acc[c][v]);
            if v + 1 == NV {
                chk_tail = S::add(chk_tail, nan_if_not_finite);
            } else {
                chk = S::add(chk, nan_if_not_finite);
            }
        }
    }
    (chk, chk_tail)
}

/// Terms x0 .. x1 of one tile (`update_tile`): acc[c][v] += d[rows of v, x]·a[k + c, x], x in
/// order. With MASKED the last vector of δ is read with a masked load of `last_lanes` lanes.
/// The sums come in and go out by value so they live in registers.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn tile_terms<S: Lanes, const NV: usize, const C: usize, const MASKED: bool>(
    mut acc: [[S::V; NV]; C],
    u: Update,
    t: Tile,
    x0: usize,
    x1: usize,
    last_lanes: usize,
) -> [[S::V; NV]; C] {
    let l = S::L;
    let mut a = u.a.add(t.k + x0 * u.cols);
    let mut d = u.d.add(t.j0 + x0 * u.rows);
    for _ in x0..x1 {
        let mut dv = [S::zero(); NV];
        for v in 0..NV {
            dv[v] = if MASKED && v + 1 == NV {
                S::load_first(d.add(v * l), last_lanes)
            } else {
                S::load(d.add(v * l))
            };
        }
        for c in 0..C {
            let s = S::broadcast(a.add(c));
            for v in 0..NV {
                acc[c][v] = S::mul_add(dv[v], s, acc[c][v]);
            }
        }
        a = a.add(u.cols);
        d = d.add(u.rows);
    }
    acc
}

/// How many columns k of `rows` numbers each, from the start of a buffer of `len` numbers,
/// can be read from row j0 to row `end` − 1 (`end` − j0 ≤ a block) without passing its end.
fn columns_inside(rows: usize, len: usize, end: usize) -> usize {
    if end > len {
        0
    } else {
        (len - end) / rows + 1
    }
}

/// For a block of rows ending at row `end` (its last vector's end): how many columns of w
/// and of δ its whole-vector loads may read without passing their buffers' ends — all of them
/// when that last vector is full, else those where the vector stays inside the buffer.
#[inline(always)]
fn safe_columns(u: Update, last_vector_full: bool, end: usize) -> (usize, usize) {
    if last_vector_full {
        (u.cols, u.m)
    } else {
        (
            columns_inside(u.rows, u.rows * u.cols, end).min(u.cols),
            columns_inside(u.rows, u.d_len, end).min(u.m),
        )
    }
}

/// Rows j0 .. j0 + nr (in NV vectors, the last holding `nr − (NV − 1)·L` real rows) of
/// every column of the new weights; true when all of them are finite.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn update_block<S: Lanes, const NV: usize, const SCALED: bool>(
    u: Update,
    j0: usize,
    nr: usize,
) -> bool {
    let l = S::L;
    let tail = nr - (NV - 1) * l;
    let end = j0 + NV * l;
    let (k_safe, x_safe) = safe_columns(u, tail == l, end);
    let zero = S::zero();
    let (mut chk, mut chk_tail) = (zero, zero);
    (chk, chk_tail) = update_columns::<S, NV, SCALED>(u, j0, tail, k_safe, x_safe, chk, chk_tail);
    if tail < l {
        // The spilled lanes hold numbers of no weight: leave them out of the check.
        chk_tail = S::keep_first(chk_tail, tail);
    }
    // The last few columns, whose full-width stores would pass the end of w, one number at a
    // time (one loop for every block shape keeps the wasm module small).
    let rest = update_numbers::<S>(u, j0, nr, k_safe, u.cols);
    S::all_zero(S::add(chk, chk_tail)) && rest
}

/// Rows j0 .. j0 + nr of columns k0 .. k1 of the new weights one number at a time, with the
/// operations of the vector code in the same order (so the same numbers); true when all of
/// them are finite.
#[inline(always)]
unsafe fn update_numbers<S: Lanes>(u: Update, j0: usize, nr: usize, k0: usize, k1: usize) -> bool {
    let mut finite = true;
    for k in k0..k1 {
        for j in j0..j0 + nr {
            let mut acc = *u.w.add(j + k * u.rows) * u.shrink;
            for x in 0..u.m {
                acc = S::mul_add_one(*u.d.add(j + x * u.rows), *u.a.add(k + x * u.cols), acc);
            }
            *u.w_new.add(j + k * u.rows) = acc;
            finite &= acc.is_finite();
        }
    }
    finite
}

/// Columns 0 .. k1 of one block, all of whose full-width loads and stores of w stay inside it
/// (the last vector's extra rows spill into the next column). `chk` and `chk_tail` gather x − x over the block's numbers (0 while all are
/// finite, NaN otherwise; on the adders, not the multipliers the sums keep busy), the last
/// vector's apart.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
#[inline(always)]
unsafe fn update_columns<S: Lanes, const NV: usize, const SCALED: bool>(
    u: Update,
    j0: usize,
    tail: usize,
    k1: usize,
    x_safe: usize,
    mut chk: S::V,
    mut chk_tail: S::V,
) -> (S::V, S::V) {
    let l = S::L;
    let t = tail.min(l - 1);
    let shrink = S::splat(u.shrink);
    let zero = S::zero();
    for k in 0..k1 {
        let w = u.w.add(j0 + k * u.rows);
        let out = u.w_new.add(j0 + k * u.rows);
        let mut acc = [zero; NV];
        for v in 0..NV {
            let x = S::load(w.add(v * l));
            acc[v] = if SCALED { S::mul(x, shrink) } else { x };
        }
        let mut a = u.a.add(k);
        let mut d = u.d.add(j0);
        // Natively two terms per turn of the loop, so its counting costs half as much (in
        // wasm V8 would load both terms' δ ahead and run out of registers).
        let pairs = if S::L >= 4 { x_safe / 2 } else { 0 };
        for _ in 0..pairs {
            let s0 = S::broadcast(a);
            let s1 = S::broadcast(a.add(u.cols));
            for v in 0..NV {
                acc[v] = S::mul_add(S::load(d.add(v * l)), s0, acc[v]);
            }
            for v in 0..NV {
                acc[v] = S::mul_add(S::load(d.add(u.rows + v * l)), s1, acc[v]);
            }
            a = a.add(2 * u.cols);
            d = d.add(2 * u.rows);
        }
        for _ in 2 * pairs..x_safe {
            let s = S::broadcast(a);
            for v in 0..NV {
                acc[v] = S::mul_add(S::load(d.add(v * l)), s, acc[v]);
            }
            a = a.add(u.cols);
            d = d.add(u.rows);
        }
        for _ in x_safe..u.m {
            let s = S::broadcast(a);
            for v in 0..NV {
                let dv = if v + 1 == NV {
                    S::load_first(d.add(v * l), t)
                } else {
                    S::load(d.add(v * l))
                };
                acc[v] = S::mul_add(dv, s, acc[v]);
            }
            a = a.add(u.cols);
            d = d.add(u.rows);
        }
        for v in 0..NV {
            if v + 1 < NV {
                S::store(out.add(v * l), acc[v]);
                chk = S::add(chk, S::sub(acc[v], acc[v]));
            } else {
                S::store(out.add(v * l), acc[v]);
                chk_tail = S::add(chk_tail, S::sub(acc[v], acc[v]));
            }
        }
    }
    (chk, chk_tail)
}

/// The two factors of a product, as raw parts checked against their slices by the
/// constructors: A[j, k] = a[j + k·rows], B[k, col] = b[k·b_inner + col·b_col].
#[derive(Clone, Copy)]
struct Operands {
    rows: usize,
    inner: usize,
    cols: usize,
    a: *const f64,
    b: *const f64,
    b_inner: usize,
    b_col: usize,
}

impl Operands {
    /// Column-major A (`rows` × `inner`) and B (`inner` × `cols`).
    fn plain(rows: usize, inner: usize, cols: usize, a: &[f64], b: &[f64]) -> Operands {
        let a = &a[..rows * inner];
        let b = &b[..inner * cols];
        Operands {
            rows,
            inner,
            cols,
            a: a.as_ptr(),
            b: b.as_ptr(),
            b_inner: 1,
            b_col: inner,
        }
    }
}

/// Where C starts before A·B is added.
#[derive(Clone, Copy)]
enum Start {
    Zero,
    /// P, `rows` × `cols` column-major (P may be C itself: each block reads its part of P
    /// before it writes that part of C).
    Matrix(*const f64),
    /// One column of `rows` numbers, the same for every column of C.
    Column(*const f64),
}

/// C = start + A·B over all of C (`rows` × `cols`, column-major at `c`). The caller has
/// checked every pointer against a slice of the right length. Whether C is finite is not
/// checked here: no product's caller needs it (the step checks its new weights and biases,
/// and its cost), and a running sum of x − x over C was one long chain of additions through
/// every product.
fn product(ops: Operands, start: Start, c: *mut f64) {
    if ops.rows == 0 || ops.cols == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has just been checked for both features the function is built
        // with; the operands were checked against their slices.
        return unsafe { product_avx2(ops, start, c) };
    }
    // wasm, up to 8 rows (the 2-D page's layers; in its module, built without `digits`,
    // every product): a column at a time (`columns`).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if cfg!(not(feature = "digits")) || ops.rows <= COLUMN_VECTORS * 2 {
        // SAFETY: the operands were checked against their slices.
        return unsafe { columns::<simd128::F64x2, NO_PRIME>(ops, start, c, core::ptr::null()) };
    }
    // wasm: blocks of 4 rows (two 128-bit vectors) × 4 columns, 8 accumulators. V8 keeps
    // some of x64's 16 vector registers for itself and a multiply needs a temporary: with 10
    // accumulators (× 5 columns) its code kept four of them on the stack. With relaxed SIMD's
    // fused multiply-add (no temporary) node 26's V8 (14.6) kept 10 in registers, but
    // Chromium's (15.6) keeps two or three of them on the stack, and each then waits on its
    // store and reload every step of the inner loop: [784,30,10] per step in Chromium, same
    // page, 67–92 k examples/s with × 5 against 74–112 k with × 4.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: the operands were checked against their slices.
        unsafe { blocks::<simd128::F64x2, 2, 4>(ops, start, c) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        // SAFETY: the operands were checked against their slices.
        unsafe { blocks::<scalar::F64x1, 2, 4>(ops, start, c) }
    }
}

/// Vectors of rows per block of `columns`: 4 (8 rows), the 2-D page's usual layer.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const COLUMN_VECTORS: usize = 4;

/// C = start + A·B in wasm for short columns: C column after column, each in blocks of up to
/// COLUMN_VECTORS vectors of rows whose sums stay in registers over the whole inner
/// dimension, each step one broadcast of B and a load and multiply-add per vector. Against
/// `blocks` (4 rows × 4 columns), which sets up and dispatches six blocks for a product of
/// [2,8,8,8,1]'s, this has one dispatch per product and a short loop per column: a step
/// 8 % quicker in Chromium (same-page A/B, the relaxed build). The same numbers as `blocks`:
/// each entry is start + its k terms in order.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
unsafe fn columns<S: Lanes, const PRIME: u8>(
    ops: Operands,
    start: Start,
    c: *mut f64,
    prime_of: *const f64,
) {
    let block = COLUMN_VECTORS * S::L;
    let mut j0 = 0;
    while j0 < ops.rows {
        let nr = block.min(ops.rows - j0);
        match nr.div_ceil(S::L) {
            1 => column_block::<S, 1, PRIME>(ops, start, c, j0, nr, prime_of),
            2 => column_block::<S, 2, PRIME>(ops, start, c, j0, nr, prime_of),
            3 => column_block::<S, 3, PRIME>(ops, start, c, j0, nr, prime_of),
            _ => column_block::<S, COLUMN_VECTORS, PRIME>(ops, start, c, j0, nr, prime_of),
        }
        j0 += nr;
    }
}

/// `columns` with no σ′ after the product.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const NO_PRIME: u8 = 0;
/// σ′ of the sigmoid, a(1 − a), times each entry, a from `prime_of` (laid out as C).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const SIGMOID_PRIME: u8 = 1;
/// σ′ of tanh, 1 − a², times each entry.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const TANH_PRIME: u8 = 2;

/// BP2 with σ′ in the same pass, in wasm: C = (A·B) ⊙ σ′, σ′ read off `a` (laid out as C, the
/// layer's activations) for the sigmoid and tanh, C's numbers multiplied by it in registers
/// before they are stored: the same numbers as `gemm_set` and then `d *= a·(1 − a)` (or
/// `1 − a·a`) in a pass of their own, without that pass's loads and stores. False (nothing
/// done) for another activation or shape; the caller then takes the two steps.
#[allow(clippy::too_many_arguments)]
pub fn gemm_set_times_prime(
    rows: usize,
    inner: usize,
    cols: usize,
    a: &[f64],
    b: &[f64],
    c: &mut [f64],
    act: crate::Activation,
    prime_of: &[f64],
) -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if rows > 0 && (cfg!(not(feature = "digits")) || rows <= COLUMN_VECTORS * 2) {
        let c = &mut c[..rows * cols];
        let prime_of = &prime_of[..rows * cols];
        let ops = Operands::plain(rows, inner, cols, a, b);
        let (c, p) = (c.as_mut_ptr(), prime_of.as_ptr());
        use simd128::F64x2 as S;
        // SAFETY: the operands were checked against their slices, σ′'s against C's length.
        match act {
            crate::Activation::Sigmoid => unsafe {
                columns::<S, SIGMOID_PRIME>(ops, Start::Zero, c, p)
            },
            crate::Activation::Tanh => unsafe { columns::<S, TANH_PRIME>(ops, Start::Zero, c, p) },
            _ => return false,
        }
        return true;
    }
    let _ = (rows, inner, cols, a, b, c, act, prime_of);
    false
}

/// Rows j0 .. j0 + nr (NV vectors) of every column of C for `columns`. Where the last vector
/// holds one real row (the last block of an odd number of rows) its loads of A read the top
/// of A's next column, harmless, except at the last step, where that would pass the end of A
/// and the load is masked; it is stored one number only (C may be its own start, so nothing
/// may spill into the next column).
#[allow(clippy::needless_range_loop)]
#[inline(always)]
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
unsafe fn column_block<S: Lanes, const NV: usize, const PRIME: u8>(
    ops: Operands,
    start: Start,
    c: *mut f64,
    j0: usize,
    nr: usize,
    prime_of: *const f64,
) {
    let l = S::L;
    let tail = nr - (NV - 1) * l;
    let short = tail < l;
    let load = |p: *const f64, v: usize| {
        if short && v + 1 == NV {
            S::load_first(p, tail)
        } else {
            S::load(p)
        }
    };
    let whole = if short {
        ops.inner.saturating_sub(1)
    } else {
        ops.inner
    };
    for col in 0..ops.cols {
        let mut acc = [S::zero(); NV];
        match start {
            Start::Zero => {}
            Start::Column(p) => {
                for v in 0..NV {
                    acc[v] = load(p.add(j0 + v * l), v);
                }
            }
            Start::Matrix(p) => {
                for v in 0..NV {
                    acc[v] = load(p.add(j0 + col * ops.rows + v * l), v);
                }
            }
        }
        let mut a = ops.a.add(j0);
        let mut b = ops.b.add(col * ops.b_col);
        for _ in 0..whole {
            let s = S::broadcast(b);
            for v in 0..NV {
                acc[v] = S::mul_add(S::load(a.add(v * l)), s, acc[v]);
            }
            a = a.add(ops.rows);
            b = b.add(ops.b_inner);
        }
        if whole < ops.inner {
            let s = S::broadcast(b);
            for v in 0..NV {
                acc[v] = S::mul_add(load(a.add(v * l), v), s, acc[v]);
            }
        }
        let out = c.add(j0 + col * ops.rows);
        if PRIME != NO_PRIME {
            let one = S::splat(1.0);
            let p = prime_of.add(j0 + col * ops.rows);
            for v in 0..NV {
                let a = load(p.add(v * l), v);
                let prime = if PRIME == SIGMOID_PRIME {
                    S::mul(a, S::sub(one, a))
                } else {
                    S::sub(one, S::mul(a, a))
                };
                acc[v] = S::mul(acc[v], prime);
            }
        }
        for v in 0..NV {
            if short && v + 1 == NV {
                S::store_first(out.add(v * l), tail, acc[v]);
            } else {
                S::store(out.add(v * l), acc[v]);
            }
        }
    }
}

/// The kernel compiled for AVX2 with fused multiply-adds: blocks of 8 rows (two 256-bit
/// vectors) × 6 columns, 12 accumulators of the 16 registers (two more for A, one for B). Fusing rounds once instead of
/// twice, a difference far below 1e-12.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn product_avx2(ops: Operands, start: Start, c: *mut f64) {
    blocks::<avx2::F64x4, 2, 6>(ops, start, c)
}

/// A vector of `L` f64 lanes and the few operations the kernel needs. Every method is unsafe
/// only because it reads or writes through a raw pointer (or needs its instruction set).
trait Lanes {
    type V: Copy;
    const L: usize;
    unsafe fn zero() -> Self::V;
    unsafe fn splat(x: f64) -> Self::V;
    /// Broadcast *p to every lane.
    unsafe fn broadcast(p: *const f64) -> Self::V;
    unsafe fn load(p: *const f64) -> Self::V;
    /// The first `n` (< L) lanes from p, zeros after; reads nothing past p + n.
    unsafe fn load_first(p: *const f64, n: usize) -> Self::V;
    unsafe fn store(p: *mut f64, v: Self::V);
    /// Store the first `n` (< L) lanes; returns v with the other lanes set to zero.
    unsafe fn store_first(p: *mut f64, n: usize, v: Self::V) -> Self::V;
    /// v with the lanes from `n` (< L) on set to zero.
    unsafe fn keep_first(v: Self::V, n: usize) -> Self::V;
    /// a·b + c for one number, rounded as `mul_add` rounds each lane.
    unsafe fn mul_add_one(a: f64, b: f64, c: f64) -> f64;
    /// a·b + c.
    unsafe fn mul_add(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    unsafe fn mul(a: Self::V, b: Self::V) -> Self::V;
    unsafe fn add(a: Self::V, b: Self::V) -> Self::V;
    unsafe fn sub(a: Self::V, b: Self::V) -> Self::V;
    /// Whether every lane is exactly zero (a NaN lane is not).
    unsafe fn all_zero(v: Self::V) -> bool;
}

/// Steps of the inner dimension per pass over all of C. A long inner dimension (784 inputs) is
/// cut into chunks of about this many, and every block of C takes its share of one chunk
/// before the next chunk starts: A's columns of the chunk (30 × 64 numbers, 15 KB) and B's
/// rows of it (10 × 64, 5 KB) stay in L1 while all the blocks use them, so A and B cross from
/// L2 once per product instead of once per block. Each block's sums go on from the numbers
/// the previous chunk stored, k after k as without chunks: the results are the same bits.
const CHUNK: usize = 64;

/// All blocks of C: NV (≤ 2) vectors of rows (at most) by C (≤ 6) columns (at most), columns
/// outermost so that consecutive blocks share the columns of P and C they touch, within each
/// chunk of the inner dimension (`CHUNK`).
#[inline(always)]
unsafe fn blocks<S: Lanes, const NV: usize, const C: usize>(
    ops: Operands,
    start: Start,
    c: *mut f64,
) {
    // One chunk needs no division to find its length (small layers run this often); one call
    // site of `chunk_blocks` keeps the wasm module from holding its blocks twice.
    let per_chunk = if ops.inner <= CHUNK {
        ops.inner
    } else {
        ops.inner.div_ceil(ops.inner.div_ceil(CHUNK))
    };
    let mut k0 = 0;
    let mut start = start;
    loop {
        let k1 = ops.inner.min(k0 + per_chunk);
        chunk_blocks::<S, NV, C>(ops, start, c, k0, k1);
        start = Start::Matrix(c as *const f64);
        k0 = k1;
        if k0 >= ops.inner {
            return;
        }
    }
}

/// Steps k0 .. k1 of the inner dimension for every block of C (`blocks`).
#[inline(always)]
unsafe fn chunk_blocks<S: Lanes, const NV: usize, const C: usize>(
    ops: Operands,
    start: Start,
    c: *mut f64,
    k0: usize,
    k1: usize,
) {
    let block_rows = NV * S::L;
    let mut c0 = 0;
    while c0 < ops.cols {
        let nc = C.min(ops.cols - c0);
        let mut j0 = 0;
        while j0 < ops.rows {
            let nr = block_rows.min(ops.rows - j0);
            let nv = nr.div_ceil(S::L);
            let at = Block { j0, c0, nr, k0, k1 };
            match (nv, nc) {
                (1, 1) => block::<S, 1, 1>(ops, start, c, at),
                (1, 2) => block::<S, 1, 2>(ops, start, c, at),
                (1, 3) => block::<S, 1, 3>(ops, start, c, at),
                (1, 4) => block::<S, 1, 4>(ops, start, c, at),
                (1, 5) => block::<S, 1, 5>(ops, start, c, at),
                (1, _) => block::<S, 1, 6>(ops, start, c, at),
                (_, 1) => block::<S, 2, 1>(ops, start, c, at),
                (_, 2) => block::<S, 2, 2>(ops, start, c, at),
                (_, 3) => block::<S, 2, 3>(ops, start, c, at),
                (_, 4) => block::<S, 2, 4>(ops, start, c, at),
                (_, 5) => block::<S, 2, 5>(ops, start, c, at),
                _ => block::<S, 2, 6>(ops, start, c, at),
            }
            j0 += nr;
        }
        c0 += nc;
    }
}

/// Where one block of C lies: rows j0 .. j0 + nr, columns c0 .., inner steps k0 .. k1.
#[derive(Clone, Copy)]
struct Block {
    j0: usize,
    c0: usize,
    nr: usize,
    k0: usize,
    k1: usize,
}

/// Rows j0 .. j0 + nr (nr > (NV − 1)·L) by columns c0 .. c0 + C of C = start + A·B.
///
/// The last of the NV vectors may hold fewer than L real rows. Its extra lanes read the next
/// numbers of A (the top of A's next column), harmless since those lanes are never stored;
/// only where such a load would pass the end of A is it masked.
// Plain index loops over the accumulators (not iterators over references) keep them in
// registers.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn block<S: Lanes, const NV: usize, const C: usize>(
    ops: Operands,
    start: Start,
    c: *mut f64,
    at: Block,
) {
    let Block { j0, c0, nr, k0, k1 } = at;
    let l = S::L;
    let (rows, inner) = (ops.rows, ops.inner);
    // Real rows in the last vector.
    let tail = nr - (NV - 1) * l;
    let mut acc = [[S::zero(); NV]; C];
    match start {
        Start::Zero => {}
        Start::Column(p) => {
            let p = p.add(j0);
            let mut col = [S::zero(); NV];
            for (v, x) in col.iter_mut().enumerate() {
                *x = if v + 1 == NV && tail < l {
                    S::load_first(p.add(v * l), tail)
                } else {
                    S::load(p.add(v * l))
                };
            }
            acc = [col; C];
        }
        Start::Matrix(p) => {
            for (cc, acc) in acc.iter_mut().enumerate() {
                let p = p.add(j0 + (c0 + cc) * rows);
                for (v, x) in acc.iter_mut().enumerate() {
                    *x = if v + 1 == NV && tail < l {
                        S::load_first(p.add(v * l), tail)
                    } else {
                        S::load(p.add(v * l))
                    };
                }
            }
        }
    }
    // Steps of the inner dimension whose full-width loads of A stay inside A: all of them
    // unless the last vector is short, and then all but the last few (usually one).
    let safe = if tail == l {
        inner
    } else {
        let over = j0 + NV * l - rows;
        let masked = if over <= rows { 1 } else { over.div_ceil(rows) };
        inner.saturating_sub(masked)
    };
    let a = ops.a.add(j0);
    let b = ops.b.add(c0 * ops.b_col);
    let safe = safe.clamp(k0, k1);
    let acc = steps::<S, NV, C, false>(acc, a, b, ops, k0, safe, tail);
    let acc = steps::<S, NV, C, true>(acc, a, b, ops, safe, k1, tail);
    for cc in 0..C {
        let out = c.add(j0 + (c0 + cc) * rows);
        for v in 0..NV {
            let x = acc[cc][v];
            if v + 1 == NV && tail < l {
                S::store_first(out.add(v * l), tail, x);
            } else {
                S::store(out.add(v * l), x);
            }
        }
    }
}

/// Steps k0 .. k1 of the inner dimension for one block: acc += A[rows of the block, k] ·
/// B[k, columns of the block]. With MASKED the last vector of A holds only `tail` real rows
/// and is read with a masked load. The accumulators come in and go out by value so they
/// live in registers.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn steps<S: Lanes, const NV: usize, const C: usize, const MASKED: bool>(
    mut acc: [[S::V; NV]; C],
    a: *const f64,
    b: *const f64,
    ops: Operands,
    k0: usize,
    k1: usize,
    tail: usize,
) -> [[S::V; NV]; C] {
    let l = S::L;
    let tail = tail.min(l - 1);
    let mut a = a.add(k0 * ops.rows);
    let mut b = b.add(k0 * ops.b_inner);
    for _ in k0..k1 {
        let mut av = [S::zero(); NV];
        for v in 0..NV {
            av[v] = if MASKED && v + 1 == NV {
                S::load_first(a.add(v * l), tail)
            } else {
                S::load(a.add(v * l))
            };
        }
        for cc in 0..C {
            let s = S::broadcast(b.add(cc * ops.b_col));
            for v in 0..NV {
                acc[cc][v] = S::mul_add(av[v], s, acc[cc][v]);
            }
        }
        a = a.add(ops.rows);
        b = b.add(ops.b_inner);
    }
    acc
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::Lanes;
    use std::arch::x86_64::*;

    pub struct F64x4;

    /// Lane masks for `_mm256_maskload_pd`: the first n lanes set.
    const FIRST: [[i64; 4]; 4] = [[0, 0, 0, 0], [-1, 0, 0, 0], [-1, -1, 0, 0], [-1, -1, -1, 0]];

    impl Lanes for F64x4 {
        type V = __m256d;
        const L: usize = 4;
        #[inline(always)]
        unsafe fn zero() -> __m256d {
            _mm256_setzero_pd()
        }
        #[inline(always)]
        unsafe fn splat(x: f64) -> __m256d {
            _mm256_set1_pd(x)
        }
        #[inline(always)]
        unsafe fn broadcast(p: *const f64) -> __m256d {
            _mm256_broadcast_sd(&*p)
        }
        #[inline(always)]
        unsafe fn load(p: *const f64) -> __m256d {
            _mm256_loadu_pd(p)
        }
        #[inline(always)]
        unsafe fn load_first(p: *const f64, n: usize) -> __m256d {
            let mask = _mm256_loadu_si256(FIRST[n].as_ptr() as *const __m256i);
            _mm256_maskload_pd(p, mask)
        }
        #[inline(always)]
        unsafe fn store(p: *mut f64, v: __m256d) {
            _mm256_storeu_pd(p, v)
        }
        #[inline(always)]
        unsafe fn store_first(p: *mut f64, n: usize, v: __m256d) -> __m256d {
            let low = _mm256_castpd256_pd128(v);
            match n {
                1 => _mm_store_sd(p, low),
                2 => _mm_storeu_pd(p, low),
                _ => {
                    _mm_storeu_pd(p, low);
                    _mm_store_sd(p.add(2), _mm256_extractf128_pd::<1>(v));
                }
            }
            let mask = _mm256_loadu_si256(FIRST[n].as_ptr() as *const __m256i);
            _mm256_and_pd(v, _mm256_castsi256_pd(mask))
        }
        #[inline(always)]
        unsafe fn keep_first(v: __m256d, n: usize) -> __m256d {
            let mask = _mm256_loadu_si256(FIRST[n].as_ptr() as *const __m256i);
            _mm256_and_pd(v, _mm256_castsi256_pd(mask))
        }
        #[inline(always)]
        unsafe fn mul_add_one(a: f64, b: f64, c: f64) -> f64 {
            a.mul_add(b, c)
        }
        #[inline(always)]
        unsafe fn mul_add(a: __m256d, b: __m256d, c: __m256d) -> __m256d {
            _mm256_fmadd_pd(a, b, c)
        }
        #[inline(always)]
        unsafe fn mul(a: __m256d, b: __m256d) -> __m256d {
            _mm256_mul_pd(a, b)
        }
        #[inline(always)]
        unsafe fn add(a: __m256d, b: __m256d) -> __m256d {
            _mm256_add_pd(a, b)
        }
        #[inline(always)]
        unsafe fn sub(a: __m256d, b: __m256d) -> __m256d {
            _mm256_sub_pd(a, b)
        }
        #[inline(always)]
        unsafe fn all_zero(v: __m256d) -> bool {
            // Ordered, non-equal: a NaN lane compares false, so it is caught below.
            let eq = _mm256_cmp_pd::<_CMP_EQ_OQ>(v, _mm256_setzero_pd());
            _mm256_movemask_pd(eq) == 0b1111
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use super::Lanes;
    use core::arch::wasm32::*;

    pub struct F64x2;

    impl Lanes for F64x2 {
        type V = v128;
        const L: usize = 2;
        #[inline(always)]
        unsafe fn zero() -> v128 {
            f64x2_splat(0.0)
        }
        #[inline(always)]
        unsafe fn splat(x: f64) -> v128 {
            f64x2_splat(x)
        }
        #[inline(always)]
        unsafe fn broadcast(p: *const f64) -> v128 {
            v128_load64_splat(p as *const u64)
        }
        #[inline(always)]
        unsafe fn load(p: *const f64) -> v128 {
            v128_load(p as *const v128)
        }
        #[inline(always)]
        unsafe fn load_first(p: *const f64, n: usize) -> v128 {
            if n == 0 {
                f64x2_splat(0.0)
            } else {
                v128_load64_zero(p as *const u64)
            }
        }
        #[inline(always)]
        unsafe fn store(p: *mut f64, v: v128) {
            v128_store(p as *mut v128, v)
        }
        #[inline(always)]
        unsafe fn store_first(p: *mut f64, n: usize, v: v128) -> v128 {
            if n == 0 {
                return f64x2_splat(0.0);
            }
            *p = f64x2_extract_lane::<0>(v);
            f64x2_replace_lane::<1>(v, 0.0)
        }
        #[inline(always)]
        unsafe fn keep_first(v: v128, n: usize) -> v128 {
            if n == 0 {
                f64x2_splat(0.0)
            } else {
                f64x2_replace_lane::<1>(v, 0.0)
            }
        }
        #[inline(always)]
        unsafe fn mul_add_one(a: f64, b: f64, c: f64) -> f64 {
            a * b + c
        }
        #[inline(always)]
        unsafe fn mul_add(a: v128, b: v128, c: v128) -> v128 {
            // The digits module's relaxed-SIMD build (`scripts/build.sh`): one multiply-add
            // where the CPU fuses them (V8 on x86-64 with FMA), rounding once instead of
            // twice, as the native AVX2 kernels do — a difference far below 1e-12.
            #[cfg(target_feature = "relaxed-simd")]
            return f64x2_relaxed_madd(a, b, c);
            #[cfg(not(target_feature = "relaxed-simd"))]
            f64x2_add(f64x2_mul(a, b), c)
        }
        #[inline(always)]
        unsafe fn mul(a: v128, b: v128) -> v128 {
            f64x2_mul(a, b)
        }
        #[inline(always)]
        unsafe fn add(a: v128, b: v128) -> v128 {
            f64x2_add(a, b)
        }
        #[inline(always)]
        unsafe fn sub(a: v128, b: v128) -> v128 {
            f64x2_sub(a, b)
        }
        #[inline(always)]
        unsafe fn all_zero(v: v128) -> bool {
            i64x2_all_true(f64x2_eq(v, f64x2_splat(0.0)))
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod scalar {
    use super::Lanes;

    pub struct F64x1;

    impl Lanes for F64x1 {
        type V = f64;
        const L: usize = 1;
        #[inline(always)]
        unsafe fn zero() -> f64 {
            0.0
        }
        #[inline(always)]
        unsafe fn splat(x: f64) -> f64 {
            x
        }
        #[inline(always)]
        unsafe fn broadcast(p: *const f64) -> f64 {
            *p
        }
        #[inline(always)]
        unsafe fn load(p: *const f64) -> f64 {
            *p
        }
        #[inline(always)]
        unsafe fn load_first(_p: *const f64, _n: usize) -> f64 {
            0.0
        }
        #[inline(always)]
        unsafe fn store(p: *mut f64, v: f64) {
            *p = v
        }
        #[inline(always)]
        unsafe fn store_first(_p: *mut f64, _n: usize, _v: f64) -> f64 {
            0.0
        }
        #[inline(always)]
        unsafe fn keep_first(_v: f64, _n: usize) -> f64 {
            0.0
        }
        #[inline(always)]
        unsafe fn mul_add_one(a: f64, b: f64, c: f64) -> f64 {
            c + a * b
        }
        #[inline(always)]
        unsafe fn mul_add(a: f64, b: f64, c: f64) -> f64 {
            c + a * b
        }
        #[inline(always)]
        unsafe fn mul(a: f64, b: f64) -> f64 {
            a * b
        }
        #[inline(always)]
        unsafe fn add(a: f64, b: f64) -> f64 {
            a + b
        }
        #[inline(always)]
        unsafe fn sub(a: f64, b: f64) -> f64 {
            a - b
        }
        #[inline(always)]
        unsafe fn all_zero(v: f64) -> bool {
            v == 0.0
        }
    }
}

/// C = Aᵀ·B, with A `inner` × `rows` (so Aᵀ is `rows` × `inner`), B `inner` × `cols`: every
/// entry a dot product of two contiguous columns (BP2's (w^{l+1})ᵀ δ^{l+1}).
pub fn gemm_tn(rows: usize, inner: usize, cols: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    for col in 0..cols {
        let b_col = &b[col * inner..(col + 1) * inner];
        for (r, out) in c[col * rows..(col + 1) * rows].iter_mut().enumerate() {
            let a_col = &a[r * inner..(r + 1) * inner];
            *out = dot(a_col, b_col);
        }
    }
}

/// Σ x_i y_i with four running sums (so it vectorises).
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let tail: f64 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (x4, y4) in xc.zip(yc) {
        for l in 0..4 {
            acc[l] += x4[l] * y4[l];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(rows: usize, inner: usize, cols: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; rows * cols];
        for j in 0..rows {
            for col in 0..cols {
                for k in 0..inner {
                    c[j + col * rows] += a[j + k * rows] * b[k + col * inner];
                }
            }
        }
        c
    }

    #[test]
    fn blocked_products_equal_the_textbook_triple_loop_for_every_edge_shape() {
        for (rows, inner, cols) in [
            (1, 1, 1),
            (8, 3, 4),
            (9, 5, 5),
            (30, 784, 10),
            (17, 2, 13),
            (3, 8, 10000),
        ] {
            let a: Vec<f64> = (0..rows * inner)
                .map(|i| ((i * 37) % 11) as f64 - 5.0)
                .collect();
            let b: Vec<f64> = (0..inner * cols)
                .map(|i| ((i * 13) % 7) as f64 * 0.5)
                .collect();
            let mut c = vec![0.0; rows * cols];
            gemm_acc(rows, inner, cols, &a, &b, &mut c);
            assert_eq!(c, naive(rows, inner, cols, &a, &b), "{rows}×{inner}×{cols}");
            let mut set = vec![f64::NAN; rows * cols];
            gemm_set(rows, inner, cols, &a, &b, &mut set);
            assert_eq!(set, c, "C = A·B never reads C");
            // Aᵀ·B: hand gemm_tn the transpose of a and compare.
            let mut at = vec![0.0; rows * inner];
            for j in 0..rows {
                for k in 0..inner {
                    at[k + j * inner] = a[j + k * rows];
                }
            }
            let mut c2 = vec![0.0; rows * cols];
            gemm_tn(rows, inner, cols, &at, &b, &mut c2);
            assert_eq!(c2, c);
        }
    }
    /// Integer-valued entries, so every order of summation (and fused or not) is exact.
    fn ints(len: usize, seed: usize) -> Vec<f64> {
        (0..len)
            .map(|i| ((i * 37 + seed * 11) % 13) as f64 - 6.0)
            .collect()
    }

    #[test]
    fn every_product_equals_the_triple_loop_for_all_small_shapes() {
        // Each buffer has exactly its length, so a read past A's end would be caught by
        // valgrind (the kernel reads past short rows only inside A).
        for rows in 1..=13 {
            for inner in 1..=6 {
                for cols in 1..=11 {
                    let a = ints(rows * inner, 1);
                    let b = ints(inner * cols, 2);
                    let want = naive(rows, inner, cols, &a, &b);
                    let what = format!("{rows}×{inner}×{cols}");
                    let mut set = vec![f64::NAN; rows * cols];
                    gemm_set(rows, inner, cols, &a, &b, &mut set);
                    assert_eq!(set, want, "C = A·B, {what}");
                    let start = ints(rows * cols, 3);
                    let mut acc = start.clone();
                    gemm_acc(rows, inner, cols, &a, &b, &mut acc);
                    let sum: Vec<f64> = want.iter().zip(&start).map(|(x, s)| x + s).collect();
                    assert_eq!(acc, sum, "C += A·B, {what}");
                    let bias = ints(rows, 4);
                    let mut z = vec![f64::NAN; rows * cols];
                    weighted_input(rows, inner, cols, &a, &b, &bias, &mut z);
                    let with_bias: Vec<f64> =
                        (0..rows * cols).map(|i| want[i] + bias[i % rows]).collect();
                    assert_eq!(z, with_bias, "w·a + b, {what}");
                    // BP4 fused with the step: shrink·w + d·aᵀ, with d rows × m (m = inner)
                    // and a cols × m.
                    let w = ints(rows * cols, 5);
                    let a_t: Vec<f64> = (0..cols * inner)
                        .map(|i| b[(i / cols) + (i % cols) * inner])
                        .collect();
                    let mut new_w = vec![f64::NAN; rows * cols];
                    let finite = step_weights(rows, inner, cols, 0.5, &w, &a, &a_t, &mut new_w);
                    let stepped: Vec<f64> =
                        (0..rows * cols).map(|i| 0.5 * w[i] + want[i]).collect();
                    assert!(finite);
                    assert_eq!(new_w, stepped, "0.5·w + d·aᵀ, {what}");
                }
            }
        }
    }

    #[test]
    fn the_fused_step_equals_the_triple_loop_over_several_row_blocks_with_or_without_padding() {
        // Rows beyond one block of registers (32 natively, 16 in wasm), every partial last
        // vector, δ exactly rows × m long or followed by a few numbers that must not matter.
        for rows in [
            15, 16, 17, 31, 32, 33, 34, 35, 47, 63, 64, 65, 66, 67, 70, 97,
        ] {
            for m in 1..=4 {
                for cols in [1, 2, 3, 5] {
                    let d = ints(rows * m, 1);
                    let a = ints(cols * m, 2);
                    let w = ints(rows * cols, 3);
                    let want: Vec<f64> = (0..rows * cols)
                        .map(|i| {
                            let (j, k) = (i % rows, i / rows);
                            let sum: f64 = (0..m).map(|x| d[j + x * rows] * a[k + x * cols]).sum();
                            2.0 * w[i] + sum
                        })
                        .collect();
                    let mut padded = d.clone();
                    padded.extend([f64::NAN, f64::INFINITY, 1e308, -1e308, f64::NAN]);
                    for d in [&d, &padded] {
                        let mut out = vec![f64::NAN; rows * cols];
                        assert!(step_weights(rows, m, cols, 2.0, &w, d, &a, &mut out));
                        assert_eq!(out, want, "{rows}×{m}×{cols}, δ of {}", d.len());
                    }
                    // One non-finite weight anywhere is reported, whatever the padding holds.
                    for at in [0, rows - 1, rows * cols - 1, (rows * cols) / 2] {
                        let mut w = w.clone();
                        w[at] = f64::INFINITY;
                        let mut out = vec![0.0; rows * cols];
                        assert!(!step_weights(rows, m, cols, 1.0, &w, &padded, &a, &mut out));
                    }
                }
            }
        }
    }

    #[test]
    fn the_fused_step_reports_any_non_finite_weight_wherever_it_is() {
        let (rows, m, cols) = (30, 10, 13);
        let d = ints(rows * m, 1);
        let a = ints(cols * m, 2);
        let w = ints(rows * cols, 3);
        let mut out = vec![0.0; rows * cols];
        assert!(step_weights(rows, m, cols, 1.0, &w, &d, &a, &mut out));
        for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            for at in [0, 7, 29, 30, rows * cols - 1, rows * cols - 2, 28 + 30 * 12] {
                let mut w = w.clone();
                w[at] = bad;
                assert!(
                    !step_weights(rows, m, cols, 1.0, &w, &d, &a, &mut out),
                    "{bad} at {at}"
                );
            }
        }
        // A product that overflows is caught too.
        let huge = vec![1e300; rows * m];
        assert!(!step_weights(
            rows,
            m,
            cols,
            1.0,
            &w,
            &huge,
            &vec![1e300; cols * m],
            &mut out
        ));
    }
}
