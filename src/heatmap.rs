//! Every neuron's activation over a grid of the input plane, in one call per frame: the data
//! behind the output heatmap and the small per-neuron pictures.
//!
//! Only for networks with two inputs. The grid's points go through the network as the columns
//! of one matrix, so a frame costs one matrix product per layer.

use crate::limits::{MAX_COORDINATE, MAX_GRID};
use crate::{Activation, Error, Network, Result};
use nalgebra::DMatrix;

/// The rectangle of the plane a grid covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

/// a^l_j at the centre of each of `res` × `res` cells, for every neuron after the input.
///
/// Layout: neuron by neuron (layer 2's first, in order j), each a `res` × `res` image in rows
/// from the top (y_max) down, columns from x_min rightwards.
pub fn grid(net: &Network, res: usize, bounds: Bounds) -> Result<Vec<f32>> {
    if net.sizes[0] != 2 {
        return Err(Error::new(format!(
            "heatmaps need a network with 2 inputs, this one has {}",
            net.sizes[0]
        )));
    }
    if res == 0 || res > MAX_GRID {
        return Err(Error::new(format!(
            "resolution must be 1 to {MAX_GRID}, got {res}"
        )));
    }
    let b = bounds;
    let in_range = [b.x_min, b.x_max, b.y_min, b.y_max]
        .iter()
        .all(|v| v.abs() <= MAX_COORDINATE);
    if !in_range || b.x_min >= b.x_max || b.y_min >= b.y_max {
        return Err(Error::new(format!(
            "bounds must lie within ±{MAX_COORDINATE:e} with xMin < xMax and yMin < yMax, got {b:?}"
        )));
    }
    let cell_x = (b.x_max - b.x_min) / res as f64;
    let cell_y = (b.y_max - b.y_min) / res as f64;
    let points = DMatrix::from_fn(2, res * res, |k, c| {
        let (row, col) = (c / res, c % res);
        if k == 0 {
            b.x_min + (col as f64 + 0.5) * cell_x
        } else {
            b.y_max - (row as f64 + 0.5) * cell_y
        }
    });
    let neurons: usize = net.sizes[1..].iter().sum();
    let mut out = Vec::with_capacity(neurons * res * res);
    let mut a = points;
    for (i, (w, bias)) in net.weights.iter().zip(&net.biases).enumerate() {
        let mut z = DMatrix::from_fn(w.nrows(), a.ncols(), |j, _| bias[j]);
        z.gemm(1.0, w, &a, 1.0);
        let act = net.layer_activation(i);
        z.apply(|v| *v = display_activation(act, *v));
        for j in 0..z.nrows() {
            out.extend(z.row(j).iter().map(|&v| v as f32));
        }
        a = z;
    }
    Ok(out)
}

/// σ(z) to display precision (relative error below 1e-8, far under the f32 the picture is
/// sent in), several times faster than the exact exp in wasm. Only pictures use it; every
/// number the page prints and every training step uses the exact `Activation::apply`.
#[inline]
fn display_activation(act: Activation, z: f64) -> f64 {
    match act {
        Activation::Sigmoid => 1.0 / (1.0 + fast_exp(-z)),
        Activation::Tanh => 1.0 - 2.0 / (1.0 + fast_exp(2.0 * z)),
        Activation::Relu => z.max(0.0),
        Activation::Linear => z,
    }
}

/// e^x by range reduction x = n ln 2 + r, |r| ≤ ln2/2, and a degree-8 Taylor polynomial
/// (truncation error < 3e-10 relative); saturates to 0 and ∞ outside (−708, 709).
#[inline]
pub fn fast_exp(x: f64) -> f64 {
    if x < -708.0 {
        return 0.0;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    let n = (x * std::f64::consts::LOG2_E).round();
    let r = x - n * std::f64::consts::LN_2;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0
                            + r * (1.0 / 720.0 + r * (1.0 / 5040.0 + r * (1.0 / 40320.0))))))));
    // 2^n, built from its exponent bits (n is within the normal range here).
    p * f64::from_bits(((n as i64 + 1023) as u64) << 52)
}
