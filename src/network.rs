//! The network: weights w^l and biases b^l, the forward pass (eq. 25), backpropagation of one
//! example or of a whole mini-batch at once, and one step of stochastic gradient descent.
//!
//! It follows network.py's shape — one method per idea — and keeps the book's indices:
//! `weights[i]` is w^{i+2} (layer 1 is the input and has no weights), with n_l rows (j) and
//! n_{l−1} columns (k). Speed matters (the page trains every frame) but clarity comes first.

use crate::activation::Activation;
use crate::backprop::{backpropagate_error, bias_gradient, output_error, weight_gradient};
use crate::cost::Cost;
use crate::{kernels, limits, Error, Result};
use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, StandardNormal};

/// How the weights and biases are drawn, always from a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Chapter 1: every weight and bias ~ N(0, 1).
    Standard,
    /// Chapter 3: weights ~ N(0, 1/n_in), biases ~ N(0, 1).
    Scaled,
}

impl std::str::FromStr for Init {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "standard" => Ok(Init::Standard),
            "scaled" => Ok(Init::Scaled),
            _ => Err(format!(
                "init must be 'standard' or 'scaled', got {}",
                crate::Quoted(s)
            )),
        }
    }
}

/// One training example: an input x and the desired output y.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// A feedforward network of fully connected layers.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// Neurons per layer, input first: [n_1, …, n_L].
    pub sizes: Vec<usize>,
    /// `weights[i]` = w^{i+2}: n_{i+2} rows (j) × n_{i+1} columns (k).
    pub weights: Vec<DMatrix<f64>>,
    /// `biases[i]` = b^{i+2}.
    pub biases: Vec<DVector<f64>>,
    /// σ for the hidden layers (and the output layer, unless the cost is cross-entropy).
    pub activation: Activation,
    pub cost: Cost,
}

/// Everything the forward pass computes. Column x of each matrix belongs to example x.
#[derive(Clone, Debug)]
pub struct FeedForward {
    /// `zs[i]` = z^{i+2}.
    pub zs: Vec<DMatrix<f64>>,
    /// `activations[0]` = x = a^1; `activations[i]` = a^{i+1}.
    pub activations: Vec<DMatrix<f64>>,
}

/// The result of backpropagation for one example, or summed over a mini-batch.
#[derive(Clone, Debug)]
pub struct Backprop {
    pub zs: Vec<DMatrix<f64>>,
    pub activations: Vec<DMatrix<f64>>,
    /// `delta[i]` = δ^{i+2}, one column per example.
    pub delta: Vec<DMatrix<f64>>,
    /// ∂C/∂b^l (BP3), summed over the examples.
    pub nabla_b: Vec<DVector<f64>>,
    /// ∂C/∂w^l (BP4), summed over the examples.
    pub nabla_w: Vec<DMatrix<f64>>,
    /// Σ_x C_x over the examples.
    pub cost: f64,
}

impl Network {
    /// A network with the given sizes whose weights and biases are drawn from `seed`.
    pub fn random(
        sizes: &[usize],
        seed: u64,
        activation: Activation,
        cost: Cost,
        init: Init,
    ) -> Result<Network> {
        limits::check_sizes(sizes)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut weights = Vec::with_capacity(sizes.len() - 1);
        let mut biases = Vec::with_capacity(sizes.len() - 1);
        for pair in sizes.windows(2) {
            let (n_in, n_out) = (pair[0], pair[1]);
            let b = DVector::from_fn(n_out, |_, _| StandardNormal.sample(&mut rng));
            let std_dev = match init {
                Init::Standard => 1.0,
                Init::Scaled => 1.0 / (n_in as f64).sqrt(),
            };
            let normal = Normal::new(0.0, std_dev).map_err(|e| Error::new(e.to_string()))?;
            // Drawn row by row (j, then k) so the stream reads like the book's w^l_jk.
            let mut w = DMatrix::zeros(n_out, n_in);
            for j in 0..n_out {
                for k in 0..n_in {
                    w[(j, k)] = normal.sample(&mut rng);
                }
            }
            biases.push(b);
            weights.push(w);
        }
        Ok(Network {
            sizes: sizes.to_vec(),
            weights,
            biases,
            activation,
            cost,
        })
    }

    /// Number of layers L (the input counts as layer 1).
    pub fn num_layers(&self) -> usize {
        self.sizes.len()
    }

    /// The activation used in the layer whose weights are `weights[i]`.
    ///
    /// Cross-entropy needs outputs in (0, 1), so with it the output layer is always a sigmoid,
    /// as in chapter 3; otherwise every layer uses the chosen activation.
    pub fn layer_activation(&self, i: usize) -> Activation {
        if i + 1 == self.weights.len() && self.cost == Cost::CrossEntropy {
            Activation::Sigmoid
        } else {
            self.activation
        }
    }

    /// Feed one input forward and return a^L.
    pub fn feedforward(&self, x: &[f64]) -> Result<Vec<f64>> {
        self.check_input(x, "x")?;
        let a = self.forward_columns(DMatrix::from_column_slice(x.len(), 1, x));
        Ok(a.activations
            .last()
            .map(|m| m.as_slice().to_vec())
            .unwrap_or_default())
    }

    /// The forward pass of one input: z^l = w^l a^{l−1} + b^l, a^l = σ(z^l) (eq. 25).
    pub fn forward(&self, x: &[f64]) -> Result<FeedForward> {
        self.check_input(x, "x")?;
        Ok(self.forward_columns(DMatrix::from_column_slice(x.len(), 1, x)))
    }

    /// Eq. 25 for every column of `x` at once: one matrix product per layer.
    pub fn forward_columns(&self, x: DMatrix<f64>) -> FeedForward {
        let mut zs = Vec::with_capacity(self.weights.len());
        let mut activations = Vec::with_capacity(self.sizes.len());
        activations.push(x);
        for (i, (w, b)) in self.weights.iter().zip(&self.biases).enumerate() {
            let a_prev = &activations[i];
            let mut z = DMatrix::from_fn(w.nrows(), a_prev.ncols(), |j, _| b[j]);
            // z += w a^{l−1}: the blocked product of `kernels` (nalgebra's own `gemm` would
            // bring a second matrix-product library into the wasm for this one line).
            kernels::gemm_acc(
                w.nrows(),
                w.ncols(),
                a_prev.ncols(),
                w.as_slice(),
                a_prev.as_slice(),
                z.as_mut_slice(),
            );
            // a^l = σ(z^l) over the whole buffer (the sigmoid vectorised, the same numbers).
            let mut a = z.clone();
            crate::workspace::apply_in_place(self.layer_activation(i), a.as_mut_slice());
            zs.push(z);
            activations.push(a);
        }
        FeedForward { zs, activations }
    }

    /// Backpropagation for one example (x, y): z, a, δ, ∂C/∂b, ∂C/∂w and C_x.
    pub fn backprop(&self, x: &[f64], y: &[f64]) -> Result<Backprop> {
        self.check_example(x, y, "x", "y")?;
        Ok(self.backprop_columns(
            DMatrix::from_column_slice(x.len(), 1, x),
            &DMatrix::from_column_slice(y.len(), 1, y),
        ))
    }

    /// Backpropagation for the columns of `x` and `y` at once; the gradients are Σ_x.
    pub fn backprop_columns(&self, x: DMatrix<f64>, y: &DMatrix<f64>) -> Backprop {
        let FeedForward { zs, activations } = self.forward_columns(x);
        let last = self.weights.len() - 1;
        let a_out = &activations[last + 1];
        let cost = a_out
            .iter()
            .zip(y.iter())
            .map(|(&a, &y)| self.cost.term(a, y))
            .sum();
        let mut delta = vec![DMatrix::zeros(0, 0); self.weights.len()];
        delta[last] = output_error(self.cost, self.layer_activation(last), &zs[last], a_out, y);
        for i in (0..last).rev() {
            delta[i] = backpropagate_error(
                &self.weights[i + 1],
                &delta[i + 1],
                &zs[i],
                self.layer_activation(i),
            );
        }
        let nabla_b = delta.iter().map(bias_gradient).collect();
        let nabla_w = delta
            .iter()
            .zip(&activations)
            .map(|(d, a_prev)| weight_gradient(d, a_prev))
            .collect();
        Backprop {
            zs,
            activations,
            delta,
            nabla_b,
            nabla_w,
            cost,
        }
    }

    /// One SGD step on a mini-batch, all examples at once (one matrix product per layer):
    /// w^l → (1 − ηλ/n) w^l − (η/m) Σ_x ∂C_x/∂w^l,  b^l → b^l − (η/m) Σ_x ∂C_x/∂b^l.
    ///
    /// Returns the mean cost C = (1/m) Σ_x C_x of the batch before the step. If the step would
    /// make any weight or bias non-finite, nothing changes and an error says so.
    pub fn update_mini_batch(
        &mut self,
        batch: &[Example],
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        crate::workspace::Workspace::new().update_mini_batch(self, batch, eta, lambda, n)
    }

    /// The same step computed the straightforward way, one example at a time, as network.py
    /// does. Kept as the reference the fast path is tested and benchmarked against.
    pub fn update_mini_batch_per_example(
        &mut self,
        batch: &[Example],
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        self.check_step(batch, eta, lambda, n)?;
        let (nabla_w, nabla_b, cost) = self.summed_per_example(batch);
        self.apply_gradient(&nabla_w, &nabla_b, cost, batch.len(), eta, lambda, n)
    }

    /// Σ_x ∂C_x/∂w, Σ_x ∂C_x/∂b and Σ_x C_x, backpropagating each example on its own.
    pub fn summed_per_example(
        &self,
        batch: &[Example],
    ) -> (Vec<DMatrix<f64>>, Vec<DVector<f64>>, f64) {
        let mut nabla_w: Vec<DMatrix<f64>> = self
            .weights
            .iter()
            .map(|w| DMatrix::zeros(w.nrows(), w.ncols()))
            .collect();
        let mut nabla_b: Vec<DVector<f64>> = self
            .biases
            .iter()
            .map(|b| DVector::zeros(b.len()))
            .collect();
        let mut cost = 0.0;
        for e in batch {
            let bp = self.backprop_columns(
                DMatrix::from_column_slice(e.x.len(), 1, &e.x),
                &DMatrix::from_column_slice(e.y.len(), 1, &e.y),
            );
            for (acc, g) in nabla_w.iter_mut().zip(&bp.nabla_w) {
                *acc += g;
            }
            for (acc, g) in nabla_b.iter_mut().zip(&bp.nabla_b) {
                *acc += g;
            }
            cost += bp.cost;
        }
        (nabla_w, nabla_b, cost)
    }

    /// Apply summed gradients of m examples: the update rule of `update_mini_batch`.
    #[allow(clippy::too_many_arguments)]
    fn apply_gradient(
        &mut self,
        nabla_w: &[DMatrix<f64>],
        nabla_b: &[DVector<f64>],
        cost_sum: f64,
        m: usize,
        eta: f64,
        lambda: f64,
        n: usize,
    ) -> Result<f64> {
        let mean_cost = cost_sum / m as f64;
        if !mean_cost.is_finite() {
            return Err(Error::diverged(format!(
                "the cost became {}",
                crate::Num(mean_cost)
            )));
        }
        let shrink = 1.0 - eta * lambda / n as f64;
        let rate = eta / m as f64;
        let new_w: Vec<DMatrix<f64>> = self
            .weights
            .iter()
            .zip(nabla_w)
            .map(|(w, nw)| w * shrink - nw * rate)
            .collect();
        let new_b: Vec<DVector<f64>> = self
            .biases
            .iter()
            .zip(nabla_b)
            .map(|(b, nb)| b - nb * rate)
            .collect();
        if let Some(what) = first_non_finite(&new_w, &new_b) {
            return Err(Error::diverged(format!("{what} became non-finite")));
        }
        self.weights = new_w;
        self.biases = new_b;
        Ok(mean_cost)
    }

    /// Gather a mini-batch into an input matrix and a desired-output matrix, one column each.
    pub fn batch_columns(&self, batch: &[Example]) -> (DMatrix<f64>, DMatrix<f64>) {
        let n_in = self.sizes[0];
        let n_out = self.sizes[self.sizes.len() - 1];
        let x = DMatrix::from_fn(n_in, batch.len(), |k, c| batch[c].x[k]);
        let y = DMatrix::from_fn(n_out, batch.len(), |j, c| batch[c].y[j]);
        (x, y)
    }

    /// Check an input vector against n_1.
    pub fn check_input(&self, x: &[f64], name: &str) -> Result<()> {
        limits::check_vector(x, self.sizes[0], name)
    }

    /// Check an example against n_1 and n_L (and y ∈ [0, 1] for cross-entropy).
    pub fn check_example(&self, x: &[f64], y: &[f64], x_name: &str, y_name: &str) -> Result<()> {
        self.check_input(x, x_name)?;
        limits::check_vector(y, self.sizes[self.sizes.len() - 1], y_name)?;
        if self.cost == Cost::CrossEntropy {
            if let Some(j) = y.iter().position(|v| !(0.0..=1.0).contains(v)) {
                return Err(Error::new(format!(
                    "{y_name}[{j}] must be in [0, 1] for the cross-entropy cost, got {}",
                    crate::Num(y[j])
                )));
            }
        }
        Ok(())
    }

    /// Whether `check_example` would pass, without building any message.
    pub fn accepts(&self, e: &Example) -> bool {
        let n_out = self.sizes[self.sizes.len() - 1];
        let y_ok = |y: f64| match self.cost {
            Cost::CrossEntropy => (0.0..=1.0).contains(&y),
            Cost::Quadratic => y.is_finite(),
        };
        e.x.len() == self.sizes[0]
            && e.y.len() == n_out
            && e.x.iter().all(|v| v.is_finite())
            && e.y.iter().all(|&y| y_ok(y))
    }

    /// Check the arguments of one SGD step before anything changes.
    pub fn check_step(&self, batch: &[Example], eta: f64, lambda: f64, n: usize) -> Result<()> {
        limits::check_step_args(batch.len(), eta, lambda, n)?;
        for (i, e) in batch.iter().enumerate() {
            // The names are built only for a bad example, so a good step allocates nothing.
            if !self.accepts(e) {
                self.check_example(
                    &e.x,
                    &e.y,
                    &format!("batch[{i}].x"),
                    &format!("batch[{i}].y"),
                )?;
            }
        }
        Ok(())
    }
}

/// Name the first non-finite weight or bias, in the book's notation, if there is one.
pub fn first_non_finite(weights: &[DMatrix<f64>], biases: &[DVector<f64>]) -> Option<String> {
    for (i, w) in weights.iter().enumerate() {
        for j in 0..w.nrows() {
            for k in 0..w.ncols() {
                if !w[(j, k)].is_finite() {
                    return Some(format!("weight w^{}_{},{}", i + 2, j + 1, k + 1));
                }
            }
        }
    }
    for (i, b) in biases.iter().enumerate() {
        if let Some(j) = b.iter().position(|v| !v.is_finite()) {
            return Some(format!("bias b^{}_{}", i + 2, j + 1));
        }
    }
    None
}
