//! The fast SGD step: the same BP1–BP4 as `backprop`, for a whole mini-batch at once, in
//! buffers allocated once and reused, so a training loop allocates nothing per step.
//!
//! Each matrix product is one blocked product over the whole batch (`kernels`); σ′ is read
//! off the stored activations instead of calling exp again. Tests hold it
//! to the per-example path to 1e-12.

use crate::activation::Activation;
use crate::cost::Cost;
use crate::kernels::{gemm_acc, gemm_set, gemm_tn};
use crate::{network::first_non_finite, Error, Example, Network, Result};
use nalgebra::{DMatrix, DVector};

/// Buffers for one network shape and one mini-batch size, column-major like nalgebra: column c
/// of each per-layer buffer belongs to example c of the batch.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    sizes: Vec<usize>,
    m: usize,
    /// a^1 = x for the batch, then a^2 … a^L.
    activations: Vec<Vec<f64>>,
    /// (a^1)^T … (a^{L−1})^T: one row per example, for BP4.
    transposed: Vec<Vec<f64>>,
    /// δ^2 … δ^L.
    deltas: Vec<Vec<f64>>,
    /// Σ_x ∂C_x/∂w^l and Σ_x ∂C_x/∂b^l.
    nabla_w: Vec<Vec<f64>>,
    nabla_b: Vec<Vec<f64>>,
    y: Vec<f64>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Size the buffers for `sizes` and a batch of `m` (a no-op when they already fit).
    fn prepare(&mut self, sizes: &[usize], m: usize) {
        if self.sizes == sizes && self.m == m {
            return;
        }
        self.sizes = sizes.to_vec();
        self.m = m;
        self.activations = sizes.iter().map(|&n| vec![0.0; n * m]).collect();
        self.transposed = sizes[..sizes.len() - 1]
            .iter()
            .map(|&n| vec![0.0; n * m])
            .collect();
        self.deltas = sizes[1..].iter().map(|&n| vec![0.0; n * m]).collect();
        self.nabla_w = sizes.windows(2).map(|p| vec![0.0; p[0] * p[1]]).collect();
        self.nabla_b = sizes[1..].iter().map(|&n| vec![0.0; n]).collect();
        self.y = vec![0.0; sizes[sizes.len() - 1] * m];
    }

    /// One SGD step, exactly `Network::update_mini_batch`, without allocating once warm.
    pub fn update_mini_batch(
        &mut self,
        net: &mut Network,
        batch: &[Example],
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        net.check_step(batch, eta, lambda, n)?;
        self.step(net, batch.iter(), eta, lambda, n)
    }

    /// One SGD step on the examples of `data` picked by `indices`, without copying them into
    /// a batch first (the page's Play loop and the digits trainer use this).
    pub fn update_indices(
        &mut self,
        net: &mut Network,
        data: &[Example],
        indices: &[usize],
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        crate::limits::check_step_args(indices.len(), eta, lambda, n)?;
        for (c, &i) in indices.iter().enumerate() {
            let e = data.get(i).ok_or_else(|| {
                Error::new(format!(
                    "indices[{c}] must be below the data set's size {}, got {i}",
                    data.len()
                ))
            })?;
            net.check_example(
                &e.x,
                &e.y,
                &format!("example {i}'s x"),
                &format!("example {i}'s y"),
            )?;
        }
        self.step(net, indices.iter().map(|&i| &data[i]), eta, lambda, n)
    }

    /// The step itself, on examples already checked against the network.
    fn step<'a>(
        &mut self,
        net: &mut Network,
        batch: impl ExactSizeIterator<Item = &'a Example>,
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        self.prepare(&net.sizes, batch.len());
        let (n_in, n_out) = (net.sizes[0], net.sizes[net.sizes.len() - 1]);
        for (c, e) in batch.enumerate() {
            self.activations[0][c * n_in..(c + 1) * n_in].copy_from_slice(&e.x);
            self.y[c * n_out..(c + 1) * n_out].copy_from_slice(&e.y);
        }
        let cost = self.forward(net);
        self.backward(net);
        self.apply(net, cost, eta, lambda, n)
    }

    /// Eq. 25 for the batch; returns Σ_x C_x.
    fn forward(&mut self, net: &Network) -> f64 {
        let m = self.m;
        for i in 0..net.weights.len() {
            let (n_out, n_in) = (net.sizes[i + 1], net.sizes[i]);
            let (before, after) = self.activations.split_at_mut(i + 1);
            let out = &mut after[0];
            // z^l = w^l a^{l−1} + b^l, written into the activation buffer, then a^l = σ(z^l).
            for col in out.chunks_exact_mut(n_out) {
                col.copy_from_slice(net.biases[i].as_slice());
            }
            gemm_acc(n_out, n_in, m, net.weights[i].as_slice(), &before[i], out);
            apply_in_place(net.layer_activation(i), out);
        }
        let a_out = &self.activations[self.activations.len() - 1];
        a_out
            .iter()
            .zip(&self.y)
            .map(|(&a, &y)| net.cost.term(a, y))
            .sum()
    }

    /// BP1, BP2, then BP3 and BP4 summed over the batch.
    fn backward(&mut self, net: &Network) {
        let m = self.m;
        let last = net.weights.len() - 1;
        // BP1: δ^L = ∇_a C ⊙ σ′(z^L) (a − y for cross-entropy with its sigmoid output).
        let out_act = net.layer_activation(last);
        let a_out = &self.activations[last + 1];
        for ((d, &a), &y) in self.deltas[last].iter_mut().zip(a_out).zip(&self.y) {
            *d = if net.cost == Cost::CrossEntropy {
                a - y
            } else {
                net.cost.gradient(a, y) * prime_from_output(out_act, a)
            };
        }
        // BP2: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ′(z^l).
        for i in (0..last).rev() {
            let (n_l, n_next) = (net.sizes[i + 1], net.sizes[i + 2]);
            let (lower, upper) = self.deltas.split_at_mut(i + 1);
            gemm_tn(
                n_l,
                n_next,
                m,
                net.weights[i + 1].as_slice(),
                &upper[0],
                &mut lower[i],
            );
            let act = net.layer_activation(i);
            for (d, &a) in lower[i].iter_mut().zip(&self.activations[i + 1]) {
                *d *= prime_from_output(act, a);
            }
        }
        for i in 0..=last {
            let (n_l, n_prev) = (net.sizes[i + 1], net.sizes[i]);
            // BP3: Σ_x δ^l_j.
            let nb = &mut self.nabla_b[i];
            nb.fill(0.0);
            for col in self.deltas[i].chunks_exact(n_l) {
                for (s, &d) in nb.iter_mut().zip(col) {
                    *s += d;
                }
            }
            // BP4: Σ_x a^{l−1}_k δ^l_j = δ^l (a^{l−1})^T.
            // (a^{l−1})^T is copied out first so both factors are plain column-major matrices.
            let a_prev = &self.activations[i];
            let a_prev_t = &mut self.transposed[i];
            for c in 0..m {
                for k in 0..n_prev {
                    a_prev_t[c + k * m] = a_prev[k + c * n_prev];
                }
            }
            gemm_set(
                n_l,
                m,
                n_prev,
                &self.deltas[i],
                a_prev_t,
                &mut self.nabla_w[i],
            );
        }
    }

    /// w → (1 − ηλ/n) w − (η/m) Σ∇w, b → b − (η/m) Σ∇b, or nothing at all if any result
    /// (or the cost) would not be finite.
    ///
    /// The new values are written over the gradient buffers; only when every one is finite
    /// do those buffers and the network's swap places, so a refused step touches nothing.
    fn apply(
        &mut self,
        net: &mut Network,
        cost_sum: f64,
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        let mean_cost = cost_sum / self.m as f64;
        if !mean_cost.is_finite() {
            return Err(Error::diverged(format!("the cost became {mean_cost}")));
        }
        let shrink = 1.0 - eta * lambda / n as f64;
        let rate = eta / self.m as f64;
        let mut finite = true;
        for (w, g) in net.weights.iter().zip(&mut self.nabla_w) {
            finite &= step_into(w.as_slice(), g, shrink, rate);
        }
        for (b, g) in net.biases.iter().zip(&mut self.nabla_b) {
            finite &= step_into(b.as_slice(), g, 1.0, rate);
        }
        if !finite {
            let new_w: Vec<DMatrix<f64>> = (self.nabla_w.iter().zip(&net.weights))
                .map(|(g, w)| DMatrix::from_column_slice(w.nrows(), w.ncols(), g))
                .collect();
            let new_b: Vec<DVector<f64>> = self
                .nabla_b
                .iter()
                .map(|g| DVector::from_column_slice(g))
                .collect();
            let what = first_non_finite(&new_w, &new_b).unwrap_or_default();
            return Err(Error::diverged(format!("{what} became non-finite")));
        }
        for (w, g) in net.weights.iter_mut().zip(&mut self.nabla_w) {
            let (rows, cols) = w.shape();
            let new = DMatrix::from_vec(rows, cols, std::mem::take(g));
            *g = std::mem::replace(w, new).data.into();
        }
        for (b, g) in net.biases.iter_mut().zip(&mut self.nabla_b) {
            let new = DVector::from_vec(std::mem::take(g));
            *g = std::mem::replace(b, new).data.into();
        }
        Ok(mean_cost)
    }
}

/// g ← shrink·w − rate·g, element by element; true when every result is finite.
///
/// `v · 0` is 0 for a finite v and NaN otherwise, so four running sums of it say whether all
/// were finite without a branch, and the loop stays vectorisable.
fn step_into(w: &[f64], g: &mut [f64], shrink: f64, rate: f64) -> bool {
    let mut acc = [0.0f64; 4];
    let mut gs = g.chunks_exact_mut(4);
    let mut ws = w.chunks_exact(4);
    for (g4, w4) in (&mut gs).zip(&mut ws) {
        for l in 0..4 {
            let v = shrink * w4[l] - rate * g4[l];
            g4[l] = v;
            acc[l] += v * 0.0;
        }
    }
    for (g, &w) in gs.into_remainder().iter_mut().zip(ws.remainder()) {
        *g = shrink * w - rate * *g;
        acc[0] += *g * 0.0;
    }
    acc.iter().sum::<f64>() == 0.0
}

/// a = σ(z) over a buffer, with the match outside the loop.
fn apply_in_place(act: Activation, v: &mut [f64]) {
    match act {
        Activation::Sigmoid => v
            .iter_mut()
            .for_each(|z| *z = crate::activation::sigmoid(*z)),
        Activation::Tanh => v.iter_mut().for_each(|z| *z = z.tanh()),
        Activation::Relu => v.iter_mut().for_each(|z| *z = z.max(0.0)),
        Activation::Linear => {}
    }
}

/// σ′(z) from a = σ(z): a(1 − a), 1 − a², [a > 0] or 1 — the same numbers as `prime(z)`,
/// without a second exp.
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
