//! The four fundamental equations of backpropagation, BP1–BP4, one function each.
//!
//! Every function takes matrices whose columns are examples: with one column it is the book's
//! equation for a single x; with m columns BP1/BP2 act column by column and BP3/BP4 return the
//! sum Σ_x over the mini-batch, which is what the SGD step needs.

use crate::activation::Activation;
use crate::cost::Cost;
use crate::kernels;
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
    let a_prev_t = a_prev.transpose();
    let mut nabla_w = DMatrix::zeros(delta_l.nrows(), a_prev.nrows());
    // Σ_x over the inner dimension (the m examples), by `kernels`' blocked product.
    kernels::gemm_set(
        delta_l.nrows(),
        delta_l.ncols(),
        a_prev.nrows(),
        delta_l.as_slice(),
        a_prev_t.as_slice(),
        nabla_w.as_mut_slice(),
    );
    nabla_w
}
