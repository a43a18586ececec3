//! The four fundamental equations of backpropagation, BP1–BP4, one function each.
//!
//! Every function takes matrices whose columns are examples: with one column it is the book's
//! equation for a single x; with m columns BP1/BP2 act column by column and BP3/BP4 return the
//! sum Σ_x over the mini-batch, which is what the SGD step needs.

use crate::activation::Activation;
use crate::cost::Cost;
use nalgebra::{DMatrix, DVector};

/// BP1: δ^L = ∇_a C ⊙ σ′(z^L) — the error in the output layer.
///
/// With cross-entropy and a sigmoid output the σ′ cancels (chapter 3, eq. 66) and δ^L = a^L − y;
/// we use that form so a saturated neuron gives a − y rather than 0/0.
pub fn output_error(
    cost: Cost,
    activation: Activation,
    z_l: &DMatrix<f64>,
    a_l: &DMatrix<f64>,
    y: &DMatrix<f64>,
) -> DMatrix<f64> {
    if cost == Cost::CrossEntropy && activation == Activation::Sigmoid {
        return a_l - y;
    }
    DMatrix::from_fn(z_l.nrows(), z_l.ncols(), |j, x| {
        cost.gradient(a_l[(j, x)], y[(j, x)]) * activation.prime(z_l[(j, x)])
    })
}

/// BP2: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ′(z^l) — the error moved back one layer.
pub fn backpropagate_error(
    w_next: &DMatrix<f64>,
    delta_next: &DMatrix<f64>,
    z_l: &DMatrix<f64>,
    activation: Activation,
) -> DMatrix<f64> {
    let mut delta = w_next.tr_mul(delta_next);
    delta.zip_apply(z_l, |d, z| *d *= activation.prime(z));
    delta
}

/// BP3: ∂C/∂b^l_j = δ^l_j — summed over the columns (examples) of δ^l.
pub fn bias_gradient(delta_l: &DMatrix<f64>) -> DVector<f64> {
    delta_l.column_sum()
}

/// BP4: ∂C/∂w^l_jk = a^{l−1}_k δ^l_j — i.e. δ^l (a^{l−1})^T, summed over the examples.
pub fn weight_gradient(delta_l: &DMatrix<f64>, a_prev: &DMatrix<f64>) -> DMatrix<f64> {
    let (rows, m) = (delta_l.nrows(), delta_l.ncols());
    let n_prev = a_prev.nrows();
    if m == 0 {
        return DMatrix::zeros(rows, n_prev);
    }
    let (delta, a) = (delta_l.as_slice(), a_prev.as_slice());
    // Column k of ∂C/∂w^l is Σ_x a^{l−1}_k(x) δ^l(x): the first example's δ column scaled,
    // then each further example's added, in the examples' order. Plain slices (no product
    // library), so it vectorises over j for any m, even m = 1.
    let mut nabla_w = Vec::with_capacity(rows * n_prev);
    for k in 0..n_prev {
        let start = nabla_w.len();
        let a_k0 = a[k];
        nabla_w.extend(delta[..rows].iter().map(|&d| a_k0 * d));
        let out = &mut nabla_w[start..];
        for x in 1..m {
            let a_kx = a[k + x * n_prev];
            for (o, &d) in out.iter_mut().zip(&delta[x * rows..(x + 1) * rows]) {
                *o += a_kx * d;
            }
        }
    }
    DMatrix::from_vec(rows, n_prev, nabla_w)
}
