//! Training the book's network on the digits, one mini-batch at a time: what network.py's
//! `SGD(training_data, epochs, 10, 3.0, test_data=test_data)` does, cut into pieces the page
//! can animate (`step`) or run in chunks between progress reports (`train_batches`).
//!
//! The digits stay as bytes; a mini-batch becomes examples only when it is used. Epoch e visits
//! the training digits in `train::shuffled_order(n, seed, e)` and cuts it into mini-batches as
//! `train::mini_batches` does, so a run here is exactly `train::sgd` on the same examples.

use super::{Digits, Split, CLASSES, PIXELS};
use crate::train::{argmax, shuffled_order, Evaluation};
use crate::workspace::Workspace;
use crate::{limits, Activation, Cost, Error, Example, Init, Network, Result};
use nalgebra::{DMatrix, DVector};

/// The largest hidden layer accepted (the core's limit on one layer).
pub const MAX_HIDDEN: usize = limits::MAX_NEURONS;

/// How to build and train the [784, hidden, 10] network. `Default` is the book's chapter-1 run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Neurons in the hidden layer (layer 2).
    pub hidden: usize,
    /// Learning rate η.
    pub eta: f64,
    /// Mini-batch size m.
    pub mini_batch_size: usize,
    pub cost: Cost,
    pub init: Init,
    /// Seeds the initial weights and every epoch's shuffle (not the train/test split).
    pub seed: u64,
    /// L2 regularisation λ (0: network.py exactly).
    pub lambda: f64,
}

impl Default for Settings {
    /// [784, 30, 10], quadratic cost, N(0, 1) weights, η = 3.0, m = 10, as in chapter 1.
    fn default() -> Settings {
        Settings {
            hidden: 30,
            eta: 3.0,
            mini_batch_size: 10,
            cost: Cost::Quadratic,
            init: Init::Standard,
            seed: 0,
            lambda: 0.0,
        }
    }
}

impl Settings {
    /// Check every setting against a training set of `n_train` digits.
    pub fn check(&self, n_train: usize) -> Result<()> {
        if self.hidden == 0 || self.hidden > MAX_HIDDEN {
            return Err(Error::new(format!(
                "hidden must be 1 to {MAX_HIDDEN} neurons, got {}",
                self.hidden
            )));
        }
        let max_m = n_train.min(limits::MAX_BATCH);
        if self.mini_batch_size == 0 || self.mini_batch_size > max_m {
            return Err(Error::new(format!(
                "mini-batch size m must be 1 to {max_m}, got {}",
                self.mini_batch_size
            )));
        }
        limits::check_step_args(self.mini_batch_size, self.eta, self.lambda, n_train.max(1))
    }

    /// The network's layer sizes: [784, hidden, 10].
    pub fn sizes(&self) -> [usize; 3] {
        [PIXELS, self.hidden, CLASSES]
    }
}

/// What one recorded mini-batch step saw: the page animates it.
#[derive(Clone, Debug)]
pub struct StepRecord {
    /// The digits of the mini-batch (indices into the data set), in batch order.
    pub digits: Vec<usize>,
    /// Mean cost C = (1/m) Σ_x C_x of the batch before the step.
    pub cost: f64,
    /// a² (hidden × m) and a³ (10 × m) before the step: one column per example.
    pub hidden: DMatrix<f64>,
    pub output: DMatrix<f64>,
    /// δ² and δ³ (BP1, BP2), one column per example.
    pub delta_hidden: DMatrix<f64>,
    pub delta_output: DMatrix<f64>,
    /// (1/m) Σ_x ∂C_x/∂w^l and ∂C_x/∂b^l (BP3, BP4), index 0 = layer 2: the step's gradient.
    pub nabla_w: Vec<DMatrix<f64>>,
    pub nabla_b: Vec<DVector<f64>>,
    /// True when this step was the last mini-batch of its epoch.
    pub epoch_finished: bool,
}

/// The network and the data it learns from, with its place in the current epoch.
#[derive(Clone, Debug)]
pub struct Trainer {
    data: Digits,
    split: Split,
    settings: Settings,
    net: Network,
    /// The epoch under way (0 before any finished).
    epoch: usize,
    /// This epoch's visiting order: positions in `split.train`.
    order: Vec<usize>,
    /// How many digits of `order` this epoch has already trained on.
    next: usize,
    /// The fast step's buffers, reused across mini-batches (as `train::sgd` does).
    workspace: Workspace,
}

impl Trainer {
    /// A fresh network for `settings`, over the fixed split of `data`.
    pub fn new(data: Digits, settings: Settings) -> Result<Trainer> {
        let split = data.split();
        if split.test.is_empty() {
            return Err(Error::new(format!(
                "the data set must hold at least {} digits to keep one for testing, got {}",
                super::TEST_SHARE,
                data.len()
            )));
        }
        settings.check(split.train.len())?;
        let net = Self::network_for(&settings)?;
        let order = shuffled_order(split.train.len(), settings.seed, 0);
        Ok(Trainer {
            data,
            split,
            settings,
            net,
            epoch: 0,
            order,
            next: 0,
            workspace: Workspace::new(),
        })
    }

    fn network_for(s: &Settings) -> Result<Network> {
        Network::random(&s.sizes(), s.seed, Activation::Sigmoid, s.cost, s.init)
    }

    /// Start again from a new network (epoch 0) with new settings; the data stays.
    pub fn reset(&mut self, settings: Settings) -> Result<()> {
        settings.check(self.split.train.len())?;
        self.net = Self::network_for(&settings)?;
        self.settings = settings;
        self.epoch = 0;
        self.order = shuffled_order(self.split.train.len(), settings.seed, 0);
        self.next = 0;
        Ok(())
    }

    /// Change η, m and λ for the steps to come, keeping the network and the epoch's place.
    pub fn set_training(&mut self, eta: f64, mini_batch_size: usize, lambda: f64) -> Result<()> {
        let s = Settings {
            eta,
            mini_batch_size,
            lambda,
            ..self.settings
        };
        s.check(self.split.train.len())?;
        self.settings = s;
        Ok(())
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn network(&self) -> &Network {
        &self.net
    }

    pub fn data(&self) -> &Digits {
        &self.data
    }

    pub fn split(&self) -> &Split {
        &self.split
    }

    /// The epoch under way, counting from 0 (so after epoch 0 finishes this is 1).
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Mini-batches per epoch: ⌈n / m⌉.
    pub fn batches_per_epoch(&self) -> usize {
        self.split
            .train
            .len()
            .div_ceil(self.settings.mini_batch_size)
    }

    /// Digits of this epoch already trained on (out of `split().train.len()`).
    pub fn digits_done(&self) -> usize {
        self.next
    }

    /// The next mini-batch as digit indices (never empty: an epoch ends after its last one).
    fn next_digits(&self) -> Vec<usize> {
        let end = (self.next + self.settings.mini_batch_size).min(self.order.len());
        self.order[self.next..end]
            .iter()
            .map(|&p| self.split.train[p])
            .collect()
    }

    /// Move past `m` digits; at the end of the epoch start the next one. True if it ended.
    fn advance(&mut self, m: usize) -> bool {
        self.next += m;
        if self.next < self.order.len() {
            return false;
        }
        self.epoch += 1;
        self.next = 0;
        self.order = shuffled_order(
            self.split.train.len(),
            self.settings.seed,
            self.epoch as u64,
        );
        true
    }

    fn examples(&self, digits: &[usize]) -> Vec<Example> {
        digits.iter().map(|&i| self.data.example(i)).collect()
    }

    fn sgd_step(&mut self, batch: &[Example]) -> Result<f64> {
        let s = self.settings;
        let n = self.split.train.len();
        self.workspace
            .update_mini_batch(&mut self.net, batch, s.eta, s.lambda, n)
    }

    /// Train on up to `k` mini-batches, stopping early at the end of the epoch. Returns how
    /// many ran and their mean cost. On an error (divergence) the failing step changed nothing.
    pub fn train_batches(&mut self, k: usize) -> Result<(usize, f64)> {
        let mut cost = 0.0;
        for done in 0..k {
            let digits = self.next_digits();
            let batch = self.examples(&digits);
            cost += self.sgd_step(&batch)?;
            if self.advance(digits.len()) {
                return Ok((done + 1, cost / (done + 1) as f64));
            }
        }
        Ok((k, if k == 0 { 0.0 } else { cost / k as f64 }))
    }

    /// Train until the current epoch ends.
    pub fn finish_epoch(&mut self) -> Result<()> {
        let left = self.batches_per_epoch();
        self.train_batches(left).map(|_| ())
    }

    /// One mini-batch step, recorded: the forward pass, δ and the mean gradient the step used.
    pub fn step(&mut self) -> Result<StepRecord> {
        let digits = self.next_digits();
        let batch = self.examples(&digits);
        let m = batch.len() as f64;
        let (x, y) = self.net.batch_columns(&batch);
        let mut bp = self.net.backprop_columns(x, &y);
        let cost = self.sgd_step(&batch)?;
        let epoch_finished = self.advance(digits.len());
        let output = bp.activations.pop().unwrap_or_default();
        let hidden = bp.activations.pop().unwrap_or_default();
        let delta_output = bp.delta.pop().unwrap_or_default();
        let delta_hidden = bp.delta.pop().unwrap_or_default();
        Ok(StepRecord {
            digits,
            cost,
            hidden,
            output,
            delta_hidden,
            delta_output,
            nabla_w: bp.nabla_w.iter().map(|g| g / m).collect(),
            nabla_b: bp.nabla_b.iter().map(|g| g / m).collect(),
            epoch_finished,
        })
    }

    /// a^L for each of `digits`, one column each (256 at a time: one product per layer).
    pub fn outputs(&self, digits: &[usize]) -> DMatrix<f64> {
        let mut out = DMatrix::zeros(CLASSES, digits.len());
        for (c, chunk) in digits.chunks(256).enumerate() {
            let x = DMatrix::from_fn(PIXELS, chunk.len(), |k, i| {
                f64::from(self.data.image(chunk[i])[k]) / 255.0
            });
            if let Some(a) = self.net.forward_columns(x).activations.pop() {
                out.columns_mut(c * 256, chunk.len()).copy_from(&a);
            }
        }
        out
    }

    /// The network's answer (argmax of a^L) for every test digit, in `split().test` order.
    pub fn test_predictions(&self) -> Vec<usize> {
        let out = self.outputs(&self.split.test);
        (0..out.ncols())
            .map(|c| argmax(out.column(c).as_slice()))
            .collect()
    }

    /// Mean cost and digits right on the test set, as network.py's `evaluate`.
    pub fn evaluate(&self) -> Evaluation {
        let out = self.outputs(&self.split.test);
        let mut cost = 0.0;
        let mut correct = 0;
        for (c, &i) in self.split.test.iter().enumerate() {
            let a = out.column(c);
            let label = self.data.label(i);
            cost += (0..CLASSES)
                .map(|j| self.net.cost.term(a[j], if j == label { 1.0 } else { 0.0 }))
                .sum::<f64>();
            if argmax(a.as_slice()) == label {
                correct += 1;
            }
        }
        let total = self.split.test.len();
        Evaluation {
            mean_cost: cost / total.max(1) as f64,
            correct,
            total,
        }
    }

    /// The book's line for an evaluation: "Epoch 0: 1133 / 2000" right after epoch 0 ends;
    /// before any training, or part-way through an epoch, it says so.
    pub fn epoch_line(&self, ev: &Evaluation) -> String {
        let score = format!("{} / {}", ev.correct, ev.total);
        match (self.epoch, self.next) {
            (0, 0) => format!("Before training: {score}"),
            (e, 0) => format!("Epoch {}: {score}", e - 1),
            (e, done) => format!(
                "Epoch {e} (after {done} of {} digits): {score}",
                self.split.train.len()
            ),
        }
    }
}
