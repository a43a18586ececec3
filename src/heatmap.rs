//! Every neuron's activation over a grid of the input plane, in one call per frame: the data
//! behind the output heatmap and the small per-neuron pictures.
//!
//! Only for networks with two inputs. The grid's points go through the network as the columns
//! of one matrix, so a frame costs one matrix product per layer. tanh is drawn as 2σ(2z) − 1,
//! which shares the sigmoid's vectorisable exp (the same values to display precision).

use crate::activation::sigmoid;
use crate::kernels::gemm_acc;
use crate::limits::{MAX_COORDINATE, MAX_GRID};
use crate::{Activation, Error, Network, Result};

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
            "bounds must lie within ±{} with xMin < xMax and yMin < yMax, got xMin {}, xMax {}, yMin {}, yMax {}",
            crate::Num(MAX_COORDINATE),
            crate::Num(b.x_min),
            crate::Num(b.x_max),
            crate::Num(b.y_min),
            crate::Num(b.y_max)
        )));
    }
    let cell_x = (b.x_max - b.x_min) / res as f64;
    let cell_y = (b.y_max - b.y_min) / res as f64;
    // The grid's centres as the columns of a^1, then each layer in turn (eq. 25).
    let cells = res * res;
    let mut a: Vec<f64> = Vec::with_capacity(2 * cells);
    for c in 0..cells {
        let (row, col) = (c / res, c % res);
        a.push(b.x_min + (col as f64 + 0.5) * cell_x);
        a.push(b.y_max - (row as f64 + 0.5) * cell_y);
    }
    let neurons: usize = net.sizes[1..].iter().sum();
    let mut out = vec![0.0f32; neurons * cells];
    let mut offset = 0;
    for (i, (w, bias)) in net.weights.iter().zip(&net.biases).enumerate() {
        let (n_out, n_in) = w.shape();
        let mut z: Vec<f64> = Vec::with_capacity(n_out * cells);
        for _ in 0..cells {
            z.extend_from_slice(bias.as_slice());
        }
        gemm_acc(n_out, n_in, cells, w.as_slice(), &a, &mut z);
        // σ over the whole buffer first (a plain loop the compiler vectorises), then one pass
        // that lays each neuron's values out as its own image.
        match net.layer_activation(i) {
            Activation::Sigmoid => z.iter_mut().for_each(|v| *v = sigmoid(*v)),
            Activation::Tanh => z
                .iter_mut()
                .for_each(|v| *v = 2.0 * sigmoid(2.0 * *v) - 1.0),
            Activation::Relu => z.iter_mut().for_each(|v| *v = v.max(0.0)),
            Activation::Linear => {}
        }
        let images = &mut out[offset..offset + n_out * cells];
        for (c, column) in z.chunks_exact(n_out).enumerate() {
            for (j, &v) in column.iter().enumerate() {
                images[j * cells + c] = v as f32;
            }
        }
        offset += n_out * cells;
        a = z;
    }
    Ok(out)
}
