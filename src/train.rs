//! Training helpers around `update_mini_batch`: shuffling with a seed, splitting into
//! mini-batches, epochs of SGD, and the mean cost and accuracy over a data set.
//!
//! This mirrors network.py's `SGD` and `evaluate`; the page calls the pieces one step at a time.

use crate::workspace::Workspace;
use crate::{Example, Network, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The order in which to visit `n` examples in epoch `epoch`, shuffled from `seed`.
pub fn shuffled_order(n: usize, seed: u64, epoch: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    // A different but reproducible stream for every epoch.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ epoch.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    order.shuffle(&mut rng);
    order
}

/// Split an order into mini-batches of `m` (the last one may be shorter).
pub fn mini_batches(order: &[usize], m: usize) -> Vec<&[usize]> {
    order.chunks(m.max(1)).collect()
}

/// Settings of a training run, as in network.py's `SGD(training_data, epochs, m, eta)`.
#[derive(Clone, Copy, Debug)]
pub struct SgdConfig {
    pub epochs: usize,
    pub mini_batch_size: usize,
    pub eta: f64,
    pub lambda: f64,
    pub seed: u64,
}

/// Run epochs of SGD, calling `after_epoch(epoch, net)` after each one.
pub fn sgd(
    net: &mut Network,
    training_data: &[Example],
    config: SgdConfig,
    mut after_epoch: impl FnMut(usize, &Network),
) -> Result<()> {
    let n = training_data.len();
    let mut batch = Vec::with_capacity(config.mini_batch_size);
    let mut workspace = Workspace::new();
    for epoch in 0..config.epochs {
        let order = shuffled_order(n, config.seed, epoch as u64);
        for indices in mini_batches(&order, config.mini_batch_size) {
            batch.clear();
            batch.extend(indices.iter().map(|&i| training_data[i].clone()));
            workspace.update_mini_batch(net, &batch, config.eta, config.lambda, n)?;
        }
        after_epoch(epoch, net);
    }
    Ok(())
}

/// Mean cost and accuracy of a network over a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// (1/n) Σ_x C_x (without the regularisation term).
    pub mean_cost: f64,
    /// Examples classified right: the largest output is the desired class, or for a single
    /// output neuron, a^L ≥ 0.5 exactly when y ≥ 0.5.
    pub correct: usize,
    pub total: usize,
}

impl Evaluation {
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
}

/// Evaluate over `data` in chunks (one matrix product per layer per chunk).
pub fn evaluate(net: &Network, data: &[Example]) -> Evaluation {
    let mut cost = 0.0;
    let mut correct = 0;
    for chunk in data.chunks(256) {
        let (x, y) = net.batch_columns(chunk);
        let out = net.forward_columns(x).activations.pop().unwrap_or_default();
        for c in 0..chunk.len() {
            let a = out.column(c);
            let t = y.column(c);
            cost += a
                .iter()
                .zip(t.iter())
                .map(|(&a, &y)| net.cost.term(a, y))
                .sum::<f64>();
            if is_correct(a.as_slice(), t.as_slice()) {
                correct += 1;
            }
        }
    }
    let total = data.len();
    Evaluation {
        mean_cost: if total == 0 { 0.0 } else { cost / total as f64 },
        correct,
        total,
    }
}

/// Whether output `a` names the same class as the desired output `y`.
pub fn is_correct(a: &[f64], y: &[f64]) -> bool {
    if a.len() == 1 {
        (a[0] >= 0.5) == (y[0] >= 0.5)
    } else {
        argmax(a) == argmax(y)
    }
}

/// The index of the largest value (the first, on ties).
pub fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}
