//! The numerical gradient check: (C(w + ε) − C(w − ε)) / 2ε beside backprop's ∂C/∂w.
//!
//! Slow on purpose (two forward passes per parameter); it is the outside reference that the
//! tests and the page's gradient-check toggle hold backpropagation to.

use crate::{Network, Result};
use nalgebra::{DMatrix, DVector};

/// Numerical and backprop gradients of C_x for one example, and how far apart they are.
#[derive(Clone, Debug)]
pub struct GradientCheck {
    pub numeric_w: Vec<DMatrix<f64>>,
    pub numeric_b: Vec<DVector<f64>>,
    pub backprop_w: Vec<DMatrix<f64>>,
    pub backprop_b: Vec<DVector<f64>>,
    /// The largest relative error over every weight and bias (see `relative_error`).
    pub max_relative_error: f64,
}

/// |a − b| / max(|a|, |b|), or the absolute difference when both are below `floor`
/// (a relative error of two tiny numbers says nothing).
pub fn relative_error(a: f64, b: f64, floor: f64) -> f64 {
    let scale = a.abs().max(b.abs());
    if scale < floor {
        (a - b).abs()
    } else {
        (a - b).abs() / scale
    }
}

/// C_x for one example, by a forward pass.
fn cost_of(net: &Network, x: &[f64], y: &[f64]) -> f64 {
    let out = net.forward_columns(DMatrix::from_column_slice(x.len(), 1, x));
    let a = out
        .activations
        .last()
        .map(|m| m.as_slice().to_vec())
        .unwrap_or_default();
    net.cost.value(&a, y)
}

/// Central differences with step `epsilon` for every weight and bias of `net`.
pub fn check(net: &Network, x: &[f64], y: &[f64], epsilon: f64) -> Result<GradientCheck> {
    let bp = net.backprop(x, y)?;
    let mut probe = net.clone();
    let central = |probe: &mut Network, get: &mut dyn FnMut(&mut Network) -> &mut f64| {
        let saved = *get(probe);
        *get(probe) = saved + epsilon;
        let plus = cost_of(probe, x, y);
        *get(probe) = saved - epsilon;
        let minus = cost_of(probe, x, y);
        *get(probe) = saved;
        (plus - minus) / (2.0 * epsilon)
    };
    let mut numeric_w = Vec::with_capacity(net.weights.len());
    let mut numeric_b = Vec::with_capacity(net.biases.len());
    for i in 0..net.weights.len() {
        let (rows, cols) = net.weights[i].shape();
        let mut nw = DMatrix::zeros(rows, cols);
        for j in 0..rows {
            for k in 0..cols {
                nw[(j, k)] = central(&mut probe, &mut |n| &mut n.weights[i][(j, k)]);
            }
        }
        let mut nb = DVector::zeros(rows);
        for j in 0..rows {
            nb[j] = central(&mut probe, &mut |n| &mut n.biases[i][j]);
        }
        numeric_w.push(nw);
        numeric_b.push(nb);
    }
    let floor = 1e-7;
    let mut worst: f64 = 0.0;
    for (n, b) in numeric_w.iter().zip(&bp.nabla_w) {
        for (&a, &b) in n.iter().zip(b.iter()) {
            worst = worst.max(relative_error(a, b, floor));
        }
    }
    for (n, b) in numeric_b.iter().zip(&bp.nabla_b) {
        for (&a, &b) in n.iter().zip(b.iter()) {
            worst = worst.max(relative_error(a, b, floor));
        }
    }
    Ok(GradientCheck {
        numeric_w,
        numeric_b,
        backprop_w: bp.nabla_w,
        backprop_b: bp.nabla_b,
        max_relative_error: worst,
    })
}
