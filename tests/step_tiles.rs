//! BP4 fused with the update (`kernels::step_weights`) against the textbook sum for shapes
//! that exercise every part of the tiled native kernel: whole groups of columns and the
//! columns left over, several row blocks with a short last one, the last columns whose
//! spill would pass the end of w, δ with and without padding, and a non-finite weight
//! anywhere.

use nndl_backprop::kernels::step_weights;

/// Integer-valued entries, so every order of summation is exact.
fn ints(len: usize, seed: usize) -> Vec<f64> {
    (0..len)
        .map(|i| ((i * 37 + seed * 11) % 13) as f64 - 6.0)
        .collect()
}

fn textbook(
    rows: usize,
    m: usize,
    cols: usize,
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

#[test]
fn the_tiled_step_equals_the_textbook_sum_for_groups_and_leftover_columns() {
    for rows in [1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 24, 30, 31, 33, 40] {
        for m in [1, 2, 3, 10] {
            for cols in [6, 7, 11, 12, 13, 17, 18, 19, 25, 31] {
                let d = ints(rows * m, 1);
                let a = ints(cols * m, 2);
                let w = ints(rows * cols, 3);
                let mut padded = d.clone();
                padded.extend([f64::NAN, f64::INFINITY, -1e308, f64::NAN]);
                for shrink in [1.0, 0.5] {
                    let want = textbook(rows, m, cols, shrink, &w, &d, &a);
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

#[test]
fn the_tiled_step_reports_a_non_finite_weight_wherever_it_is() {
    for (rows, m, cols) in [
        (30, 10, 19),
        (9, 3, 13),
        (1, 2, 14),
        (16, 1, 12),
        (16, 1, 7),
    ] {
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
