//! The documented limits on what the core accepts, and the checks that enforce them.
//!
//! The limits keep the page responsive; the checks turn a bad argument into an error that
//! names it, before anything is changed.

use crate::{Error, Num, Result};

/// At most this many layers, counting the input (so 8 hidden layers).
pub const MAX_LAYERS: usize = 10;
/// At most this many neurons in one layer (784 inputs fit).
pub const MAX_NEURONS: usize = 1024;
/// At most this many weights and biases in all.
pub const MAX_PARAMETERS: usize = 1_000_000;
/// At most this many examples in one mini-batch.
pub const MAX_BATCH: usize = 10_000;
/// At most this many points in a generated 2-D data set.
pub const MAX_POINTS: usize = 10_000;
/// At most this many cells along one side of a heatmap grid.
pub const MAX_GRID: usize = 256;
/// Heatmap bounds lie within ±this (a larger plane shows nothing the network can use).
pub const MAX_COORDINATE: f64 = 1e6;

/// Check the layer sizes [n_1, …, n_L].
pub fn check_sizes(sizes: &[usize]) -> Result<()> {
    if sizes.len() < 2 || sizes.len() > MAX_LAYERS {
        return Err(Error::new(format!(
            "sizes must list 2 to {MAX_LAYERS} layers (input first), got {}",
            sizes.len()
        )));
    }
    if let Some(l) = sizes.iter().position(|&n| n == 0 || n > MAX_NEURONS) {
        return Err(Error::new(format!(
            "sizes[{l}] (layer {}) must be 1 to {MAX_NEURONS} neurons, got {}",
            l + 1,
            sizes[l]
        )));
    }
    let params: usize = sizes.windows(2).map(|p| p[1] * (p[0] + 1)).sum();
    if params > MAX_PARAMETERS {
        return Err(Error::new(format!(
            "sizes {sizes:?} give {params} weights and biases; at most {MAX_PARAMETERS} are allowed"
        )));
    }
    Ok(())
}

/// Check that `v` has `len` finite numbers.
pub fn check_vector(v: &[f64], len: usize, name: &str) -> Result<()> {
    if v.len() != len {
        return Err(Error::new(format!(
            "{name} must have {len} numbers, got {}",
            v.len()
        )));
    }
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        return Err(Error::new(format!(
            "{name}[{i}] must be a finite number, got {}",
            Num(v[i])
        )));
    }
    Ok(())
}

/// Check the learning rate η, the L2 λ, the training-set size n and the batch size m.
pub fn check_step_args(m: usize, eta: f64, lambda: f64, n: usize) -> Result<()> {
    if m == 0 {
        return Err(Error::new(
            "batch must hold at least one example, got an empty batch",
        ));
    }
    if m > MAX_BATCH {
        return Err(Error::new(format!(
            "batch must hold at most {MAX_BATCH} examples, got {m}"
        )));
    }
    if !(eta.is_finite() && eta > 0.0) {
        return Err(Error::new(format!(
            "learning rate eta must be a finite number > 0, got {}",
            Num(eta)
        )));
    }
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(Error::new(format!(
            "lambda must be a finite number >= 0, got {}",
            Num(lambda)
        )));
    }
    if n == 0 {
        return Err(Error::new(
            "n (the training-set size) must be at least 1, got 0",
        ));
    }
    Ok(())
}
