//! A digit drawn on the page's pad, made to look like an MNIST digit before the network sees
//! it: MNIST's digits were scaled to fit a 20×20 box (keeping their shape) and then placed in
//! the 28×28 field so that their centre of mass is at the centre. A network trained on MNIST
//! expects exactly that, and misreads a digit drawn small or in a corner.
//!
//! Not an image library: one grayscale picture in, 784 inputs out.

use super::{PIXELS, SIDE};
use crate::{Error, Result};

/// The digit's longer side is scaled to this many pixels, as in MNIST.
pub const BOX: usize = 20;
/// Ink at most this light counts as paper when finding the digit's bounding box.
const PAPER: f64 = 0.05;
/// The largest drawing accepted, per side.
pub const MAX_SIDE: usize = 1024;

/// Turn a `width` × `height` drawing (row after row, ink in [0, 1]) into the 784 inputs of
/// an MNIST-like digit. A blank drawing gives 784 zeros.
pub fn to_mnist(ink: &[f64], width: usize, height: usize) -> Result<Vec<f64>> {
    for (name, n) in [("width", width), ("height", height)] {
        if n == 0 || n > MAX_SIDE {
            return Err(Error::new(format!(
                "drawing {name} must be 1 to {MAX_SIDE} pixels, got {n}"
            )));
        }
    }
    if ink.len() != width * height {
        return Err(Error::new(format!(
            "drawing must have width × height = {} values, got {}",
            width * height,
            ink.len()
        )));
    }
    if let Some(i) = ink.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(Error::new(format!(
            "drawing[{i}] must be ink in [0, 1], got {}",
            ink[i]
        )));
    }
    let Some((x0, y0, x1, y1)) = bounding_box(ink, width, height) else {
        return Ok(vec![0.0; PIXELS]);
    };
    let (bw, bh) = ((x1 - x0) as f64, (y1 - y0) as f64);
    let scale = BOX as f64 / bw.max(bh);
    let tw = ((bw * scale).round() as usize).clamp(1, BOX);
    let th = ((bh * scale).round() as usize).clamp(1, BOX);
    // Resample the box into tw × th by area: each target pixel is the mean ink under it.
    let mut small = vec![0.0; tw * th];
    for ty in 0..th {
        for tx in 0..tw {
            let sx = (
                x0 as f64 + tx as f64 / scale,
                x0 as f64 + (tx + 1) as f64 / scale,
            );
            let sy = (
                y0 as f64 + ty as f64 / scale,
                y0 as f64 + (ty + 1) as f64 / scale,
            );
            small[ty * tw + tx] = area_mean(ink, width, sx, sy);
        }
    }
    Ok(centre_by_mass(&small, tw, th))
}

/// The smallest rectangle [x0, x1) × [y0, y1) holding every inked pixel, if any is.
fn bounding_box(ink: &[f64], width: usize, height: usize) -> Option<(usize, usize, usize, usize)> {
    let (mut x0, mut y0, mut x1, mut y1) = (width, height, 0, 0);
    for y in 0..height {
        for x in 0..width {
            if ink[y * width + x] > PAPER {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x + 1);
                y1 = y1.max(y + 1);
            }
        }
    }
    (x1 > x0).then_some((x0, y0, x1, y1))
}

/// Mean ink over the source rectangle [sx.0, sx.1) × [sy.0, sy.1), pixels weighted by overlap.
fn area_mean(ink: &[f64], width: usize, sx: (f64, f64), sy: (f64, f64)) -> f64 {
    let height = ink.len() / width;
    let (mut sum, mut area) = (0.0, 0.0);
    for y in (sy.0.floor() as usize)..(sy.1.ceil() as usize).min(height) {
        let wy = overlap(y, sy);
        for x in (sx.0.floor() as usize)..(sx.1.ceil() as usize).min(width) {
            let w = wy * overlap(x, sx);
            sum += w * ink[y * width + x];
            area += w;
        }
    }
    if area > 0.0 {
        (sum / area).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// How much of pixel [i, i + 1) lies inside [r.0, r.1).
fn overlap(i: usize, r: (f64, f64)) -> f64 {
    let (lo, hi) = (i as f64, i as f64 + 1.0);
    (hi.min(r.1) - lo.max(r.0)).max(0.0)
}

/// Place a `w` × `h` image (w, h ≤ 20) in the 28×28 field with its centre of mass on pixel
/// (14, 14), moving by whole pixels as MNIST did (every MNIST digit's centre of mass, in
/// pixel indices, lies within half a pixel of 14).
fn centre_by_mass(img: &[f64], w: usize, h: usize) -> Vec<f64> {
    let (mut mass, mut mx, mut my) = (0.0, 0.0, 0.0);
    for y in 0..h {
        for x in 0..w {
            let v = img[y * w + x];
            mass += v;
            mx += v * x as f64;
            my += v * y as f64;
        }
    }
    let centre = (SIDE / 2) as f64;
    let (cx, cy) = if mass > 0.0 {
        (mx / mass, my / mass)
    } else {
        ((w / 2) as f64, (h / 2) as f64)
    };
    let dx = (centre - cx).round() as isize;
    let dy = (centre - cy).round() as isize;
    let mut out = vec![0.0; PIXELS];
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as isize + dx, y as isize + dy);
            if (0..SIDE as isize).contains(&fx) && (0..SIDE as isize).contains(&fy) {
                out[fy as usize * SIDE + fx as usize] = img[y * w + x];
            }
        }
    }
    out
}
