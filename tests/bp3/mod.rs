//! The checks of BP3 fused with the update (`kernels::add_columns`) that the native tests
//! (`tests/step_tiles.rs`) and the wasm tests (`tests/wasm.rs`) run.

use nndl_backprop::kernels::add_columns;

/// For every rows × cols of the lists: b_j + Σ_c d_jc with the columns added one after the
/// other, bit for bit (the numbers are not integers, so another order would show), reported
/// finite; then a ±∞ or NaN anywhere in d, and two infinities that cancel, reported.
pub fn equals_the_sum_in_column_order(rows_list: &[usize], cols_list: &[usize]) {
    for &rows in rows_list {
        for &cols in cols_list {
            let d: Vec<f64> = (0..rows * cols)
                .map(|i| ((i * 7919 + 13) % 1000) as f64 * 1.37e-3 - 0.61)
                .collect();
            let b: Vec<f64> = (0..rows).map(|j| (j as f64 * 0.3 + 0.1).sin()).collect();
            let want: Vec<u64> = (0..rows)
                .map(|j| {
                    (0..cols)
                        .fold(b[j], |sum, c| sum + d[c * rows + j])
                        .to_bits()
                })
                .collect();
            let mut out = vec![f64::NAN; rows];
            assert!(add_columns(rows, cols, &b, &d, &mut out), "{rows}×{cols}");
            let got: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "{rows}×{cols}");
            for at in [0, rows * cols / 2, rows * cols - 1] {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut d = d.clone();
                    d[at] = bad;
                    assert!(
                        !add_columns(rows, cols, &b, &d, &mut out),
                        "{rows}×{cols}, {bad} at {at}"
                    );
                }
            }
            if cols >= 2 {
                let mut d = d.clone();
                d[rows - 1] = f64::MAX;
                d[2 * rows - 1] = f64::MAX;
                assert!(
                    !add_columns(rows, cols, &b, &d, &mut out),
                    "{rows}×{cols}, a sum past f64::MAX"
                );
            }
        }
    }
}
