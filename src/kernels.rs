//! The three matrix products backpropagation needs, written out for the shapes it has: a tall
//! or short weight matrix times a thin batch of m columns. Plain safe Rust that the compiler
//! turns into SIMD (wasm simd128 in the browser, SSE/AVX natively).
//!
//! All matrices are column-major slices. Each product keeps an 8 × 4 block of the result in
//! local accumulators while it runs over the inner dimension, so the hot loop reads each input
//! once per block and writes nothing until the block is done.

/// C += A·B, with A `rows` × `inner`, B `inner` × `cols`, C `rows` × `cols`.
pub fn gemm_acc(rows: usize, inner: usize, cols: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    gemm(
        Dims {
            rows,
            inner,
            add: true,
        },
        cols,
        a,
        b,
        c,
    );
}

/// C = A·B (C is only written, never read).
pub fn gemm_set(rows: usize, inner: usize, cols: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    gemm(
        Dims {
            rows,
            inner,
            add: false,
        },
        cols,
        a,
        b,
        c,
    );
}

fn gemm(dims: Dims, cols: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
    let (rows, inner) = (dims.rows, dims.inner);
    let (a, b, c) = (
        &a[..rows * inner],
        &b[..inner * cols],
        &mut c[..rows * cols],
    );
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has just been checked for both features the function is built with.
        unsafe { gemm_acc_avx2(dims, a, b, c) };
        return;
    }
    columns::<false, 4>(dims, a, b, c);
}

/// The same loops compiled for AVX2 with fused multiply-adds: 8 × 4 blocks in 256-bit
/// registers. Fusing rounds once instead of twice, a difference far below 1e-12.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_acc_avx2(d: Dims, a: &[f64], b: &[f64], c: &mut [f64]) {
    columns::<true, 8>(d, a, b, c);
}

#[derive(Clone, Copy)]
struct Dims {
    rows: usize,
    inner: usize,
    /// Add the product to C (true) or overwrite C with it.
    add: bool,
}

/// All columns of the result, in blocks of 4, then 2, then 1.
#[inline(always)]
fn columns<const FUSED: bool, const J: usize>(d: Dims, a: &[f64], b: &[f64], c: &mut [f64]) {
    let cols = c.len() / d.rows.max(1);
    let mut c0 = 0;
    while c0 + 4 <= cols {
        column_block::<FUSED, J, 4>(d, a, b, c, c0);
        c0 += 4;
    }
    while c0 + 2 <= cols {
        column_block::<FUSED, J, 2>(d, a, b, c, c0);
        c0 += 2;
    }
    while c0 < cols {
        column_block::<FUSED, J, 1>(d, a, b, c, c0);
        c0 += 1;
    }
}

/// Columns c0 .. c0 + C of the result, in row blocks of J, then 4, 2 and 1.
#[inline(always)]
fn column_block<const FUSED: bool, const J: usize, const C: usize>(
    d: Dims,
    a: &[f64],
    b: &[f64],
    c: &mut [f64],
    c0: usize,
) {
    let mut j0 = 0;
    while j0 + J <= d.rows {
        block::<FUSED, J, C>(d, a, b, c, j0, c0);
        j0 += J;
    }
    while j0 + 4 <= d.rows {
        block::<FUSED, 4, C>(d, a, b, c, j0, c0);
        j0 += 4;
    }
    while j0 + 2 <= d.rows {
        block::<FUSED, 2, C>(d, a, b, c, j0, c0);
        j0 += 2;
    }
    while j0 < d.rows {
        block::<FUSED, 1, C>(d, a, b, c, j0, c0);
        j0 += 1;
    }
}

/// One J × C block of C += A·B, accumulated in locals. Blocks are sized so the accumulators
/// fit in the 16 vector registers of x86-64 (and of V8's wasm code).
#[inline(always)]
fn block<const FUSED: bool, const J: usize, const C: usize>(
    d: Dims,
    a: &[f64],
    b: &[f64],
    c: &mut [f64],
    j0: usize,
    c0: usize,
) {
    let (rows, inner) = (d.rows, d.inner);
    let mut acc = [[0.0f64; J]; C];
    let b_cols: [&[f64]; C] = std::array::from_fn(|cc| &b[(c0 + cc) * inner..][..inner]);
    // Walking A by columns and B's columns by a shared k (with their lengths pinned to
    // `inner`) lets the compiler drop the bounds checks from the inner loop.
    for (k, a_col) in a.chunks_exact(rows).take(inner).enumerate() {
        let w: &[f64; J] = a_col[j0..j0 + J].try_into().expect("J entries");
        for cc in 0..C {
            let s = b_cols[cc][k];
            for jj in 0..J {
                acc[cc][jj] = if FUSED {
                    w[jj].mul_add(s, acc[cc][jj])
                } else {
                    acc[cc][jj] + w[jj] * s
                };
            }
        }
    }
    for (cc, acc) in acc.iter().enumerate() {
        let col = &mut c[(c0 + cc) * rows + j0..][..J];
        for jj in 0..J {
            col[jj] = if d.add { col[jj] + acc[jj] } else { acc[jj] };
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
}
