//! One SGD step recorded in full, for the page's animation: each example's own backprop, the
//! mean gradient over the mini-batch, and the change Δw, Δb that the step applied.
//!
//! Not the fast path: it backpropagates the examples one by one so each can be shown.

use crate::{Backprop, Example, Network, Result};
use nalgebra::{DMatrix, DVector};

/// Everything one mini-batch step did.
#[derive(Clone, Debug)]
pub struct StepTrace {
    /// Each example's own forward pass, δ and gradient (BP1–BP4).
    pub examples: Vec<Backprop>,
    /// (1/m) Σ_x ∂C_x/∂w^l and (1/m) Σ_x ∂C_x/∂b^l.
    pub mean_nabla_w: Vec<DMatrix<f64>>,
    pub mean_nabla_b: Vec<DVector<f64>>,
    /// The change each weight and bias underwent: new − old.
    pub delta_w: Vec<DMatrix<f64>>,
    pub delta_b: Vec<DVector<f64>>,
    /// Mean cost of the batch before the step.
    pub cost: f64,
}

/// Take one SGD step on `batch` and record it. On an error the network is unchanged.
pub fn step_with_trace(
    net: &mut Network,
    batch: &[Example],
    eta: f64,
    lambda: f64,
    n: usize,
) -> Result<StepTrace> {
    net.check_step(batch, eta, lambda, n)?;
    let examples: Vec<Backprop> = batch
        .iter()
        .map(|e| net.backprop(&e.x, &e.y))
        .collect::<Result<_>>()?;
    let m = batch.len() as f64;
    let mut mean_nabla_w: Vec<DMatrix<f64>> = net
        .weights
        .iter()
        .map(|w| DMatrix::zeros(w.nrows(), w.ncols()))
        .collect();
    let mut mean_nabla_b: Vec<DVector<f64>> =
        net.biases.iter().map(|b| DVector::zeros(b.len())).collect();
    for bp in &examples {
        for (acc, g) in mean_nabla_w.iter_mut().zip(&bp.nabla_w) {
            *acc += g / m;
        }
        for (acc, g) in mean_nabla_b.iter_mut().zip(&bp.nabla_b) {
            *acc += g / m;
        }
    }
    let old_w = net.weights.clone();
    let old_b = net.biases.clone();
    let cost = net.update_mini_batch(batch, eta, lambda, n)?;
    let delta_w = net
        .weights
        .iter()
        .zip(&old_w)
        .map(|(new, old)| new - old)
        .collect();
    let delta_b = net
        .biases
        .iter()
        .zip(&old_b)
        .map(|(new, old)| new - old)
        .collect();
    Ok(StepTrace {
        examples,
        mean_nabla_w,
        mean_nabla_b,
        delta_w,
        delta_b,
        cost,
    })
}
