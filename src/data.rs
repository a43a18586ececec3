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
                r * cos_sin(t).0 + jitter * gauss(rng),
                r * cos_sin(t).1 + jitter * gauss(rng),
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
                r * cos_sin(angle).0 + jitter * gauss(rng),
                r * cos_sin(angle).1 + jitter * gauss(rng),
            )
        }
    };
    Point {
        x: [x.clamp(-1.0, 1.0), y.clamp(-1.0, 1.0)],
        label,
    }
}

/// (cos x, sin x) for the data sets' angles (|x| ≤ 4π; correct to 1e-15 while |x| < 2²⁰).
///
/// The standard library's sin and cos reduce any argument, up to 1e308, modulo π/2, and that
/// reduction is the biggest function in the page's wasm module. Here x = qπ/2 + r with
/// |r| ≤ π/4, π/2 split into a 33-bit head (so q·head is exact) and two tails, and sin r, cos r
/// are their Taylor series to r¹⁵ and r¹⁶ (the next terms are below 5e-17 there).
fn cos_sin(x: f64) -> (f64, f64) {
    const PIO2_HEAD: f64 = 1.570_796_326_734_125_6; // π/2 to 33 bits
    const PIO2_MID: f64 = 6.077_100_506_303_966e-11; // the next 33
    const PIO2_TAIL: f64 = 2.022_266_248_795_950_6e-21; // the rest
    let q = (x * std::f64::consts::FRAC_2_PI).round();
    let r = ((x - q * PIO2_HEAD) - q * PIO2_MID) - q * PIO2_TAIL;
    let r2 = r * r;
    // Horner in r²: the coefficients are (−1)ⁱ/(2i+1)! and (−1)ⁱ/(2i)!.
    let mut s = 0.0;
    let mut c = 0.0;
    for i in (1..=8u32).rev() {
        s = s * r2 + if i % 2 == 0 { 1.0 } else { -1.0 } / factorial(2 * i + 1);
        c = c * r2 + if i % 2 == 0 { 1.0 } else { -1.0 } / factorial(2 * i);
    }
    let (sin, cos) = (r + r * r2 * s, 1.0 + r2 * c);
    match (q as i64).rem_euclid(4) {
        0 => (cos, sin),
        1 => (-sin, cos),
        2 => (-cos, -sin),
        _ => (sin, -cos),
    }
}

fn factorial(n: u32) -> f64 {
    (2..=n).map(f64::from).product()
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

#[cfg(test)]
mod tests {
    use super::cos_sin;

    #[test]
    fn cos_sin_agrees_with_the_standard_library_to_1e_15() {
        // Every angle the data sets use is in [−4π, 4π]; go a little past it, through each
        // quadrant boundary, and a few far ones.
        let far = [1e3, -2.5e4, 123_456.789, 1e6];
        let near = (-20_000..=20_000).map(|i| f64::from(i) * 14.0 / 20_000.0);
        let bounds = (-10..=10).flat_map(|q| {
            let b = f64::from(q) * std::f64::consts::FRAC_PI_2;
            [b, b + 1e-9, b - 1e-9]
        });
        for x in near.chain(bounds).chain(far) {
            let (c, s) = cos_sin(x);
            assert!(
                (c - x.cos()).abs() <= 1e-15,
                "cos {x}: {c} against {}",
                x.cos()
            );
            assert!(
                (s - x.sin()).abs() <= 1e-15,
                "sin {x}: {s} against {}",
                x.sin()
            );
        }
        assert_eq!(cos_sin(0.0), (1.0, 0.0));
    }
}
