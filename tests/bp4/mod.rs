//! The checks of BP4 fused with the update (`kernels::step_weights`) that the native tests
//! (`tests/step_tiles.rs`) and the wasm tests (`tests/wasm.rs`) run, each over the shapes that
//! exercise its own kernels.

use nndl_backprop::kernels::step_weights;

/// Integer-valued entries, so every order of summation (and a fused multiply-add) is exact.
pub fn ints(len: usize, seed: usize) -> Vec<f64> {
    (0..len)
        .map(|i| ((i * 37 + seed * 11) % 13) as f64 - 6.0)
        .collect()
}

/// shrink·w_jk + Σ_x d_jx a_kx, one number at a time.
fn textbook(
    (rows, m, cols): (usize, usize, usize),
    shrink: f64,
    w: &[f64],
    d: &[f64],
    a: &[f64],
) -> Vec<f64> {
    (0..rows * cols)
        .map(|i| {
            let (j, k) = (i % rows, i / rows);
            let sum: f64 = (0..m).map(|x| d[j + x * rows] * a[k + x * cols]).sum();
            shrink * w[i] + sum
        })
        .collect()
}

/// Every rows × m × cols of the lists, with and without weight decay, δ with and without
/// numbers after it: exactly the textbook sum, and reported finite.
pub fn equals_the_textbook_sum(rows_list: &[usize], m_list: &[usize], cols_list: &[usize]) {
    for &rows in rows_list {
        for &m in m_list {
            for &cols in cols_list {
                let d = ints(rows * m, 1);
                let a = ints(cols * m, 2);
                let w = ints(rows * cols, 3);
                let mut padded = d.clone();
                padded.extend([f64::NAN, f64::INFINITY, -1e308, f64::NAN]);
                for shrink in [1.0, 0.5] {
                    let want = textbook((rows, m, cols), shrink, &w, &d, &a);
                    for d in [&d, &padded] {
                        let mut out = vec![f64::NAN; rows * cols];
                        assert!(step_weights(rows, m, cols, shrink, &w, d, &a, &mut out));
                        assert_eq!(
                            out,
                            want,
                            "{rows}×{m}×{cols}, shrink {shrink}, δ of {}",
                            d.len()
                        );
                    }
                }
            }
        }
    }
}

/// For each (rows, m, cols): a step is reported not finite wherever one weight is ±∞ or NaN.
pub fn reports_a_non_finite_weight_wherever_it_is(cases: &[(usize, usize, usize)]) {
    for &(rows, m, cols) in cases {
        let d = ints(rows * m + 4, 1);
        let a = ints(cols * m, 2);
        let w = ints(rows * cols, 3);
        let mut out = vec![0.0; rows * cols];
        assert!(step_weights(rows, m, cols, 1.0, &w, &d, &a, &mut out));
        for at in 0..rows * cols {
            let mut bad = w.clone();
            bad[at] = if at % 2 == 0 { f64::INFINITY } else { f64::NAN };
            assert!(
                !step_weights(rows, m, cols, 1.0, &bad, &d, &a, &mut out),
                "{rows}×{m}×{cols}: a non-finite weight at {at}"
            );
        }
    }
}
