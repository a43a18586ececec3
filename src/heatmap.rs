//! Every neuron's activation over a grid of the input plane, in one call per frame: the data
//! behind the output heatmap and the small per-neuron pictures.
//!
//! Only for networks with two inputs. The grid's points go through the network as the columns
//! of one matrix, so a frame costs one matrix product per layer.

use crate::limits::{MAX_COORDINATE, MAX_GRID};
use crate::{Error, Network, Result};
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
    let ff = net.forward_columns(points);
    let neurons: usize = net.sizes[1..].iter().sum();
    let mut out = Vec::with_capacity(neurons * res * res);
    for a in &ff.activations[1..] {
        for j in 0..a.nrows() {
            out.extend(a.row(j).iter().map(|&v| v as f32));
        }
    }
    Ok(out)
}
