//! Every neuron's activation over a grid of the input plane, in one call per frame: the data
//! behind the output heatmap and the small per-neuron pictures.
//!
//! Only for networks with two inputs. The grid's cells go through the network a tile at a
//! time: a tile's weighted inputs z^l and activations a^l for every layer are a few kilobytes,
//! so the whole forward pass (eq. 25) of a tile runs in the processor's first-level cache and
//! each neuron's values land straight in its own image. tanh is drawn as 2σ(2z) − 1, which
//! shares the sigmoid's vectorisable exp (the same values to 1e-15). For both, a layer's
//! weights and biases are packed multiplied by −1 (σ) or −2 (tanh), exactly, so its product
//! gives the exponent u = −z or −2z itself and a = 1/(1 + e^u) or 2/(1 + e^u) − 1 follows
//! without another pass over the tile.

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

/// Cells per tile, a multiple of `CELLS`; 64 cells of the widest layers the page draws (16
/// neurons) are 8 KB of z and 8 KB of a.
/// At most this many numbers in one call's maps (neurons after the input × resolution²):
/// 64 MB of f32, far above any page's need (132 neurons × 100² = 1.3 M), far below what would
/// exhaust wasm's memory. Without it a legal network of ~5,000 neurons at 256² asks for 1.3 GB.
pub const MAX_HEATMAP_VALUES: usize = 1 << 24;

const TILE: usize = 64;
/// Neurons (rows of w^l) per block of the product.
const ROWS: usize = 4;
/// Cells per block of the product (an even number: pairs of lanes); tiles are computed in
/// whole blocks. ROWS × CELLS sums stay in registers.
const CELLS: usize = 4;

/// How many values `grid` returns: every neuron after the input, `res`² each.
pub fn grid_len(net: &Network, res: usize) -> usize {
    net.sizes[1..].iter().sum::<usize>() * res * res
}

/// a^l_j at the centre of each of `res` × `res` cells, for every neuron after the input.
///
/// Layout: neuron by neuron (layer 2's first, in order j), each a `res` × `res` image in rows
/// from the top (y_max) down, columns from x_min rightwards.
pub fn grid(net: &Network, res: usize, bounds: Bounds) -> Result<Vec<f32>> {
    check(net, res, bounds)?;
    let mut out = vec![0.0f32; grid_len(net, res)];
    fill(net, res, bounds, &mut out);
    Ok(out)
}

/// `grid` written into `out`, which must hold exactly `grid_len` numbers (each is written):
/// for a caller that keeps its buffer from frame to frame.
pub fn grid_into(net: &Network, res: usize, bounds: Bounds, out: &mut [f32]) -> Result<()> {
    check(net, res, bounds)?;
    let len = grid_len(net, res);
    if out.len() != len {
        return Err(Error::new(format!(
            "the maps need a buffer of {len} numbers, got one of {}",
            out.len()
        )));
    }
    fill(net, res, bounds, out);
    Ok(())
}

/// The maps into `out` (grid_len numbers). Assumes `check` passed.
fn fill(net: &Network, res: usize, bounds: Bounds, out: &mut [f32]) {
    let cells = res * res;
    each_tile(net, res, bounds, |neuron, cell, count, tile| {
        for j in 0..tile.neurons {
            let image = &mut out[(neuron + j) * cells + cell..][..count];
            let mut src = tile.blocks(j);
            // Four at a time in vectors (the same rounding as `as f32`), each store writing
            // two numbers past its four that the next block's store replaces, so while there
            // is room for them; the rest one by one.
            let mut at = 0;
            while at + CELLS + 2 <= count {
                let Some(block) = src.next() else { break };
                let (lo, hi) = block.split_at(2);
                let dst: &mut [f32; CELLS + 2] = (&mut image[at..at + CELLS + 2])
                    .try_into()
                    .expect("six numbers");
                Pair::load(lo).store_f32(Pair::load(hi), dst);
                at += CELLS;
            }
            for (d, &s) in image[at..].iter_mut().zip(src.flatten()) {
                *d = s as f32;
            }
        }
    });
}

/// The checks `grid` makes before computing anything.
pub fn check(net: &Network, res: usize, bounds: Bounds) -> Result<()> {
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
    let len = grid_len(net, res);
    if len > MAX_HEATMAP_VALUES {
        return Err(Error::new(format!(
            "the maps would hold {len} numbers ({} neurons × {res}²); at most {MAX_HEATMAP_VALUES} are allowed: lower the resolution",
            len / (res * res)
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
    Ok(())
}

/// Runs the grid through the network a tile at a time and hands each layer's activations
/// over each tile to `emit(neuron, first_cell, count, tile)`: `neuron` is the layer's first
/// (counted from layer 2's first), `first_cell` and `count` say which cells of the layout
/// `grid` documents the tile covers. A tile is up to TILE cells of one row of the grid, in
/// blocks of CELLS cells (see `Tile`). Assumes `check` passed.
fn each_tile(
    net: &Network,
    res: usize,
    b: Bounds,
    mut emit: impl FnMut(usize, usize, usize, Tile),
) {
    let cell_x = (b.x_max - b.x_min) / res as f64;
    let cell_y = (b.y_max - b.y_min) / res as f64;
    // Columns rounded up to whole blocks; the extra ones repeat the last column's centre (they
    // are computed like the rest and never emitted).
    let padded = res.div_ceil(CELLS) * CELLS;
    let xs: Vec<f64> = (0..padded)
        .map(|col| b.x_min + (col.min(res - 1) as f64 + 0.5) * cell_x)
        .collect();
    let ys: Vec<f64> = (0..res)
        .map(|row| b.y_max - (row as f64 + 0.5) * cell_y)
        .collect();
    let first = FirstLayer::new(net, &xs, &ys);
    let layers: Vec<Packed> = (0..net.weights.len())
        .map(|i| Packed::new(net, i))
        .collect();
    let widest = net.sizes.iter().copied().max().unwrap_or(0);
    let mut a = vec![0.0f64; widest * TILE];
    let mut z = vec![0.0f64; widest * TILE];
    for (row, &y) in ys.iter().enumerate() {
        for col0 in (0..res).step_by(TILE) {
            let count = TILE.min(res - col0);
            let blocks = count.div_ceil(CELLS);
            let cell = row * res + col0;
            let mut neuron = 0;
            for (i, layer) in layers.iter().enumerate() {
                let n_out = layer.n_out;
                let len = blocks * n_out * CELLS;
                let zs = &mut z[..len];
                if i == 0 && first.separable {
                    first.activations(row, col0, zs);
                } else {
                    if i == 0 {
                        // a^1: the cells' centres.
                        for (blk, a1) in a.chunks_exact_mut(2 * CELLS).take(blocks).enumerate() {
                            let (x1, x2) = a1.split_at_mut(CELLS);
                            x1.copy_from_slice(&xs[col0 + blk * CELLS..][..CELLS]);
                            x2.fill(y);
                        }
                    }
                    layer.weighted_inputs(&a[..blocks * layer.n_in * CELLS], zs);
                    activate(layer.act, zs);
                }
                emit(
                    neuron,
                    cell,
                    count,
                    Tile {
                        values: &z[..len],
                        neurons: n_out,
                    },
                );
                neuron += n_out;
                std::mem::swap(&mut a, &mut z);
            }
        }
    }
}

/// One layer's values over a tile: block by block of CELLS cells, and within a block neuron
/// by neuron, so values[(block · neurons + j) · CELLS + t] is neuron j's at cell t of the block.
#[derive(Clone, Copy)]
struct Tile<'a> {
    values: &'a [f64],
    neurons: usize,
}

impl<'a> Tile<'a> {
    /// Neuron j's values, CELLS at a time, in the order of the cells.
    fn blocks(self, j: usize) -> impl Iterator<Item = &'a [f64]> {
        self.values
            .chunks_exact(self.neurons * CELLS)
            .map(move |block| &block[j * CELLS..][..CELLS])
    }
}

/// Layer 2 without its products or its exps per cell. There z = w_j1·x + (w_j2·y + b_j): the
/// sum of a term of the column and a term of the row, so e^{−z} = e^{−w_j1·x} · e^{−(w_j2·y +
/// b_j)}, and σ(z) = 1/(1 + e^{−z}) costs one product and one division per cell once the
/// 2·res exps of each neuron are known (for tanh = 2σ(2z) − 1 the same with 2z). Used when
/// every one of those exps lies within e^{±354}, so their products stay finite and normal;
/// otherwise (or for ReLU and linear) layer 2 is computed like the others.
struct FirstLayer {
    separable: bool,
    /// tanh, drawn as 2σ(2z) − 1.
    tanh: bool,
    n_out: usize,
    /// e^{−s·w_j1·x} for every padded column, laid out like a tile's buffers: block of
    /// columns, then neuron j, then the block's CELLS columns.
    by_col: Vec<f64>,
    /// e^{−s·(w_j2·y + b_j)} for every row: row, then neuron j, each repeated CELLS times
    /// (one block's worth, to multiply `by_col` with lane by lane).
    by_row: Vec<f64>,
}

impl FirstLayer {
    const LIMIT: f64 = 354.0;

    fn new(net: &Network, xs: &[f64], ys: &[f64]) -> FirstLayer {
        let (w, bias) = (&net.weights[0], &net.biases[0]);
        let act = net.layer_activation(0);
        let n_out = w.nrows();
        let mut layer = FirstLayer {
            separable: false,
            tanh: act == Activation::Tanh,
            n_out,
            by_col: Vec::new(),
            by_row: Vec::new(),
        };
        if !matches!(act, Activation::Sigmoid | Activation::Tanh) {
            return layer;
        }
        let scale = if layer.tanh { 2.0 } else { 1.0 };
        let mut by_col = Vec::with_capacity(xs.len() * n_out);
        for block in xs.chunks_exact(CELLS) {
            for j in 0..n_out {
                by_col.extend(block.iter().map(|&x| -scale * (w[(j, 0)] * x)));
            }
        }
        let mut by_row = Vec::with_capacity(ys.len() * n_out * CELLS);
        for &y in ys {
            for j in 0..n_out {
                by_row.extend([-scale * (w[(j, 1)] * y + bias[j]); CELLS]);
            }
        }
        let in_range = |v: &f64| v.abs() <= Self::LIMIT;
        if !(by_col.iter().all(in_range) && by_row.iter().all(in_range)) {
            return layer;
        }
        // Every one within ±354: `exp_clamped` is e^v itself.
        crate::activation::exp_clamped_in_place(&mut by_col);
        crate::activation::exp_clamped_in_place(&mut by_row);
        layer.by_col = by_col;
        layer.by_row = by_row;
        layer.separable = true;
        layer
    }

    /// a^2 over the tile of row `row` from column `col0`, into `a` (as many blocks as it holds).
    fn activations(&self, row: usize, col0: usize, a: &mut [f64]) {
        let panel = self.n_out * CELLS;
        let e_row = &self.by_row[row * panel..][..panel];
        let e_cols = &self.by_col[col0 * self.n_out..][..a.len()];
        for (a, e_cols) in a.chunks_exact_mut(panel).zip(e_cols.chunks_exact(panel)) {
            let products = e_cols.iter().zip(e_row).map(|(c, r)| c * r);
            if self.tanh {
                a.iter_mut()
                    .zip(products)
                    .for_each(|(a, e)| *a = 2.0 / (1.0 + e) - 1.0);
            } else {
                a.iter_mut()
                    .zip(products)
                    .for_each(|(a, e)| *a = 1.0 / (1.0 + e));
            }
        }
    }
}

/// One layer's w^l and b^l arranged for `weighted_inputs`: the rows j in blocks of ROWS (the
/// last ones alone), each block's weights k by k, so the product reads them in order. Both
/// are multiplied by the layer's `exponent_scale` (−1 for σ, −2 for tanh, 1 otherwise): a
/// power of two, so every product and sum is exactly that multiple of eq. 25's own.
struct Packed {
    n_out: usize,
    n_in: usize,
    act: Activation,
    /// Block starting at row j0 with R rows: from j0·n_in, s·w^l_{j0+r, k} at k·R + r.
    w: Vec<f64>,
    /// s·b^l.
    bias: Vec<f64>,
}

/// What `weighted_inputs` multiplies z^l by for activation `act`: the exponent the activation
/// takes (u = −z for σ(z) = 1/(1 + e^u), u = −2z for tanh(z) = 2/(1 + e^u) − 1), or z itself.
fn exponent_scale(act: Activation) -> f64 {
    match act {
        Activation::Sigmoid => -1.0,
        Activation::Tanh => -2.0,
        Activation::Relu | Activation::Linear => 1.0,
    }
}

impl Packed {
    fn new(net: &Network, i: usize) -> Packed {
        let w = &net.weights[i];
        let act = net.layer_activation(i);
        let scale = exponent_scale(act);
        let (n_out, n_in) = w.shape();
        let mut packed = Vec::with_capacity(n_out * n_in);
        let mut j0 = 0;
        while j0 < n_out {
            let rows = if j0 + ROWS <= n_out { ROWS } else { 1 };
            for k in 0..n_in {
                packed.extend((j0..j0 + rows).map(|j| scale * w[(j, k)]));
            }
            j0 += rows;
        }
        Packed {
            n_out,
            n_in,
            act,
            w: packed,
            bias: net.biases[i].iter().map(|&b| scale * b).collect(),
        }
    }

    /// s·z^l = s·(w^l a^{l−1} + b^l) (eq. 25, s the layer's `exponent_scale`) for every block
    /// of cells in `a` (n_in · CELLS values a block) into `z` (n_out · CELLS a block). ROWS
    /// neurons × CELLS cells are summed in registers over k, so each a^{l−1} value is loaded
    /// once per ROWS neurons.
    fn weighted_inputs(&self, a: &[f64], z: &mut [f64]) {
        let (n_in, n_out) = (self.n_in, self.n_out);
        for (a, z) in a
            .chunks_exact(n_in * CELLS)
            .zip(z.chunks_exact_mut(n_out * CELLS))
        {
            let mut j0 = 0;
            while j0 + ROWS <= n_out {
                let w = &self.w[j0 * n_in..][..ROWS * n_in];
                let z = &mut z[j0 * CELLS..][..ROWS * CELLS];
                rows_block::<ROWS>(w, &self.bias[j0..j0 + ROWS], a, z);
                j0 += ROWS;
            }
            while j0 < n_out {
                let w = &self.w[j0 * n_in..][..n_in];
                rows_block::<1>(w, &self.bias[j0..=j0], a, &mut z[j0 * CELLS..][..CELLS]);
                j0 += 1;
            }
        }
    }
}

/// R neurons over one block of cells: `w` holds their weights k by k (R a k), `a` the block's
/// a^{l−1} (CELLS a k), `z` receives R × CELLS weighted inputs. The sums live in pairs of lanes.
#[inline(always)]
fn rows_block<const R: usize>(w: &[f64], bias: &[f64], a: &[f64], z: &mut [f64]) {
    const PAIRS: usize = CELLS / 2;
    let mut acc: [[Pair; PAIRS]; R] = std::array::from_fn(|r| [Pair::splat(bias[r]); PAIRS]);
    let (w, _) = w.as_chunks::<R>();
    let (a, _) = a.as_chunks::<CELLS>();
    for (w_k, a_k) in w.iter().zip(a) {
        let a_k: [Pair; PAIRS] = std::array::from_fn(|p| Pair::load(&a_k[2 * p..]));
        for (acc, &w_jk) in acc.iter_mut().zip(w_k) {
            let w_jk = Pair::splat(w_jk);
            for (acc, &a) in acc.iter_mut().zip(&a_k) {
                *acc = acc.add(w_jk.mul(a));
            }
        }
    }
    for (z, acc) in z.chunks_exact_mut(CELLS).zip(&acc) {
        for (p, acc) in acc.iter().enumerate() {
            acc.store(&mut z[2 * p..]);
        }
    }
}

/// Two f64 lanes: one simd128 vector in wasm (where the compiler does not find these blocks
/// by itself), a pair of numbers elsewhere. Either way a product then a sum, each rounded:
/// the same numbers on every target.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[derive(Clone, Copy)]
struct Pair(core::arch::wasm32::v128);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Pair {
    #[inline(always)]
    fn splat(x: f64) -> Pair {
        Pair(core::arch::wasm32::f64x2_splat(x))
    }
    /// The first two numbers of `s`.
    #[inline(always)]
    fn load(s: &[f64]) -> Pair {
        let s: &[f64; 2] = s[..2].try_into().expect("two numbers");
        // SAFETY: `s` is 16 readable bytes; wasm loads need no alignment.
        Pair(unsafe { core::arch::wasm32::v128_load(s.as_ptr().cast()) })
    }
    /// Into the first two numbers of `d`.
    #[inline(always)]
    fn store(self, d: &mut [f64]) {
        let d: &mut [f64; 2] = (&mut d[..2]).try_into().expect("two numbers");
        // SAFETY: `d` is 16 writable bytes, borrowed exclusively; wasm stores need no alignment.
        unsafe { core::arch::wasm32::v128_store(d.as_mut_ptr().cast(), self.0) }
    }
    /// This pair and `hi` rounded to f32, into the first four numbers of `d`; the last two
    /// are overwritten (with zeros). Each pair is rounded by one f32x4.demote_f64x2_zero and
    /// stored whole, zeros and all: written any other way (one shuffle of the two, or a
    /// store of each one's low half), LLVM turns the demotes into four scalar conversions
    /// and lane inserts, which were an eighth of the heatmap's instructions in V8.
    #[inline(always)]
    fn store_f32(self, hi: Pair, d: &mut [f32; 6]) {
        use core::arch::wasm32::{f32x4_demote_f64x2_zero, v128_store};
        let (lo, hi) = (
            f32x4_demote_f64x2_zero(self.0),
            f32x4_demote_f64x2_zero(hi.0),
        );
        let d = d.as_mut_ptr();
        // SAFETY: `d` is 24 writable bytes, borrowed exclusively, so d[0..4] and d[2..6] are
        // 16 each; wasm stores need no alignment.
        unsafe {
            v128_store(d.cast(), lo);
            v128_store(d.add(2).cast(), hi);
        }
    }
    #[inline(always)]
    fn mul(self, o: Pair) -> Pair {
        Pair(core::arch::wasm32::f64x2_mul(self.0, o.0))
    }
    #[inline(always)]
    fn add(self, o: Pair) -> Pair {
        Pair(core::arch::wasm32::f64x2_add(self.0, o.0))
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[derive(Clone, Copy)]
struct Pair([f64; 2]);

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
impl Pair {
    #[inline(always)]
    fn splat(x: f64) -> Pair {
        Pair([x, x])
    }
    #[inline(always)]
    fn load(s: &[f64]) -> Pair {
        Pair([s[0], s[1]])
    }
    #[inline(always)]
    fn store(self, d: &mut [f64]) {
        d[..2].copy_from_slice(&self.0);
    }
    #[inline(always)]
    fn store_f32(self, hi: Pair, d: &mut [f32; 6]) {
        *d = [self.0[0], self.0[1], hi.0[0], hi.0[1], 0.0, 0.0].map(|v| v as f32);
    }
    #[inline(always)]
    fn mul(self, o: Pair) -> Pair {
        Pair([self.0[0] * o.0[0], self.0[1] * o.0[1]])
    }
    #[inline(always)]
    fn add(self, o: Pair) -> Pair {
        Pair([self.0[0] + o.0[0], self.0[1] + o.0[1]])
    }
}

/// a^l in place from `weighted_inputs`' values (u = −z for σ, −2z for tanh, z otherwise),
/// one plain loop per kind of activation so each vectorises.
fn activate(act: Activation, u: &mut [f64]) {
    match act {
        Activation::Sigmoid => from_exponent_all(u, 1.0, 0.0),
        Activation::Tanh => from_exponent_all(u, 2.0, 1.0),
        // Written as a comparison: f64::max becomes a call per value in wasm. NaN gives 0.
        Activation::Relu => u
            .iter_mut()
            .for_each(|v| *v = if *v > 0.0 { *v } else { 0.0 }),
        Activation::Linear => {}
    }
}

/// `from_exponent` of every value, CELLS at a time (a tile's buffers are whole blocks; a
/// shorter tail goes through the same code, so the wasm holds the loop once).
fn from_exponent_all(u: &mut [f64], c: f64, d: f64) {
    let (blocks, tail) = u.as_chunks_mut::<CELLS>();
    from_exponent_blocks(blocks, c, d);
    if !tail.is_empty() {
        let mut block = [[0.0; CELLS]];
        block[0][..tail.len()].copy_from_slice(tail);
        from_exponent_blocks(&mut block, c, d);
        tail.copy_from_slice(&block[0][..tail.len()]);
    }
}

/// `from_exponent` of every value: the exps in one pass over the blocks
/// (`activation::exp_clamped_in_place`, two at a time in wasm) and the divisions in a second.
/// In one pass each division waited at the end of its exp's chain (Chromium's profile put
/// most of the time on the instruction after it); apart, the exps run back to back and the
/// divisions too: `heatmapInto` for [2,8,8,8,1] at 100², same-page A/B in Chromium, −3 to
/// −12 % (five runs), and −1 to −4 % more with the exps in simd128 by hand.
#[inline(never)]
fn from_exponent_blocks(blocks: &mut [[f64; CELLS]], c: f64, d: f64) {
    crate::activation::exp_clamped_in_place(blocks.as_flattened_mut());
    // 1 through `black_box`, so it is splatted once before the loop: written as a constant,
    // V8 rebuilt it at every use (see `activation::pairs`).
    let one = core::hint::black_box(1.0);
    for block in blocks {
        for v in block {
            *v = c / (one + *v) - d;
        }
    }
}

/// σ(z) = 1 / (1 + e^{−z}) for the pictures: activation::sigmoid's function to 1e-15 (the
/// test below holds it there), through the same code as the heatmap's loops.
#[cfg(test)]
fn sigma(z: f64) -> f64 {
    from_exponent(-z, 1.0, 0.0)
}

/// The activation from its exponent u: c/(1 + e^u) − d, which is σ(−u) for (c, d) = (1, 0)
/// (the subtraction of 0 changes no number) and tanh(−u/2) = 2/(1 + e^u) − 1 for (2, 1), with
/// e^u from `activation::exp_clamped` (u clamped to ±708, a NaN to +708, so σ gives 0 as
/// activation::sigmoid does). For u > 0, e^u may be as large as 3e307: 1 + e^u stays finite
/// and the quotient keeps its relative precision. What `from_exponent_blocks` computes.
#[cfg(test)]
fn from_exponent(u: f64, c: f64, d: f64) -> f64 {
    c / (1.0 + crate::activation::exp_clamped(u)) - d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cost, Init};

    /// Every neuron's activation at every cell, in f64, as `grid` lays them out.
    fn grid_f64(net: &Network, res: usize, b: Bounds) -> Vec<f64> {
        check(net, res, b).unwrap();
        let mut out = vec![f64::NAN; grid_len(net, res)];
        let cells = res * res;
        each_tile(net, res, b, |neuron, cell, count, tile| {
            for j in 0..tile.neurons {
                let values: Vec<f64> = tile.blocks(j).flatten().copied().collect();
                out[(neuron + j) * cells + cell..][..count].copy_from_slice(&values[..count]);
            }
        });
        out
    }

    /// Every cell of `grid_f64` against the network's own forward pass, to 1e-12.
    fn assert_forward_everywhere(net: &Network, res: usize, b: Bounds, what: &str) {
        let grid = grid_f64(net, res, b);
        let cells = res * res;
        let (dx, dy) = (
            (b.x_max - b.x_min) / res as f64,
            (b.y_max - b.y_min) / res as f64,
        );
        for c in 0..cells {
            let x = b.x_min + ((c % res) as f64 + 0.5) * dx;
            let y = b.y_max - ((c / res) as f64 + 0.5) * dy;
            let ff = net.forward(&[x, y]).unwrap();
            let mut n = 0;
            for a in &ff.activations[1..] {
                for &v in a.iter() {
                    let got = grid[n * cells + c];
                    assert!(
                        (got - v).abs() <= 1e-12 || (got.is_nan() && v.is_nan()),
                        "{what} res {res} neuron {n} cell {c}: {got} vs {v}"
                    );
                    n += 1;
                }
            }
        }
    }

    /// The grid, cell by cell, from the network's own forward pass: the same numbers to 1e-12
    /// for every activation and for widths that do and do not fill a block of rows or a tile.
    #[test]
    fn heatmap_equals_forward_at_every_cell() {
        let b = Bounds {
            x_min: -1.5,
            x_max: 1.0,
            y_min: -0.75,
            y_max: 2.0,
        };
        for act in Activation::ALL {
            for (sizes, res) in [
                (vec![2, 8, 8, 8, 1], 13),
                (vec![2, 3, 5, 2], 9),
                (vec![2, 16, 1], 8),
                (vec![2, 1], 1),
            ] {
                for cost in [Cost::Quadratic, Cost::CrossEntropy] {
                    let net = Network::random(&sizes, 4, act, cost, Init::Standard).unwrap();
                    assert_forward_everywhere(&net, res, b, &format!("{act:?} {cost:?} {sizes:?}"));
                    let grid = grid_f64(&net, res, b);
                    // The f32 grid is the same numbers, rounded.
                    let f32s = super::grid(&net, res, b).unwrap();
                    assert_eq!(f32s.len(), grid.len());
                    assert!(f32s.iter().zip(&grid).all(|(&s, &d)| s == d as f32));
                }
            }
        }
    }

    /// Layer 2 from its row and column exps when they stay within e^{±354}, computed like the
    /// other layers when they do not: exact either way, on both sides of the limit.
    #[test]
    fn heatmap_layer_two_near_and_beyond_the_exp_limit() {
        let b = Bounds {
            x_min: -1.0,
            x_max: 1.0,
            y_min: -1.0,
            y_max: 1.0,
        };
        for act in [Activation::Sigmoid, Activation::Tanh] {
            let scale = if act == Activation::Tanh { 2.0 } else { 1.0 };
            // s·|w·x| at the outer cells (|x| = 0.95) reaches 342 (within the limit), then 361
            // (beyond it); last a weight so large that z itself is far outside any exp.
            for (w1, w2, bias) in [(360.0, -3.0, 10.0), (380.0, 0.5, -2.0), (0.2, -1e5, 3.0)] {
                let mut net =
                    Network::random(&[2, 3, 2], 9, act, Cost::Quadratic, Init::Standard).unwrap();
                net.weights[0][(1, 0)] = w1 / scale;
                net.weights[0][(1, 1)] = w2 / scale;
                net.biases[0][1] = bias / scale;
                let first = FirstLayer::new(&net, &[-0.95, 0.0, 0.5, 0.95], &[0.95, -0.95]);
                assert_eq!(
                    first.separable,
                    w1 < 370.0 && w2.abs() < 370.0,
                    "{act:?} w {w1}, {w2}"
                );
                assert_forward_everywhere(&net, 20, b, &format!("{act:?} w {w1}, {w2}"));
            }
        }
    }

    #[test]
    fn heatmap_exp_agrees_with_the_standard_library() {
        for i in -708_000..=708_000 {
            let x = i as f64 * 1e-3 + 1.234e-4;
            let x = x.clamp(-708.0, 708.0);
            let (got, want) = (crate::activation::exp_clamped(x), x.exp());
            assert!(
                ((got - want) / want).abs() <= 1e-15,
                "e^{x} = {got}, exp gives {want}"
            );
        }
    }

    /// The pictures' σ is the training's σ to 1e-15 everywhere, ±∞ and NaN included.
    #[test]
    fn heatmap_sigma_equals_the_sigmoid() {
        use crate::activation::sigmoid;
        let mut zs: Vec<f64> = (-800_000..=800_000).map(|i| i as f64 * 1e-3).collect();
        zs.extend([
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            708.5,
            -708.5,
            1e-300,
        ]);
        // NaN too: the heatmap gives about e^−708, 1/(1 + e^708) (a NaN exponent is taken as
        // the clamp), the sigmoid 0 (its exp is 0 below −708 and for NaN).
        zs.push(f64::NAN);
        for z in zs {
            let (got, want) = (sigma(z), sigmoid(z));
            assert!(
                (got - want).abs() <= 1e-15,
                "σ({z}) = {got}, sigmoid gives {want}"
            );
        }
    }

    /// `grid_into` writes every number of its buffer, the same ones `grid` returns, whatever
    /// the buffer held before; a buffer of the wrong length is refused and left alone.
    #[test]
    fn heatmap_grid_into_fills_the_whole_buffer() {
        let b = Bounds {
            x_min: -1.0,
            x_max: 1.0,
            y_min: -1.0,
            y_max: 1.0,
        };
        for (sizes, res) in [(vec![2, 8, 8, 8, 1], 13), (vec![2, 3, 1], 64)] {
            let net = Network::random(&sizes, 2, Activation::Tanh, Cost::Quadratic, Init::Standard)
                .unwrap();
            let want = grid(&net, res, b).unwrap();
            let mut out = vec![f32::NAN; want.len()];
            grid_into(&net, res, b, &mut out).unwrap();
            assert!(out
                .iter()
                .zip(&want)
                .all(|(a, w)| a.to_bits() == w.to_bits()));
            let mut short = vec![7.0f32; want.len() - 1];
            let err = grid_into(&net, res, b, &mut short).unwrap_err().message;
            assert!(err.contains(&format!("{} numbers", want.len())), "{err}");
            assert!(short.iter().all(|&v| v == 7.0));
        }
    }

    #[test]
    fn heatmap_refuses_bad_arguments() {
        let net = Network::random(
            &[2, 3, 1],
            1,
            Activation::Sigmoid,
            Cost::Quadratic,
            Init::Standard,
        )
        .unwrap();
        let ok = Bounds {
            x_min: -1.0,
            x_max: 1.0,
            y_min: -1.0,
            y_max: 1.0,
        };
        assert!(grid(&net, 0, ok).is_err());
        assert!(grid(&net, MAX_GRID + 1, ok).is_err());
        assert!(grid(&net, MAX_GRID, ok).is_ok());
        assert!(grid(&net, 4, Bounds { x_min: 1.0, ..ok }).is_err());
        assert!(grid(&net, 4, Bounds { y_max: 2e6, ..ok }).is_err());
        assert!(grid(
            &net,
            4,
            Bounds {
                y_min: f64::NAN,
                ..ok
            }
        )
        .is_err());
        let three = Network::random(
            &[3, 2, 1],
            1,
            Activation::Sigmoid,
            Cost::Quadratic,
            Init::Standard,
        )
        .unwrap();
        assert!(grid(&three, 4, ok)
            .unwrap_err()
            .message
            .contains("2 inputs"));
        // A legal network with thousands of neurons: refused at 256², not a 1.3 GB allocation.
        let mut sizes = vec![2];
        sizes.extend([1024, 1].repeat(4));
        let wide = Network::random(
            &sizes,
            1,
            Activation::Sigmoid,
            Cost::Quadratic,
            Init::Standard,
        )
        .unwrap();
        let err = grid(&wide, MAX_GRID, ok).unwrap_err().message;
        assert!(err.contains("4100 neurons × 256²"), "{err}");
        assert!(err.contains("lower the resolution"), "{err}");
        assert!(grid(&wide, 60, ok).is_ok());
    }
}
