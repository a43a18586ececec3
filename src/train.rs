//! Training helpers around `update_mini_batch`: shuffling with a seed, splitting into
//! mini-batches, epochs of SGD, and the mean cost and accuracy over a data set.
//!
//! This mirrors network.py's `SGD` and `evaluate`; the page calls the pieces one step at a time.

use crate::workspace::Workspace;
use crate::{Error, Example, Network, Result};
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
    let mut workspace = Workspace::new();
    for epoch in 0..config.epochs {
        let run = EpochRun {
            mini_batch_size: config.mini_batch_size,
            eta: config.eta,
            lambda: config.lambda,
            n,
            seed: config.seed,
            epoch: epoch as u64,
        };
        sgd_epoch(&mut workspace, net, training_data, run)?;
        after_epoch(epoch, net);
    }
    Ok(())
}

/// One epoch of SGD: which one, and the step's settings.
#[derive(Clone, Copy, Debug)]
pub struct EpochRun {
    /// m.
    pub mini_batch_size: usize,
    /// η.
    pub eta: f64,
    /// λ (0 for network.py's plain SGD).
    pub lambda: f64,
    /// The training-set size in the weight decay 1 − ηλ/n.
    pub n: usize,
    pub seed: u64,
    /// The epoch's number: with the seed it fixes the order (`shuffled_order`).
    pub epoch: u64,
}

/// One epoch of SGD over all of `data`, as network.py's `SGD` runs each epoch: the examples in
/// `shuffled_order(data.len(), seed, epoch)`, cut into mini-batches of m (the last may be
/// shorter), one step per mini-batch, in the workspace's buffers and without copying any
/// example. Returns the number of steps and the mean of their batch costs (each taken before
/// its step).
///
/// Every argument is checked before the first step. A step that would make the network
/// non-finite stops the epoch with an error: it changed nothing, the steps before it stay.
pub fn sgd_epoch(
    workspace: &mut Workspace,
    net: &mut Network,
    data: &[Example],
    run: EpochRun,
) -> Result<(usize, f64)> {
    check_epoch_args(data, run)?;
    if let Some(i) = data.iter().position(|e| !crate::workspace::accepts(net, e)) {
        crate::workspace::name_the_fault(net, &data[i], i)?;
    }
    epoch_steps(workspace, net, data, run)
}

/// `sgd_epoch` for examples the caller knows the network accepts (the wasm `Dataset`'s: its
/// numbers were checked when it was made, its shapes and the cost's range for y at each call):
/// the arguments are checked, the examples not again (for 1,000 examples of the 2-D page, the
/// check was 2–3 % of an epoch in Chromium's profile).
#[cfg(all(target_arch = "wasm32", feature = "epoch"))]
pub(crate) fn sgd_epoch_fitting(
    workspace: &mut Workspace,
    net: &mut Network,
    data: &[Example],
    run: EpochRun,
) -> Result<(usize, f64)> {
    check_epoch_args(data, run)?;
    epoch_steps(workspace, net, data, run)
}

fn check_epoch_args(data: &[Example], run: EpochRun) -> Result<()> {
    crate::limits::check_step_args(run.mini_batch_size, run.eta, run.lambda, run.n)?;
    if data.is_empty() {
        return Err(Error::new(
            "the data set must hold at least one example, got none",
        ));
    }
    Ok(())
}

/// The epoch's steps, everything checked.
fn epoch_steps(
    workspace: &mut Workspace,
    net: &mut Network,
    data: &[Example],
    run: EpochRun,
) -> Result<(usize, f64)> {
    let order = shuffled_order(data.len(), run.seed, run.epoch);
    let mut cost = 0.0;
    let mut steps = 0;
    for indices in order.chunks(run.mini_batch_size) {
        cost += workspace.step_on_checked(net, data, indices, run.eta, run.lambda, run.n)?;
        steps += 1;
    }
    Ok((steps, cost / steps as f64))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Activation, Cost, Init};

    fn data(count: usize) -> Vec<Example> {
        (0..count)
            .map(|i| Example {
                x: vec![(i as f64 * 0.37).sin(), (i as f64 * 0.11).cos()],
                y: vec![if i % 3 == 0 { 1.0 } else { 0.0 }],
            })
            .collect()
    }

    #[test]
    fn an_epoch_is_the_shuffled_steps_one_by_one() {
        let data = data(23);
        for cost in [Cost::Quadratic, Cost::CrossEntropy] {
            let start = Network::random(
                &[2, 8, 8, 8, 1],
                4,
                Activation::Sigmoid,
                cost,
                Init::Standard,
            )
            .unwrap();
            let run = EpochRun {
                mini_batch_size: 5,
                eta: 0.9,
                lambda: 0.2,
                n: 40,
                seed: 7,
                epoch: 3,
            };
            let mut fast = start.clone();
            let (steps, mean) = sgd_epoch(&mut Workspace::new(), &mut fast, &data, run).unwrap();
            // The same order, each mini-batch copied out and stepped on its own.
            let mut slow = start.clone();
            let mut costs = Vec::new();
            for indices in mini_batches(&shuffled_order(23, 7, 3), 5) {
                let batch: Vec<Example> = indices.iter().map(|&i| data[i].clone()).collect();
                costs.push(slow.update_mini_batch(&batch, 0.9, 0.2, 40).unwrap());
            }
            assert_eq!(steps, 5, "23 examples in batches of 5");
            assert_eq!(fast, slow);
            assert_eq!(mean, costs.iter().sum::<f64>() / 5.0);
            assert_ne!(fast, start);
        }
    }

    #[test]
    fn an_epoch_refuses_bad_arguments_before_any_step() {
        let data = data(10);
        let start = Network::random(
            &[2, 3, 1],
            1,
            Activation::Tanh,
            Cost::Quadratic,
            Init::Standard,
        )
        .unwrap();
        let good = EpochRun {
            mini_batch_size: 4,
            eta: 0.5,
            lambda: 0.0,
            n: 10,
            seed: 0,
            epoch: 0,
        };
        let mut net = start.clone();
        let mut ws = Workspace::new();
        let cases = [
            (
                EpochRun {
                    mini_batch_size: 0,
                    ..good
                },
                "at least one example",
            ),
            (EpochRun { eta: -1.0, ..good }, "learning rate eta"),
            (
                EpochRun {
                    lambda: f64::NAN,
                    ..good
                },
                "lambda",
            ),
            (EpochRun { n: 0, ..good }, "n (the training-set size)"),
        ];
        for (run, want) in cases {
            let err = sgd_epoch(&mut ws, &mut net, &data, run).unwrap_err();
            assert!(err.message.contains(want), "{}", err.message);
        }
        let err = sgd_epoch(&mut ws, &mut net, &[], good).unwrap_err();
        assert!(
            err.message.contains("at least one example"),
            "{}",
            err.message
        );
        let mut bad = data.clone();
        bad[6].x[1] = f64::INFINITY;
        let err = sgd_epoch(&mut ws, &mut net, &bad, good).unwrap_err();
        assert!(err.message.contains("example 6's x[1]"), "{}", err.message);
        bad[6].x = vec![0.0; 3];
        let err = sgd_epoch(&mut ws, &mut net, &bad, good).unwrap_err();
        assert!(
            err.message.contains("example 6's x must have 2"),
            "{}",
            err.message
        );
        assert_eq!(net, start);
        // A diverging step stops the epoch and is itself not made.
        let huge = vec![
            Example {
                x: vec![1e150, -1e150],
                y: vec![0.0]
            };
            3
        ];
        let mut linear = Network::random(
            &[2, 3, 1],
            2,
            Activation::Linear,
            Cost::Quadratic,
            Init::Standard,
        )
        .unwrap();
        let before = linear.clone();
        let err = sgd_epoch(
            &mut ws,
            &mut linear,
            &huge,
            EpochRun {
                eta: 1e300,
                n: 3,
                ..good
            },
        )
        .unwrap_err();
        assert!(err.diverged);
        assert_eq!(linear, before);
    }
}
