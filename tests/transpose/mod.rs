//! The check of `kernels::transpose` (BP2's (w^l)ᵀ) that the native tests
//! (`tests/step_tiles.rs`) and the wasm tests (`tests/wasm.rs`) run.

use nndl_backprop::kernels::transpose;

/// For every rows × cols of the lists (odd ones leave a last row or column to the one-by-one
/// loops): t[j·cols + k] = a[k·rows + j] for every number, and nothing of t past rows × cols
/// written.
pub fn equals_the_transpose(rows_list: &[usize], cols_list: &[usize]) {
    for &rows in rows_list {
        for &cols in cols_list {
            let a: Vec<f64> = (0..rows * cols).map(|i| i as f64 + 0.5).collect();
            let mut t = vec![f64::NAN; rows * cols + 3];
            transpose(rows, cols, &a, &mut t);
            for j in 0..rows {
                for k in 0..cols {
                    assert_eq!(
                        t[j * cols + k],
                        a[k * rows + j],
                        "{rows}×{cols}: ({j}, {k})"
                    );
                }
            }
            assert!(
                t[rows * cols..].iter().all(|x| x.is_nan()),
                "{rows}×{cols}: past the end"
            );
        }
    }
}
