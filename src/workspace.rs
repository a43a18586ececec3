//! The fast SGD step: the same BP1–BP4 as `backprop`, for a whole mini-batch at once, in
//! buffers allocated once and reused, so a training loop allocates nothing per step.
//!
//! Each matrix product is one blocked product over the whole batch (`kernels`); σ′ is read
//! off the stored activations instead of calling exp again. Tests hold it
//! to the per-example path to 1e-12.

use crate::activation::Activation;
use crate::cost::Cost;
use crate::kernels::{
    add_columns, gemm_set, gemm_set_times_prime, step_weights, transpose, weighted_input,
};
use crate::{network::first_non_finite, Error, Example, Network, Result};
use nalgebra::{DMatrix, DVector};

/// Numbers after each δ buffer that the fused BP4 may read: one vector's worth.
const DELTA_PAD: usize = 4;

/// Buffers for one network shape and one mini-batch size, column-major like nalgebra: column c
/// of each per-layer buffer belongs to example c of the batch.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    sizes: Vec<usize>,
    m: usize,
    /// a^1 = x for the batch, then a^2 … a^L.
    activations: Vec<Vec<f64>>,
    /// −(η/m) δ^2 … −(η/m) δ^L: the errors already scaled for the update (BP2 is linear in
    /// δ, so scaling δ^L scales every layer's).
    deltas: Vec<Vec<f64>>,
    /// (w^3)ᵀ … (w^L)ᵀ, for BP2.
    transposed: Vec<Vec<f64>>,
    /// The step's new weights and biases; swapped with the network's when all are finite.
    new_w: Vec<DMatrix<f64>>,
    new_b: Vec<DVector<f64>>,
    y: Vec<f64>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Size the buffers for `sizes` and a batch of `m` (a no-op when they already fit).
    fn prepare(&mut self, sizes: &[usize], m: usize) {
        if self.m == m && self.sizes == sizes {
            return;
        }
        self.sizes = sizes.to_vec();
        self.m = m;
        self.activations = sizes.iter().map(|&n| vec![0.0; n * m]).collect();
        // A few numbers past the end: `step_weights` may read them (and ignore them) rather
        // than mask the last vector of a column.
        self.deltas = sizes[1..]
            .iter()
            .map(|&n| vec![0.0; n * m + DELTA_PAD])
            .collect();
        self.transposed = sizes
            .windows(2)
            .skip(1)
            .map(|p| vec![0.0; p[0] * p[1]])
            .collect();
        self.new_w = sizes
            .windows(2)
            .map(|p| DMatrix::zeros(p[1], p[0]))
            .collect();
        self.new_b = sizes[1..].iter().map(|&n| DVector::zeros(n)).collect();
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
        crate::limits::check_step_args(batch.len(), eta, lambda, n)?;
        if !self.load(net, batch.iter()) {
            // Only for a bad batch: the same checks again, to name what is wrong.
            net.check_step(batch, eta, lambda, n)?;
            return Err(refused());
        }
        self.step(net, eta, lambda, n)
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
        self.load_indices(net, data, indices)?;
        self.step(net, eta, lambda, n)
    }

    /// `update_indices` for the wasm `Dataset`, whose numbers are all finite and whose x and y
    /// have the network's n_0 and n_L numbers (the data set checks its numbers once, when it
    /// is made; its caller the shapes, at each call). `ys_fit` says whether every y is one
    /// the cost accepts (any finite y for the quadratic cost, y in [0, 1] for cross-entropy):
    /// then the examples are copied without a test, two or three numbers each for the 2-D
    /// page, with no call per example (`load_indices`' checks and copies were 5 % of a
    /// [2,8,8,8,1] step in Chromium's profile); otherwise each picked example is checked, and
    /// the first refused one named, as `update_indices` does.
    #[cfg(target_arch = "wasm32")]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn update_fitting(
        &mut self,
        net: &mut Network,
        data: &[Example],
        indices: &[u32],
        ys_fit: bool,
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        crate::limits::check_step_args(indices.len(), eta, lambda, n)?;
        self.prepare(&net.sizes, indices.len());
        for (c, &i) in indices.iter().enumerate() {
            let i = i as usize;
            let e = data.get(i).ok_or_else(|| out_of_range(c, i, data))?;
            if !ys_fit && !accepts_y(net, &e.y) {
                name_the_fault(net, e, i)?;
                return Err(refused());
            }
            self.copy_example(c, e);
        }
        self.step(net, eta, lambda, n)
    }

    /// Copy an example the network accepts into column c of the batch buffers (sized by
    /// `prepare`): its x into a^1, its y into `y`, without a test (`update_fitting` and the
    /// wasm `step_on_checked`).
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    fn copy_example(&mut self, c: usize, e: &Example) {
        let (n_in, n_out) = (e.x.len(), e.y.len());
        copy_short(&mut self.activations[0][c * n_in..(c + 1) * n_in], &e.x);
        copy_short(&mut self.y[c * n_out..(c + 1) * n_out], &e.y);
    }

    /// `update_indices` for arguments the caller has already checked: η, λ and n
    /// (`train::sgd_epoch` checks them, and every example of `data`, once per epoch, and its
    /// indices come from a shuffle of `data`'s). An empty or oversized batch is refused.
    /// Natively the indices and examples are checked again as they are copied (the check rides
    /// the AVX2 copy of 784 inputs); in wasm the examples are copied as they are, two or three
    /// numbers each for the 2-D page, with no call per example (as `update_fitting`).
    pub(crate) fn step_on_checked(
        &mut self,
        net: &mut Network,
        data: &[Example],
        indices: &[usize],
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        if indices.is_empty() || indices.len() > crate::limits::MAX_BATCH {
            return crate::limits::check_step_args(indices.len(), eta, lambda, n).map(|_| 0.0);
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.prepare(&net.sizes, indices.len());
            for (c, &i) in indices.iter().enumerate() {
                self.copy_example(c, &data[i]);
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.load_indices(net, data, indices)?;
        self.step(net, eta, lambda, n)
    }

    /// Copy the examples of `data` picked by `indices` into the batch buffers, checking them
    /// on the way; when one is out of range or refused, the first such one (in order) is
    /// named as `update_indices` always has.
    fn load_indices(&mut self, net: &Network, data: &[Example], indices: &[usize]) -> Result<()> {
        if indices.iter().all(|&i| i < data.len())
            && self.load(net, indices.iter().map(|&i| &data[i]))
        {
            return Ok(());
        }
        for (c, &i) in indices.iter().enumerate() {
            let e = data.get(i).ok_or_else(|| out_of_range(c, i, data))?;
            if !accepts(net, e) {
                name_the_fault(net, e, i)?;
            }
        }
        Err(refused())
    }

    /// Copy a batch's x and y into a^1 and `y`, each example checked as `accepts` does, x's
    /// finiteness in the same pass as its copy (so x is read once, from wherever it is). True
    /// when every example passed; the network is not touched either way.
    fn load<'a>(
        &mut self,
        net: &Network,
        batch: impl ExactSizeIterator<Item = &'a Example> + Clone,
    ) -> bool {
        self.prepare(&net.sizes, batch.len());
        let (n_in, n_out) = (net.sizes[0], net.sizes[net.sizes.len() - 1]);
        let mut finite = true;
        // Natively the next example is asked for (prefetched) while this one is copied: its y
        // (a few numbers in an allocation of its own) now, its x during the copy.
        #[cfg(target_arch = "x86_64")]
        let mut ahead = batch.clone().skip(1);
        for (c, e) in batch.enumerate() {
            if e.x.len() != n_in || !accepts_y(net, &e.y) {
                return false;
            }
            #[cfg(target_arch = "x86_64")]
            let next_x = ahead.next().map_or(&[][..], |next| {
                prefetch_short(&next.y);
                &next.x
            });
            #[cfg(not(target_arch = "x86_64"))]
            let next_x = &[][..];
            let x = &mut self.activations[0][c * n_in..(c + 1) * n_in];
            finite &= copy_all_finite(x, &e.x, next_x);
            // y is finite (`accepts_y`); the same loop only to copy it without a memory.copy.
            finite &= copy_all_finite(&mut self.y[c * n_out..(c + 1) * n_out], &e.y, &[]);
        }
        finite
    }

    /// The step itself, on the batch `load` has put in the buffers. Never inlined: its
    /// callers share the one copy (it is most of the wasm module's code for training).
    #[inline(never)]
    fn step(&mut self, net: &mut Network, eta: f64, lambda: f64, n: usize) -> Result<f64> {
        let cost = self.forward(net);
        let shrink = 1.0 - eta * lambda / n as f64;
        let finite = self.backward(net, eta / self.m as f64, shrink);
        self.apply(net, cost, finite)
    }

    /// Eq. 25 for the batch; returns Σ_x C_x.
    fn forward(&mut self, net: &Network) -> f64 {
        let m = self.m;
        for i in 0..net.weights.len() {
            let (n_out, n_in) = (net.sizes[i + 1], net.sizes[i]);
            let (before, after) = self.activations.split_at_mut(i + 1);
            let out = &mut after[0];
            // z^l = w^l a^{l−1} + b^l, written into the activation buffer, then a^l = σ(z^l).
            weighted_input(
                n_out,
                n_in,
                m,
                net.weights[i].as_slice(),
                &before[i],
                net.biases[i].as_slice(),
                out,
            );
            apply_in_place(net.layer_activation(i), out);
        }
        let a_out = &self.activations[self.activations.len() - 1];
        a_out
            .iter()
            .zip(&self.y)
            .map(|(&a, &y)| net.cost.term(a, y))
            .sum()
    }

    /// BP1 and BP2 for δ scaled by −rate, and for each layer BP3 and BP4 summed over the
    /// batch, fused with the update: the new weights and biases go to `new_w` and `new_b`.
    /// Returns whether all of them are finite.
    fn backward(&mut self, net: &Network, rate: f64, shrink: f64) -> bool {
        let m = self.m;
        let last = net.weights.len() - 1;
        // BP1: δ^L = ∇_a C ⊙ σ′(z^L) (a − y for cross-entropy with its sigmoid output).
        let out_act = net.layer_activation(last);
        let a_out = &self.activations[last + 1];
        let d_out = self.deltas[last][..a_out.len()]
            .iter_mut()
            .zip(a_out)
            .zip(&self.y);
        if net.cost == Cost::CrossEntropy {
            d_out.for_each(|((d, &a), &y)| *d = -rate * (a - y));
        } else {
            d_out.for_each(|((d, &a), &y)| {
                *d = -rate * (net.cost.gradient(a, y) * prime_from_output(out_act, a))
            });
        }
        let mut finite = true;
        for i in (0..=last).rev() {
            let (n_l, n_prev) = (net.sizes[i + 1], net.sizes[i]);
            // BP3: b^l − (η/m) Σ_x δ^l_j.
            finite &= add_columns(
                n_l,
                m,
                net.biases[i].as_slice(),
                &self.deltas[i],
                self.new_b[i].as_mut_slice(),
            );
            // BP4 and the step: (1 − ηλ/n) w^l − (η/m) Σ_x a^{l−1}_k δ^l_j.
            finite &= step_weights(
                n_l,
                m,
                n_prev,
                shrink,
                net.weights[i].as_slice(),
                &self.deltas[i],
                &self.activations[i],
                self.new_w[i].as_mut_slice(),
            );
            if i == 0 {
                break;
            }
            // BP2: δ^{l−1} = ((w^l)^T δ^l) ⊙ σ′(z^{l−1}), with (w^l)^T copied out first so
            // the product reads it by columns (w^l is stored by columns: column k holds w^l_jk
            // for every j).
            let w_t = &mut self.transposed[i - 1][..n_l * n_prev];
            transpose(n_l, n_prev, net.weights[i].as_slice(), w_t);
            let (lower, upper) = self.deltas.split_at_mut(i);
            let below = &mut lower[i - 1][..n_prev * m];
            let act = net.layer_activation(i - 1);
            let a = &self.activations[i];
            // In wasm, for the sigmoid and tanh, the product and σ′ in one pass.
            if !gemm_set_times_prime(n_prev, n_l, m, w_t, &upper[0], below, act, a) {
                gemm_set(n_prev, n_l, m, w_t, &upper[0], below);
                times_prime_in_place(act, below, a);
            }
        }
        finite
    }

    /// Make the step: swap the new weights and biases in, or change nothing at all if any of
    /// them (or the cost) is not finite.
    fn apply(&mut self, net: &mut Network, cost_sum: f64, finite: bool) -> Result<f64> {
        let mean_cost = cost_sum / self.m as f64;
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
}

/// The full checks again for example `i`, which `accepts` refused, so the error names what is
/// wrong with it; the names are built only then, so a good step allocates nothing.
pub(crate) fn name_the_fault(net: &Network, e: &Example, i: usize) -> Result<()> {
    net.check_example(
        &e.x,
        &e.y,
        &format!("example {i}'s x"),
        &format!("example {i}'s y"),
    )
}

/// `Network::accepts` (the shapes, finite numbers, y in [0, 1] for cross-entropy), with the
/// finiteness of x tested branch-free so that it vectorises: 784 inputs cost a few hundred
/// instructions instead of a few thousand.
pub(crate) fn accepts(net: &Network, e: &Example) -> bool {
    e.x.len() == net.sizes[0] && accepts_y(net, &e.y) && all_finite(&e.x)
}

/// The y part of `accepts`: n_L numbers, finite, and in [0, 1] for cross-entropy.
fn accepts_y(net: &Network, y: &[f64]) -> bool {
    let n_out = net.sizes[net.sizes.len() - 1];
    let y_ok = match net.cost {
        Cost::CrossEntropy => y.iter().all(|y| (0.0..=1.0).contains(y)),
        Cost::Quadratic => all_finite(y),
    };
    y.len() == n_out && y_ok
}

/// The error for `indices[c] = i`, past the end of `data`.
#[cold]
fn out_of_range(c: usize, i: usize, data: &[Example]) -> Error {
    Error::new(format!(
        "indices[{c}] must be below the data set's size {}, got {i}",
        data.len()
    ))
}

/// The error for a batch the checks refused but could not name a fault in. `accepts` and
/// `Network::check_example` test the same things, so this is not expected; it keeps a
/// disagreement between them from stepping on a half-copied batch.
fn refused() -> Error {
    Error::new("the batch holds an example the network does not accept")
}

/// Whether every number is finite (`kernels::all_finite`: branch-free, four at a time).
fn all_finite(v: &[f64]) -> bool {
    crate::kernels::all_finite(v)
}

/// dst ← src, and whether every number of src is finite, in one pass over src: natively one
/// AVX2 load, store and multiply-add per four numbers (`kernels::copy_all_finite_avx2`),
/// which also asks for `ahead` (the next example's x) to be fetched as it goes; elsewhere the
/// same sum of v·0 in a loop that vectorises.
#[allow(clippy::manual_memcpy)] // on purpose: see below
fn copy_all_finite(dst: &mut [f64], src: &[f64], ahead: &[f64]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if src.len() >= 16
        && std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        // SAFETY: the CPU has just been checked for both features the function is built with.
        return unsafe { crate::kernels::copy_all_finite_avx2(dst, src, ahead) };
    }
    let _ = ahead;
    // x·0 is 0 for a finite x and NaN otherwise, so sums of them are 0 exactly when every x is
    // finite. A copy (`copy_from_slice`, or a loop LLVM turns back into one) is a memory.copy
    // in wasm, which V8 runs as a call into its runtime: for the 2-D page's x (2 numbers) and
    // y (1) that call was most of the work. So a few numbers are copied one by one, each read
    // through `black_box` (an address LLVM cannot follow, so no memory.copy is made of them).
    if src.len() <= 4 {
        let mut sum = 0.0;
        for (d, s) in dst.iter_mut().zip(src) {
            let x = *core::hint::black_box(s);
            *d = x;
            sum += x * 0.0;
        }
        return sum == 0.0;
    }
    // More in one loop for both, with four sums so that it vectorises (LLVM makes a
    // memory.copy of the copy again, which for hundreds of numbers is the quick way).
    let mut sums = [0.0f64; 4];
    let (d4, d_rest) = dst.as_chunks_mut::<4>();
    let (s4, s_rest) = src.as_chunks::<4>();
    for (d, s) in d4.iter_mut().zip(s4) {
        for l in 0..4 {
            d[l] = s[l];
            sums[l] += s[l] * 0.0;
        }
    }
    let mut rest = 0.0;
    for (d, &s) in d_rest.iter_mut().zip(s_rest) {
        *d = s;
        rest += s * 0.0;
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + rest == 0.0
}

/// dst ← src, for numbers known to be finite: `copy_all_finite` without its sum.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn copy_short(dst: &mut [f64], src: &[f64]) {
    if src.len() <= 4 {
        // One by one, each read through `black_box`, as in `copy_all_finite`: no memory.copy.
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *core::hint::black_box(s);
        }
    } else {
        dst.copy_from_slice(src);
    }
}

/// Ask for the cache lines of a short buffer (its first and last number's) to be fetched: a
/// prefetch, only a hint (nothing is read, nothing can fault).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn prefetch_short(v: &[f64]) {
    if let (Some(first), Some(last)) = (v.first(), v.last()) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: SSE is part of x86-64; the addresses are inside v.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>((first as *const f64).cast());
            _mm_prefetch::<_MM_HINT_T0>((last as *const f64).cast());
        }
    }
}

/// a = σ(z) over a buffer, with the match outside the loop.
pub(crate) fn apply_in_place(act: Activation, v: &mut [f64]) {
    match act {
        Activation::Sigmoid => crate::activation::sigmoid_in_place(v),
        Activation::Tanh => crate::activation::tanh_in_place(v),
        Activation::Relu => v.iter_mut().for_each(|z| *z = z.max(0.0)),
        Activation::Linear => {}
    }
}

/// d ← d ⊙ σ′(z), with σ′ read off a = σ(z), the match outside the loop.
fn times_prime_in_place(act: Activation, d: &mut [f64], a: &[f64]) {
    let pairs = d.iter_mut().zip(a);
    // 1 from a place the compiler cannot see into: as a constant in the loop, V8 rebuilt it at
    // every use (three instructions), as it does σ's (`activation::pairs`).
    let one = core::hint::black_box(1.0);
    match act {
        Activation::Sigmoid => pairs.for_each(|(d, &a)| *d *= a * (one - a)),
        Activation::Tanh => pairs.for_each(|(d, &a)| *d *= one - a * a),
        Activation::Relu => pairs.for_each(|(d, &a)| *d *= if a > 0.0 { 1.0 } else { 0.0 }),
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
