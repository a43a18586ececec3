//! The SGD step for small networks (every layer at most `MAX_WIDTH` neurons wide, like the
//! page's 2-D playground): the same BP1–BP4 and update as `workspace`, with plain loops of
//! known size instead of the blocked products, whose set-up and edge handling cost more than
//! the arithmetic at these shapes.
//!
//! Every layer's rows are padded to p_l, the next of 2, 4, 8, 16 at or above n_l, so a column
//! (one example; the m examples of the batch are the columns) is p_l/2 two-lane vectors that
//! stay in registers, and each product is, per column, p_l/2 multiply-adds per term with no
//! edge cases. The padded rows of w^l and b^l are zero and those of δ^l start at zero, so
//! padding never reaches a real number; the new weights and biases are written, and checked
//! for finiteness, only in their real rows.
//!
//! One step, as in `workspace`: eq. 25 for the batch (z^l = w^l a^{l−1} + b^l, a^l = σ(z^l)),
//! BP1 with δ^L scaled by −η/m, then for each layer from the last: BP3 (b^l − (η/m) Σ_x δ^l)
//! and BP4 fused with the update ((1 − ηλ/n) w^l − (η/m) Σ_x δ^l (a^{l−1})ᵀ), and BP2
//! (δ^{l−1} = ((w^l)ᵀ δ^l) ⊙ σ′(z^{l−1}), σ′ read off a^{l−1}). The new weights go to matrices
//! swapped with the network's only when every number and the cost are finite. The numbers are
//! the general path's to rounding (tests hold them to 1e-12); σ and tanh come from the same
//! kind of branch-free exp, two values at a time.

use crate::activation::Activation;
use crate::cost::Cost;
use crate::network::first_non_finite;
use crate::{Error, Example, Network, Result};
use nalgebra::{DMatrix, DVector};
use std::cell::Cell;

/// The widest layer (input and output included) the small path takes.
pub const MAX_WIDTH: usize = 16;

thread_local! {
    /// When set, `fits` says no, so every step on this thread takes the general path (for
    /// tests and benchmarks that compare the two).
    static GENERAL_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// Whether a network of these sizes takes the small path.
#[inline]
pub fn fits(sizes: &[usize]) -> bool {
    sizes.iter().all(|&n| n <= MAX_WIDTH) && !GENERAL_ONLY.with(Cell::get)
}

/// Run `f` with the small path switched off on this thread: every workspace step inside it
/// takes the general (blocked-product) path, whatever the shape.
pub fn with_general_path<R>(f: impl FnOnce() -> R) -> R {
    let before = GENERAL_ONLY.with(|g| g.replace(true));
    let out = f();
    GENERAL_ONLY.with(|g| g.set(before));
    out
}

/// Rows of a layer of n neurons once padded: 2, 4, 8 or 16.
fn padded(n: usize) -> usize {
    n.max(2).next_power_of_two()
}

/// Buffers for one small shape and one batch size, allocated once (`prepare`); column x of
/// each per-layer buffer (p_l numbers) belongs to example x of the batch.
#[derive(Clone, Debug, Default)]
pub struct Small {
    sizes: Vec<usize>,
    m: usize,
    /// p_1 … p_L.
    rows: Vec<usize>,
    /// a^1 = x, then a^2 … a^L, p_l × m each.
    a: Vec<Vec<f64>>,
    /// −(η/m) δ^2 … −(η/m) δ^L, p_l × m each.
    delta: Vec<Vec<f64>>,
    /// w^2 … w^L with rows padded: p_l × n_{l−1}.
    w: Vec<Vec<f64>>,
    /// (w^3)ᵀ … (w^L)ᵀ with rows padded: p_{l−1} × n_l, for BP2.
    w_t: Vec<Vec<f64>>,
    /// b^2 … b^L padded to p_l.
    b: Vec<Vec<f64>>,
    /// p zeros: where BP2's product starts.
    zero: Vec<f64>,
    /// y for the batch, n_L × m.
    y: Vec<f64>,
    new_w: Vec<DMatrix<f64>>,
    new_b: Vec<DVector<f64>>,
}

impl Small {
    fn prepare(&mut self, sizes: &[usize], m: usize) {
        if self.m == m && self.sizes == sizes {
            return;
        }
        self.sizes = sizes.to_vec();
        self.m = m;
        self.rows = sizes.iter().map(|&n| padded(n)).collect();
        self.a = self.rows.iter().map(|&p| vec![0.0; p * m]).collect();
        self.delta = self.rows[1..].iter().map(|&p| vec![0.0; p * m]).collect();
        self.w = (1..sizes.len())
            .map(|l| vec![0.0; self.rows[l] * sizes[l - 1]])
            .collect();
        self.w_t = (2..sizes.len())
            .map(|l| vec![0.0; self.rows[l - 1] * sizes[l]])
            .collect();
        self.b = self.rows[1..].iter().map(|&p| vec![0.0; p]).collect();
        self.zero = vec![0.0; MAX_WIDTH];
        self.y = vec![0.0; sizes[sizes.len() - 1] * m];
        self.new_w = sizes
            .windows(2)
            .map(|p| DMatrix::zeros(p[1], p[0]))
            .collect();
        self.new_b = sizes[1..].iter().map(|&n| DVector::zeros(n)).collect();
    }

    /// One SGD step on examples already checked against the network; `fits(&net.sizes)`.
    pub(crate) fn step<'a>(
        &mut self,
        net: &mut Network,
        batch: impl ExactSizeIterator<Item = &'a Example>,
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        self.prepare(&net.sizes, batch.len());
        let m = self.m;
        let (p_in, n_out) = (self.rows[0], net.sizes[net.sizes.len() - 1]);
        for ((col, y), e) in self.a[0]
            .chunks_exact_mut(p_in)
            .zip(self.y.chunks_exact_mut(n_out))
            .zip(batch)
        {
            col[..e.x.len()].copy_from_slice(&e.x);
            y.copy_from_slice(&e.y);
        }
        self.load_parameters(net);
        let cost = self.forward(net);
        let rate = eta / m as f64;
        self.output_error(net, rate);
        let shrink = 1.0 - eta * lambda / n as f64;
        let finite = self.backward(net, shrink);
        let mean_cost = cost / m as f64;
        if !mean_cost.is_finite() {
            return Err(Error::diverged(format!(
                "the cost became {}",
                crate::Num(mean_cost)
            )));
        }
        if !finite {
            let what = first_non_finite(&self.new_w, &self.new_b).unwrap_or_default();
            return Err(Error::diverged(format!("{what} became non-finite")));
        }
        for (w, new) in net.weights.iter_mut().zip(&mut self.new_w) {
            std::mem::swap(w, new);
        }
        for (b, new) in net.biases.iter_mut().zip(&mut self.new_b) {
            std::mem::swap(b, new);
        }
        Ok(mean_cost)
    }

    /// w^l and b^l into their padded buffers, and (w^l)ᵀ for BP2 (the padded rows stay 0).
    fn load_parameters(&mut self, net: &Network) {
        for i in 0..net.weights.len() {
            let (n_l, p_l) = (net.sizes[i + 1], self.rows[i + 1]);
            let w = net.weights[i].as_slice();
            for (dst, src) in self.w[i].chunks_exact_mut(p_l).zip(w.chunks_exact(n_l)) {
                dst[..n_l].copy_from_slice(src);
            }
            self.b[i][..n_l].copy_from_slice(net.biases[i].as_slice());
            if i > 0 {
                let p_prev = self.rows[i];
                let w_t = &mut self.w_t[i - 1];
                for (k, src) in w.chunks_exact(n_l).enumerate() {
                    for (j, &v) in src.iter().enumerate() {
                        w_t[k + j * p_prev] = v;
                    }
                }
            }
        }
    }

    /// Eq. 25 for the batch, every layer; returns Σ_x C_x.
    fn forward(&mut self, net: &Network) -> f64 {
        let m = self.m;
        for i in 0..net.weights.len() {
            let (before, after) = self.a.split_at_mut(i + 1);
            let (out, p) = (&mut after[0], self.rows[i + 1]);
            product(
                p,
                &self.w[i],
                net.sizes[i],
                &self.b[i],
                &before[i],
                self.rows[i],
                m,
                out,
            );
            activate(net.layer_activation(i), out);
        }
        let (p_out, n_out) = (
            self.rows[self.rows.len() - 1],
            net.sizes[net.sizes.len() - 1],
        );
        let a_out = &self.a[self.a.len() - 1];
        let cost = net.cost;
        let mut sum = 0.0;
        for (a, y) in a_out.chunks_exact(p_out).zip(self.y.chunks_exact(n_out)) {
            for (&a, &y) in a.iter().zip(y) {
                sum += match cost {
                    Cost::Quadratic => 0.5 * (y - a) * (y - a),
                    Cost::CrossEntropy => cost.term(a, y),
                };
            }
        }
        sum
    }

    /// BP1, scaled by −rate: δ^L = ∇_a C ⊙ σ′(z^L) (a − y for cross-entropy, whose output is
    /// a sigmoid).
    fn output_error(&mut self, net: &Network, rate: f64) {
        let last = net.weights.len() - 1;
        let (p, n_out) = (self.rows[last + 1], net.sizes[last + 1]);
        let act = net.layer_activation(last);
        let cost = net.cost;
        let cols = self.delta[last]
            .chunks_exact_mut(p)
            .zip(self.a[last + 1].chunks_exact(p))
            .zip(self.y.chunks_exact(n_out));
        for ((d, a), y) in cols {
            for ((d, &a), &y) in d.iter_mut().zip(a).zip(y) {
                *d = if cost == Cost::CrossEntropy {
                    -rate * (a - y)
                } else {
                    -rate * ((a - y) * prime_from_output(act, a))
                };
            }
        }
    }

    /// For each layer from the last: BP3 and BP4 with the update into `new_b` and `new_w`,
    /// then BP2 for the layer below. Returns whether every new weight and bias is finite.
    fn backward(&mut self, net: &Network, shrink: f64) -> bool {
        let m = self.m;
        let last = net.weights.len() - 1;
        let mut finite = true;
        for i in (0..=last).rev() {
            let (n_l, p_l, n_prev, p_prev) = (
                net.sizes[i + 1],
                self.rows[i + 1],
                net.sizes[i],
                self.rows[i],
            );
            let step = Update {
                rows: n_l,
                cols: n_prev,
                m,
                shrink,
                w: &self.w[i],
                b: &self.b[i],
                d: &self.delta[i],
                a: &self.a[i],
                lda: p_prev,
            };
            finite &= update(
                p_l,
                step,
                self.new_w[i].as_mut_slice(),
                self.new_b[i].as_mut_slice(),
            );
            if i == 0 {
                break;
            }
            // BP2: (w^l)ᵀ δ^l for every column, then ⊙ σ′(z^{l−1}).
            let (lower, upper) = self.delta.split_at_mut(i);
            let below = &mut lower[i - 1];
            product(
                p_prev,
                &self.w_t[i - 1],
                n_l,
                &self.zero[..p_prev],
                &upper[0],
                p_l,
                m,
                below,
            );
            times_prime(net.layer_activation(i - 1), below, &self.a[i]);
        }
        finite
    }
}

/// σ′(z) from a = σ(z), as `workspace` reads it.
#[inline]
fn prime_from_output(act: Activation, a: f64) -> f64 {
    match act {
        Activation::Sigmoid => a * (1.0 - a),
        Activation::Tanh => 1.0 - a * a,
        Activation::Relu => {
            if a > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::Linear => 1.0,
    }
}

/// out[:, x] = start + A·B[:, x] for the m columns: A is p × inner (w^l or (w^{l+1})ᵀ, rows
/// padded), B's columns are `ldb` apart (inner ≤ ldb), out's p apart.
#[allow(clippy::too_many_arguments)]
fn product(
    p: usize,
    a: &[f64],
    inner: usize,
    start: &[f64],
    b: &[f64],
    ldb: usize,
    m: usize,
    out: &mut [f64],
) {
    match p {
        2 => columns::<1>(a, inner, start, b, ldb, m, out),
        4 => columns::<2>(a, inner, start, b, ldb, m, out),
        8 => columns::<4>(a, inner, start, b, ldb, m, out),
        _ => columns::<8>(a, inner, start, b, ldb, m, out),
    }
}

/// `product` for p = 2·NV rows: the NV vectors of a column stay in registers while the inner
/// terms are added, one broadcast and NV multiply-adds each.
#[inline(never)]
fn columns<const NV: usize>(
    a: &[f64],
    inner: usize,
    start: &[f64],
    b: &[f64],
    ldb: usize,
    m: usize,
    out: &mut [f64],
) {
    let a = &a[..2 * NV * inner];
    let first: [V2; NV] = std::array::from_fn(|v| V2::load(&start[2 * v..]));
    for (o, bcol) in out.chunks_exact_mut(2 * NV).zip(b.chunks(ldb)).take(m) {
        let mut acc = first;
        for (wcol, &s) in a.chunks_exact(2 * NV).zip(&bcol[..inner]) {
            let s = V2::splat(s);
            for v in 0..NV {
                acc[v] = acc[v].add(V2::load(&wcol[2 * v..]).mul(s));
            }
        }
        for (v, acc) in acc.iter().enumerate() {
            acc.store(&mut o[2 * v..]);
        }
    }
}

/// The operands of BP3 and BP4 with the update for one layer: w (p × cols) and b (p) padded,
/// d = −(η/m) δ^l (p × m), a = a^{l−1} (columns `lda` apart).
#[derive(Clone, Copy)]
struct Update<'a> {
    rows: usize,
    cols: usize,
    m: usize,
    shrink: f64,
    w: &'a [f64],
    b: &'a [f64],
    d: &'a [f64],
    a: &'a [f64],
    lda: usize,
}

fn update(p: usize, u: Update, new_w: &mut [f64], new_b: &mut [f64]) -> bool {
    match p {
        2 => update_layer::<1>(u, new_w, new_b),
        4 => update_layer::<2>(u, new_w, new_b),
        8 => update_layer::<4>(u, new_w, new_b),
        _ => update_layer::<8>(u, new_w, new_b),
    }
}

/// BP3: new b = b + Σ_x d[:, x]; BP4 and the step, a column k at a time: new w[:, k] =
/// shrink·w[:, k] + Σ_x d[:, x] a[k, x], its NV vectors in registers. Only the real rows are
/// written to `new_w` (rows × cols) and `new_b` and checked; true when all are finite.
#[inline(never)]
fn update_layer<const NV: usize>(u: Update, new_w: &mut [f64], new_b: &mut [f64]) -> bool {
    let p = 2 * NV;
    let d = &u.d[..p * u.m];
    let mut chk = V2::splat(0.0);
    let mut acc: [V2; NV] = std::array::from_fn(|v| V2::load(&u.b[2 * v..]));
    for dcol in d.chunks_exact(p) {
        for v in 0..NV {
            acc[v] = acc[v].add(V2::load(&dcol[2 * v..]));
        }
    }
    chk = store_rows(&acc, u.rows, new_b, chk);
    let shrink = V2::splat(u.shrink);
    let w = &u.w[..p * u.cols];
    for (k, (wcol, out)) in w
        .chunks_exact(p)
        .zip(new_w.chunks_exact_mut(u.rows))
        .enumerate()
    {
        let mut acc: [V2; NV] = std::array::from_fn(|v| V2::load(&wcol[2 * v..]).mul(shrink));
        for (dcol, acol) in d.chunks_exact(p).zip(u.a[k..].chunks(u.lda)) {
            let s = V2::splat(acol[0]);
            for v in 0..NV {
                acc[v] = acc[v].add(V2::load(&dcol[2 * v..]).mul(s));
            }
        }
        chk = store_rows(&acc, u.rows, out, chk);
    }
    chk.all_zero()
}

/// The first `rows` numbers of `acc` into `out`; returns chk plus x − x for each of them (0
/// while all are finite, NaN otherwise).
#[inline(always)]
fn store_rows<const NV: usize>(acc: &[V2; NV], rows: usize, out: &mut [f64], mut chk: V2) -> V2 {
    for (v, acc) in acc.iter().enumerate() {
        if 2 * v + 2 <= rows {
            acc.store(&mut out[2 * v..]);
            chk = chk.add(acc.sub(*acc));
        } else if 2 * v < rows {
            let x = acc.first();
            out[2 * v] = x;
            let x = V2::splat(x);
            chk = chk.add(x.sub(x));
        }
    }
    chk
}

/// a = σ(z) over a whole buffer (an even count), two at a time.
fn activate(act: Activation, v: &mut [f64]) {
    let (pairs, _) = v.as_chunks_mut::<2>();
    match act {
        Activation::Sigmoid => pairs
            .iter_mut()
            .for_each(|z| sigmoid(V2::from(*z)).store(z)),
        Activation::Tanh => pairs.iter_mut().for_each(|z| tanh(V2::from(*z)).store(z)),
        // As a comparison: f64::max is a call per value in wasm. NaN gives 0, as max does.
        Activation::Relu => v
            .iter_mut()
            .for_each(|z| *z = if *z > 0.0 { *z } else { 0.0 }),
        Activation::Linear => {}
    }
}

/// d ← d ⊙ σ′(z), σ′ read off a = σ(z) (a buffer of an even count), two at a time.
fn times_prime(act: Activation, d: &mut [f64], a: &[f64]) {
    let (pairs, _) = d.as_chunks_mut::<2>();
    let (a, _) = a.as_chunks::<2>();
    let pairs = pairs.iter_mut().zip(a);
    let one = V2::splat(1.0);
    match act {
        Activation::Sigmoid => pairs.for_each(|(d, a)| {
            let a = V2::from(*a);
            V2::from(*d).mul(a.mul(one.sub(a))).store(d)
        }),
        Activation::Tanh => pairs.for_each(|(d, a)| {
            let a = V2::from(*a);
            V2::from(*d).mul(one.sub(a.mul(a))).store(d)
        }),
        Activation::Relu => pairs.for_each(|(d, a)| {
            for l in 0..2 {
                d[l] *= if a[l] > 0.0 { 1.0 } else { 0.0 };
            }
        }),
        Activation::Linear => {}
    }
}

/// σ(z) = 1/(1 + e^{−z}) of two values: with e = e^{−|z|}, 1/(1 + e) for z ≥ 0 and e/(1 + e)
/// below (activation::sigmoid's formula; NaN gives ≈ 0, as there).
#[inline(always)]
fn sigmoid(z: V2) -> V2 {
    let e = exp_non_positive(z.abs().neg());
    let s = V2::splat(1.0).div(V2::splat(1.0).add(e));
    V2::select_non_negative(z, s, e.mul(s))
}

/// tanh z = (1 − e)/(1 + e) with e = e^{−2|z|} and the sign of z, of two values
/// (activation::tanh's formula); NaN stays NaN.
#[inline(always)]
fn tanh(z: V2) -> V2 {
    let e = exp_non_positive(z.abs().mul(V2::splat(-2.0)));
    let one = V2::splat(1.0);
    let t = one.sub(e).div(one.add(e));
    t.with_sign_of(z).nan_from(z)
}

/// e^x of two values x ≤ 0, as activation::exp_non_positive gives it: 0 below −708, e^{−708}
/// for NaN, and within a few units in the last place elsewhere: x = n ln 2 + r with |r| ≤ ln 2/2, e^r by its Taylor
/// polynomial of degree 13 in Estrin's order, 2^n from its exponent bits.
#[inline(always)]
fn exp_non_positive(x: V2) -> V2 {
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const ROUNDER: f64 = 6_755_399_441_055_744.0;
    const C: [f64; 14] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let c = |i: usize| V2::splat(C[i]);
    let tiny = x.below(-708.0);
    let x = x.at_least(-708.0);
    let shifted = x
        .mul(V2::splat(std::f64::consts::LOG2_E))
        .add(V2::splat(ROUNDER));
    let n = shifted.sub(V2::splat(ROUNDER));
    let r = x
        .sub(n.mul(V2::splat(LN2_HI)))
        .sub(n.mul(V2::splat(LN2_LO)));
    let r2 = r.mul(r);
    let r4 = r2.mul(r2);
    let r8 = r4.mul(r4);
    let pair = |i: usize| c(i).add(c(i + 1).mul(r));
    let q0 = pair(0).add(pair(2).mul(r2));
    let q1 = pair(4).add(pair(6).mul(r2));
    let q2 = pair(8).add(pair(10).mul(r2));
    let q3 = pair(12);
    let p = q0.add(q1.mul(r4)).add(q2.add(q3.mul(r4)).mul(r8));
    p.mul(shifted.pow2_from_rounded(ROUNDER)).zero_where(tiny)
}

/// Two f64 lanes: one simd128 vector in wasm; natively a pair the compiler vectorises.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[derive(Clone, Copy)]
struct V2(core::arch::wasm32::v128);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl V2 {
    #[inline(always)]
    fn splat(x: f64) -> V2 {
        V2(core::arch::wasm32::f64x2_splat(x))
    }
    #[inline(always)]
    fn load(s: &[f64]) -> V2 {
        V2::from(*s[..2].as_chunks::<2>().0.first().expect("two numbers"))
    }
    #[inline(always)]
    fn from(p: [f64; 2]) -> V2 {
        // SAFETY: [f64; 2] and v128 have the same size, and every bit pattern is valid.
        V2(unsafe { std::mem::transmute::<[f64; 2], core::arch::wasm32::v128>(p) })
    }
    #[inline(always)]
    fn store(self, d: &mut [f64]) {
        let d: &mut [f64; 2] = (&mut d[..2]).try_into().expect("two numbers");
        // SAFETY: as in `from`.
        *d = unsafe { std::mem::transmute::<core::arch::wasm32::v128, [f64; 2]>(self.0) };
    }
    #[inline(always)]
    fn first(self) -> f64 {
        core::arch::wasm32::f64x2_extract_lane::<0>(self.0)
    }
    #[inline(always)]
    fn add(self, o: V2) -> V2 {
        V2(core::arch::wasm32::f64x2_add(self.0, o.0))
    }
    #[inline(always)]
    fn sub(self, o: V2) -> V2 {
        V2(core::arch::wasm32::f64x2_sub(self.0, o.0))
    }
    #[inline(always)]
    fn mul(self, o: V2) -> V2 {
        V2(core::arch::wasm32::f64x2_mul(self.0, o.0))
    }
    #[inline(always)]
    fn div(self, o: V2) -> V2 {
        V2(core::arch::wasm32::f64x2_div(self.0, o.0))
    }
    #[inline(always)]
    fn abs(self) -> V2 {
        V2(core::arch::wasm32::f64x2_abs(self.0))
    }
    #[inline(always)]
    fn neg(self) -> V2 {
        V2(core::arch::wasm32::f64x2_neg(self.0))
    }
    /// max(x, lo), with NaN giving lo.
    #[inline(always)]
    fn at_least(self, lo: f64) -> V2 {
        // pmax(a, b) = a < b ? b : a, so a NaN b gives a.
        V2(core::arch::wasm32::f64x2_pmax(
            core::arch::wasm32::f64x2_splat(lo),
            self.0,
        ))
    }
    /// All ones in the lanes below `lo`, zeros elsewhere (NaN included).
    #[inline(always)]
    fn below(self, lo: f64) -> V2 {
        use core::arch::wasm32::*;
        V2(f64x2_lt(self.0, f64x2_splat(lo)))
    }
    /// 0 in the lanes where `mask` (from `below`) is set.
    #[inline(always)]
    fn zero_where(self, mask: V2) -> V2 {
        V2(core::arch::wasm32::v128_andnot(self.0, mask.0))
    }
    /// Lane by lane: `yes` where z ≥ 0, `no` elsewhere (NaN included).
    #[inline(always)]
    fn select_non_negative(z: V2, yes: V2, no: V2) -> V2 {
        use core::arch::wasm32::*;
        let mask = f64x2_ge(z.0, f64x2_splat(0.0));
        V2(v128_bitselect(yes.0, no.0, mask))
    }
    /// |self| with the sign of z (self is ≥ 0).
    #[inline(always)]
    fn with_sign_of(self, z: V2) -> V2 {
        use core::arch::wasm32::*;
        V2(v128_or(self.0, v128_and(z.0, f64x2_splat(-0.0))))
    }
    /// z where z is NaN, self elsewhere.
    #[inline(always)]
    fn nan_from(self, z: V2) -> V2 {
        use core::arch::wasm32::*;
        V2(v128_bitselect(self.0, z.0, f64x2_eq(z.0, z.0)))
    }
    /// 2^n, for self = n + rounder as `exp_non_positive` makes it (n in −1022..=0).
    #[inline(always)]
    fn pow2_from_rounded(self, rounder: f64) -> V2 {
        use core::arch::wasm32::*;
        let n = i64x2_sub(self.0, i64x2_splat(rounder.to_bits() as i64));
        V2(i64x2_shl(i64x2_add(n, i64x2_splat(1023)), 52))
    }
    #[inline(always)]
    fn all_zero(self) -> bool {
        use core::arch::wasm32::*;
        i64x2_all_true(f64x2_eq(self.0, f64x2_splat(0.0)))
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[derive(Clone, Copy)]
struct V2([f64; 2]);

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
impl V2 {
    #[inline(always)]
    fn splat(x: f64) -> V2 {
        V2([x, x])
    }
    #[inline(always)]
    fn load(s: &[f64]) -> V2 {
        V2([s[0], s[1]])
    }
    #[inline(always)]
    fn from(p: [f64; 2]) -> V2 {
        V2(p)
    }
    #[inline(always)]
    fn store(self, d: &mut [f64]) {
        d[..2].copy_from_slice(&self.0);
    }
    #[inline(always)]
    fn first(self) -> f64 {
        self.0[0]
    }
    #[inline(always)]
    fn each(self, f: impl Fn(f64) -> f64) -> V2 {
        V2([f(self.0[0]), f(self.0[1])])
    }
    #[inline(always)]
    fn zip(self, o: V2, f: impl Fn(f64, f64) -> f64) -> V2 {
        V2([f(self.0[0], o.0[0]), f(self.0[1], o.0[1])])
    }
    #[inline(always)]
    fn add(self, o: V2) -> V2 {
        self.zip(o, |a, b| a + b)
    }
    #[inline(always)]
    fn sub(self, o: V2) -> V2 {
        self.zip(o, |a, b| a - b)
    }
    #[inline(always)]
    fn mul(self, o: V2) -> V2 {
        self.zip(o, |a, b| a * b)
    }
    #[inline(always)]
    fn div(self, o: V2) -> V2 {
        self.zip(o, |a, b| a / b)
    }
    #[inline(always)]
    fn abs(self) -> V2 {
        self.each(f64::abs)
    }
    #[inline(always)]
    fn neg(self) -> V2 {
        self.each(|a| -a)
    }
    #[inline(always)]
    fn at_least(self, lo: f64) -> V2 {
        self.each(|a| if lo < a { a } else { lo })
    }
    #[inline(always)]
    fn below(self, lo: f64) -> V2 {
        self.each(|a| if a < lo { 1.0 } else { 0.0 })
    }
    #[inline(always)]
    fn zero_where(self, mask: V2) -> V2 {
        self.zip(mask, |a, m| if m != 0.0 { 0.0 } else { a })
    }
    #[inline(always)]
    fn select_non_negative(z: V2, yes: V2, no: V2) -> V2 {
        V2(std::array::from_fn(|l| {
            if z.0[l] >= 0.0 {
                yes.0[l]
            } else {
                no.0[l]
            }
        }))
    }
    #[inline(always)]
    fn with_sign_of(self, z: V2) -> V2 {
        self.zip(z, f64::copysign)
    }
    #[inline(always)]
    fn nan_from(self, z: V2) -> V2 {
        self.zip(z, |t, z| if z.is_nan() { z } else { t })
    }
    #[inline(always)]
    fn pow2_from_rounded(self, rounder: f64) -> V2 {
        self.each(|s| {
            let n = s.to_bits().wrapping_sub(rounder.to_bits());
            f64::from_bits(n.wrapping_add(1023) << 52)
        })
    }
    #[inline(always)]
    fn all_zero(self) -> bool {
        self.0[0] == 0.0 && self.0[1] == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigma_and_tanh_two_at_a_time_equal_the_activations_to_1e_15() {
        let zs: Vec<f64> = (-40_000..40_000)
            .map(|i| i as f64 * 0.00173)
            .chain([
                0.0, -0.0, 1e-300, -1e-300, 19.0, -19.0, 708.5, -708.5, 745.0, -745.0, 1e300,
                -1e300,
            ])
            .chain([f64::INFINITY, f64::NEG_INFINITY])
            .collect();
        for pair in zs.chunks_exact(2) {
            let z = V2::from([pair[0], pair[1]]);
            let (mut s, mut t) = ([0.0; 2], [0.0; 2]);
            sigmoid(z).store(&mut s);
            tanh(z).store(&mut t);
            for l in 0..2 {
                let want = crate::activation::sigmoid(pair[l]);
                assert!((s[l] - want).abs() <= 1e-15, "σ({}) = {}", pair[l], s[l]);
                let want = crate::activation::tanh(pair[l]);
                assert!((t[l] - want).abs() <= 1e-15, "tanh({}) = {}", pair[l], t[l]);
                assert_eq!(t[l].is_sign_negative(), want.is_sign_negative());
            }
        }
        let nan = V2::splat(f64::NAN);
        let (mut s, mut t) = ([1.0; 2], [0.0; 2]);
        sigmoid(nan).store(&mut s);
        tanh(nan).store(&mut t);
        assert!(s[0].abs() <= 1e-300 && t[0].is_nan());
    }

    #[test]
    fn rows_pad_to_a_power_of_two() {
        let want = [2, 2, 2, 4, 4, 8, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 16];
        for (n, &p) in want.iter().enumerate() {
            assert_eq!(padded(n), p, "{n}");
        }
    }
}
