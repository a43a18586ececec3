//! Data held in wasm memory for the per-frame calls: the page hands its points over once, then
//! each frame steps and evaluates by index, with no JS objects crossing the boundary.
//!
//! Thin like the rest of the boundary: it checks and converts; the core computes.

use super::{count, fail, js_error, number_or, step_options, to_js, EvaluationOut, JsNetwork};
#[cfg(feature = "epoch")]
use super::{field, seed};
use crate::limits::{MAX_BATCH, MAX_NEURONS};
use crate::{train, Example};
use js_sys::Float64Array;
#[cfg(feature = "epoch")]
use js_sys::Object;
use wasm_bindgen::prelude::*;

/// At most this many examples in one data set held for the page.
pub const MAX_EXAMPLES: usize = 100_000;

/// Examples (x, y) kept in wasm memory.
#[wasm_bindgen]
pub struct Dataset {
    examples: Vec<Example>,
    n_in: usize,
    n_out: usize,
    /// Whether every y is in [0, 1], as cross-entropy needs (every number is finite).
    ys_in_unit: bool,
}

#[wasm_bindgen]
impl Dataset {
    /// `xs` holds the inputs one after another (nIn each), `ys` the desired outputs (nOut each).
    #[wasm_bindgen(js_name = fromFlat)]
    pub fn from_flat(
        xs: &Float64Array,
        ys: &Float64Array,
        n_in: JsValue,
        n_out: JsValue,
    ) -> Result<Dataset, JsValue> {
        let n_in = count(&n_in, "nIn", None, 1, MAX_NEURONS)?;
        let n_out = count(&n_out, "nOut", None, 1, MAX_NEURONS)?;
        let len = xs.length() as usize / n_in;
        if len > MAX_EXAMPLES {
            return fail(format!(
                "a data set holds at most {MAX_EXAMPLES} examples, got {len}"
            ));
        }
        if xs.length() as usize != len * n_in || ys.length() as usize != len * n_out {
            return fail(format!(
                "xs must hold count × nIn = {} numbers and ys count × nOut = {}, got {} and {}",
                len * n_in,
                len * n_out,
                xs.length(),
                ys.length()
            ));
        }
        let (xs, ys) = (xs.to_vec(), ys.to_vec());
        if let Some(i) = xs.iter().position(|v| !v.is_finite()) {
            return fail(format!(
                "xs[{i}] must be a finite number, got {}",
                crate::Num(xs[i])
            ));
        }
        if let Some(i) = ys.iter().position(|v| !v.is_finite()) {
            return fail(format!(
                "ys[{i}] must be a finite number, got {}",
                crate::Num(ys[i])
            ));
        }
        let ys_in_unit = ys.iter().all(|y| (0.0..=1.0).contains(y));
        let examples = xs
            .chunks_exact(n_in)
            .zip(ys.chunks_exact(n_out))
            .map(|(x, y)| Example {
                x: x.to_vec(),
                y: y.to_vec(),
            })
            .collect();
        Ok(Dataset {
            examples,
            n_in,
            n_out,
            ys_in_unit,
        })
    }

    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.examples.len()
    }
}

thread_local! {
    /// The option names as JS strings, made once rather than decoded from wasm memory at every
    /// step.
    #[cfg(not(feature = "js-options"))]
    static OPTION_KEYS: (JsValue, JsValue) = (JsValue::from_str("lambda"), JsValue::from_str("n"));
}

/// The page's modules read sgdStepOn's options through `www/js/step-options.js` (cargo feature
/// `js-options`, on in scripts/build.sh): one call into JS for each option, a number (or the
/// default, for an absent one) or NaN for anything else. The wasm tests' build goes without:
/// their runner serves none of the page's files, and they read the options through `Reflect`.
#[cfg(feature = "js-options")]
#[wasm_bindgen(raw_module = "../js/step-options.js")]
extern "C" {
    #[wasm_bindgen(js_name = stepEta)]
    fn step_eta(eta: &JsValue) -> f64;
    #[wasm_bindgen(js_name = stepLambda)]
    fn step_lambda(options: &JsValue) -> f64;
    #[wasm_bindgen(js_name = stepN)]
    fn step_n(options: &JsValue, default_n: f64) -> f64;
}

/// `step_options` for the call the page makes every frame: a missing options object or one
/// whose `lambda` and `n` are plain numbers (or absent) is read here with fewer crossings of the
/// boundary; anything else goes to `step_options`, which accepts or refuses it and names the
/// fault.
fn step_options_per_step(options: &JsValue, len: usize) -> Result<(f64, usize), JsValue> {
    let default_n = len.max(1);
    #[cfg(feature = "js-options")]
    let read = {
        let (lambda, n) = (step_lambda(options), step_n(options, default_n as f64));
        // A NaN λ (given as such, or not a number) is for `step_options` to judge.
        (!lambda.is_nan() && n.fract() == 0.0 && (1.0..=100_000_000.0).contains(&n))
            .then_some((lambda, n as usize))
    };
    #[cfg(not(feature = "js-options"))]
    let read = {
        if options.is_undefined() || options.is_null() {
            return Ok((0.0, default_n));
        }
        OPTION_KEYS.with(|(lambda_key, n_key)| {
            if !options.is_object() {
                return None;
            }
            let lambda = js_sys::Reflect::get(options, lambda_key).ok()?;
            let n = js_sys::Reflect::get(options, n_key).ok()?;
            let lambda = if lambda.is_undefined() {
                0.0
            } else {
                lambda.as_f64()?
            };
            let n = if n.is_undefined() {
                default_n as f64
            } else {
                n.as_f64()?
            };
            (n.fract() == 0.0 && (1.0..=100_000_000.0).contains(&n)).then_some((lambda, n as usize))
        })
    };
    match read {
        Some(options) => Ok(options),
        None => step_options(options, len),
    }
}

impl Dataset {
    /// Whether `net`'s cost accepts every y: any finite y for the quadratic cost (all are
    /// finite), y in [0, 1] for cross-entropy.
    fn ys_fit(&self, net: &crate::Network) -> bool {
        net.cost != crate::Cost::CrossEntropy || self.ys_in_unit
    }

    fn check_fits(&self, net: &JsNetwork) -> Result<(), JsValue> {
        let sizes = &net.net.sizes;
        let (n_in, n_out) = (sizes[0], sizes[sizes.len() - 1]);
        if (self.n_in, self.n_out) != (n_in, n_out) {
            return fail(format!(
                "the data set has {} inputs and {} outputs, the network {n_in} and {n_out}",
                self.n_in, self.n_out
            ));
        }
        Ok(())
    }
}

#[wasm_bindgen(js_class = Network)]
impl JsNetwork {
    /// One SGD step on the examples of `data` at `indices`; returns the batch's mean cost
    /// before the step. Errors (and divergence) as for `sgdStep`.
    ///
    /// `indices` (a Uint32Array, or an array of whole numbers) is copied into wasm memory by
    /// the glue, through a view of that memory it keeps. Taken as a Uint32Array and copied
    /// from Rust, each call made a new view of wasm memory and crossed into JS twice more: a
    /// [2,8,8,8,1] step is 4–8 % quicker this way in Chromium (same-page A/B).
    #[wasm_bindgen(js_name = sgdStepOn)]
    pub fn sgd_step_on(
        &mut self,
        data: &Dataset,
        indices: &[u32],
        eta: JsValue,
        options: JsValue,
    ) -> Result<f64, JsValue> {
        data.check_fits(self)?;
        if indices.len() > MAX_BATCH {
            return fail(format!(
                "indices must hold at most {MAX_BATCH} entries, got {}",
                indices.len()
            ));
        }
        // A number comes back from step-options.js as it is (one call into JS; wasm-bindgen's
        // own reading wrote it into wasm memory through a DataView), anything else as NaN,
        // which `number_or` then accepts (a NaN) or refuses, naming the fault.
        #[cfg(feature = "js-options")]
        let eta = match step_eta(&eta) {
            read if read.is_nan() => number_or(&eta, "learning rate eta", None)?,
            read => read,
        };
        #[cfg(not(feature = "js-options"))]
        let eta = number_or(&eta, "learning rate eta", None)?;
        let (lambda, n) = step_options_per_step(&options, data.examples.len())?;
        let ys_fit = data.ys_fit(&self.net);
        self.workspace
            .update_fitting(
                &mut self.net,
                &data.examples,
                indices,
                ys_fit,
                eta,
                lambda,
                n,
            )
            .map_err(js_error)
    }

    /// One epoch of SGD over the whole data set inside wasm, as network.py's `SGD` runs an
    /// epoch: the examples shuffled from `seed` and `epoch`, mini-batches of `m` (the last may
    /// be shorter), one step each. Options `{ lambda = 0, n = data.length, seed = 0,
    /// epoch = 0 }`. Returns `{ cost, steps }`: the mean of the steps' batch costs (each before
    /// its step) and how many steps ran. Everything is checked before the first step; a step
    /// that would diverge throws (`error.diverged`) and changes nothing, the steps before it
    /// stay.
    #[cfg(feature = "epoch")]
    #[wasm_bindgen(js_name = sgdEpochOn)]
    pub fn sgd_epoch_on(
        &mut self,
        data: &Dataset,
        m: JsValue,
        eta: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        data.check_fits(self)?;
        let m = count(&m, "mini-batch size m", None, 1, MAX_BATCH)?;
        let eta = number_or(&eta, "learning rate eta", None)?;
        let (lambda, n) = step_options(&options, data.examples.len())?;
        let seed = seed(&field(&options, "seed"))?;
        let epoch = count(
            &field(&options, "epoch"),
            "epoch",
            Some(0),
            0,
            u32::MAX as usize,
        )?;
        let run = train::EpochRun {
            mini_batch_size: m,
            eta,
            lambda,
            n,
            seed,
            epoch: epoch as u64,
        };
        let (workspace, net) = (&mut self.workspace, &mut self.net);
        let (steps, cost) = if data.ys_fit(net) {
            train::sgd_epoch_fitting(workspace, net, &data.examples, run)
        } else {
            train::sgd_epoch(workspace, net, &data.examples, run)
        }
        .map_err(js_error)?;
        let out = Object::new();
        let _ = js_sys::Reflect::set(&out, &"cost".into(), &cost.into());
        let _ = js_sys::Reflect::set(&out, &"steps".into(), &(steps as f64).into());
        Ok(out.into())
    }

    /// Mean cost and accuracy over a whole data set.
    #[wasm_bindgen(js_name = evaluateOn)]
    pub fn evaluate_on(&self, data: &Dataset) -> Result<JsValue, JsValue> {
        data.check_fits(self)?;
        let ev = train::evaluate(&self.net, &data.examples);
        to_js(&EvaluationOut {
            cost: ev.mean_cost,
            accuracy: ev.accuracy(),
            correct: ev.correct,
            total: ev.total,
        })
    }
}
