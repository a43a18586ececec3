//! The 2-D data sets a learner trains on — xor, circle, two gaussians, spiral — generated from
//! a seed, with noise and a train/test split.
//!
//! Points lie in the square [−1, 1]²; each has a class 0 or 1.

use crate::limits::MAX_POINTS;
use crate::{Error, Example, Num, Quoted, Result};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::f64::consts::PI;

/// Which picture the points make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Xor,
    Circle,
    Gaussians,
    Spiral,
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "xor" => Ok(Kind::Xor),
            "circle" => Ok(Kind::Circle),
            "gaussians" => Ok(Kind::Gaussians),
            "spiral" => Ok(Kind::Spiral),
            _ => Err(format!(
                "data set must be 'xor', 'circle', 'gaussians' or 'spiral', got {}",
                Quoted(s)
            )),
        }
    }
}

/// A labelled point of the plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: [f64; 2],
    pub label: usize,
}

/// A data set split into training and test points.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: Vec<Point>,
    pub test: Vec<Point>,
}

/// Generate `n` points of `kind` with `noise` in [0, 1], and put `train_share` of them (in
/// [0, 1]) in the training set. The same arguments always give the same points.
pub fn generate(kind: Kind, n: usize, noise: f64, train_share: f64, seed: u64) -> Result<Split> {
    if !(2..=MAX_POINTS).contains(&n) {
        return Err(Error::new(format!(
            "points must be 2 to {MAX_POINTS}, got {n}"
        )));
    }
    if !(0.0..=1.0).contains(&noise) {
        return Err(Error::new(format!(
            "noise must be in [0, 1], got {}",
            Num(noise)
        )));
    }
    if !(0.0..=1.0).contains(&train_share) {
        return Err(Error::new(format!(
            "train share must be in [0, 1], got {}",
            Num(train_share)
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut points: Vec<Point> = (0..n).map(|i| point(kind, i, n, noise, &mut rng)).collect();
    points.shuffle(&mut rng);
    let n_train = ((n as f64) * train_share).round() as usize;
    let test = points.split_off(n_train.min(n));
    Ok(Split {
        train: points,
        test,
    })
}

fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// Point `i` of `n`: the two classes alternate so both are equally common.
fn point(kind: Kind, i: usize, n: usize, noise: f64, rng: &mut ChaCha8Rng) -> Point {
    let label = i % 2;
    let jitter = 0.12 * noise;
    let (x, y) = match kind {
        Kind::Xor => {
            // Uniform in a quadrant, kept a little off the axes so the classes are separable.
            let sx = if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
            let sy = if label == 1 { sx } else { -sx };
            let px = sx * rng.gen_range(0.05..1.0);
            let py = sy * rng.gen_range(0.05..1.0);
            (px + jitter * gauss(rng), py + jitter * gauss(rng))
        }
        Kind::Circle => {
            // Class 1 inside radius 0.45, class 0 in the ring 0.6–0.95.
            let r = if label == 1 {
                0.45 * rng.gen::<f64>().sqrt()
            } else {
                rng.gen_range(0.6..0.95)
            };
            let t = rng.gen_range(0.0..2.0 * PI);
            (
                r * t.cos() + jitter * gauss(rng),
                r * t.sin() + jitter * gauss(rng),
            )
        }
        Kind::Gaussians => {
            let c = if label == 1 { 0.45 } else { -0.45 };
            let s = 0.12 + 0.25 * noise;
            (c + s * gauss(rng), c + s * gauss(rng))
        }
        Kind::Spiral => {
            // Two interleaved arms, one turn and a half each.
            let t = (i / 2) as f64 / (n / 2).max(1) as f64;
            let r = 0.05 + 0.9 * t;
            let angle = 3.0 * PI * t + label as f64 * PI;
            (
                r * angle.cos() + jitter * gauss(rng),
                r * angle.sin() + jitter * gauss(rng),
            )
        }
    };
    Point {
        x: [x.clamp(-1.0, 1.0), y.clamp(-1.0, 1.0)],
        label,
    }
}

/// The desired output for a class: one neuron → y = class; several → one-hot (as for digits).
pub fn target(label: usize, outputs: usize) -> Vec<f64> {
    if outputs == 1 {
        vec![label as f64]
    } else {
        (0..outputs)
            .map(|j| if j == label { 1.0 } else { 0.0 })
            .collect()
    }
}

/// Points as training examples for a network with `outputs` output neurons.
pub fn examples(points: &[Point], outputs: usize) -> Vec<Example> {
    points
        .iter()
        .map(|p| Example {
            x: p.x.to_vec(),
            y: target(p.label, outputs),
        })
        .collect()
}
