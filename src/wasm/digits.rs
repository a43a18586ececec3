//! The digits page's boundary: `DigitsTrainer`, which keeps the MNIST digits and the
//! [784, hidden, 10] network in wasm memory so the page's worker only passes small things
//! across — settings, a count of mini-batches, a drawing — and gets typed arrays back.
//!
//! It converts and validates; the training is `mnist::trainer`'s. Like the rest of the
//! boundary, a bad argument throws an `Error` naming it and changes nothing.
//!
//! Only with the `digits` feature (on by default): `scripts/build.sh` also builds the module
//! without it for the 2-D page, which never trains digits and so need not download this.
#![cfg(feature = "digits")]

use super::{count, describe, fail, field, js_error, name_or, number_or, numbers, seed, to_js};
use crate::json::NetworkJson;
use crate::mnist::trainer::{Settings, StepRecord, Trainer, MAX_HIDDEN};
use crate::mnist::{pad, row_major, Digits, CLASSES, PIXELS};
use crate::train::Evaluation;
use crate::{limits, Cost, Init};
use js_sys::{ArrayBuffer, Float32Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use nalgebra::DMatrix;
use wasm_bindgen::prelude::*;

/// The keys a settings object may have (anything else is a typo worth reporting).
const SETTING_KEYS: [&str; 7] = ["hidden", "eta", "batch", "cost", "init", "seed", "lambda"];
/// Most mini-batches one `trainBatches` call runs (an epoch of m = 1 is 8,000).
const MAX_CHUNK: usize = 100_000;

/// `{ key: value, … }` as a JS object.
fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (k, v) in entries {
        let _ = Reflect::set(&out, &(*k).into(), v);
    }
    out.into()
}

fn f64s(v: &[f64]) -> JsValue {
    Float64Array::from(v).into()
}

fn f32s(v: &[f64]) -> JsValue {
    let narrow: Vec<f32> = v.iter().map(|&x| x as f32).collect();
    Float32Array::from(&narrow[..]).into()
}

fn u32s(v: &[usize]) -> JsValue {
    let narrow: Vec<u32> = v.iter().map(|&x| x as u32).collect();
    Uint32Array::from(&narrow[..]).into()
}

fn check_object(options: &JsValue, name: &str, keys: &[&str]) -> Result<(), JsValue> {
    if options.is_undefined() {
        return Ok(());
    }
    if !options.is_object() || js_sys::Array::is_array(options) {
        return fail(format!(
            "{name} must be an object {{ {} }}, got {}",
            keys.join(", "),
            describe(options)
        ));
    }
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !keys.contains(&key.as_str()) {
            return fail(format!(
                "{name} has an unknown key {key:?}; the keys are {}",
                keys.join(", ")
            ));
        }
    }
    Ok(())
}

/// `{ hidden, eta, batch, cost, init, seed, lambda }`, each defaulting to `base`'s.
fn settings(options: &JsValue, base: &Settings) -> Result<Settings, JsValue> {
    check_object(options, "settings", &SETTING_KEYS)?;
    let get = |k: &str| field(options, k);
    let cost = match base.cost {
        Cost::Quadratic => "quadratic",
        Cost::CrossEntropy => "crossEntropy",
    };
    let init = match base.init {
        Init::Standard => "standard",
        Init::Scaled => "scaled",
    };
    let seed = if get("seed").is_undefined() {
        base.seed
    } else {
        seed(&get("seed"))?
    };
    Ok(Settings {
        hidden: count(&get("hidden"), "hidden", Some(base.hidden), 1, MAX_HIDDEN)?,
        eta: number_or(&get("eta"), "learning rate eta", Some(base.eta))?,
        mini_batch_size: count(
            &get("batch"),
            "mini-batch size batch",
            Some(base.mini_batch_size),
            1,
            limits::MAX_BATCH,
        )?,
        cost: name_or(&get("cost"), "cost", cost)?,
        init: name_or(&get("init"), "init", init)?,
        seed,
        lambda: number_or(&get("lambda"), "lambda", Some(base.lambda))?,
    })
}

fn settings_out(s: &Settings) -> JsValue {
    let init = match s.init {
        Init::Standard => "standard",
        Init::Scaled => "scaled",
    };
    object(&[
        ("hidden", (s.hidden as f64).into()),
        ("eta", s.eta.into()),
        ("batch", (s.mini_batch_size as f64).into()),
        ("cost", s.cost.name().into()),
        ("init", init.into()),
        ("seed", (s.seed as f64).into()),
        ("lambda", s.lambda.into()),
    ])
}

/// 784 pixels in [0, 1]: an array, a Float64Array or Float32Array, or 784 bytes (÷ 255).
fn pixels(v: &JsValue) -> Result<Vec<f64>, JsValue> {
    let x = match v.dyn_ref::<Uint8Array>() {
        Some(bytes) => crate::mnist::input(&bytes.to_vec()),
        None => numbers(v, "pixels")?,
    };
    limits::check_vector(&x, PIXELS, "pixels").map_err(js_error)?;
    if let Some(k) = x.iter().position(|p| !(0.0..=1.0).contains(p)) {
        return fail(format!("pixels[{k}] must be in [0, 1], got {}", x[k]));
    }
    Ok(x)
}

/// The MNIST digits and a network learning them, kept together in wasm memory.
#[wasm_bindgen]
pub struct DigitsTrainer {
    trainer: Trainer,
}

#[wasm_bindgen]
impl DigitsTrainer {
    /// `new DigitsTrainer(bytes, settings)`: `bytes` is mnist.bin (a Uint8Array or an
    /// ArrayBuffer); `settings` is `{ hidden, eta, batch, cost, init, seed, lambda }`, every key
    /// optional (the book's [784, 30, 10], η = 3, m = 10, quadratic, N(0, 1), seed 0, λ = 0).
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: JsValue, options: JsValue) -> Result<DigitsTrainer, JsValue> {
        let bytes = if let Some(b) = bytes.dyn_ref::<Uint8Array>() {
            b.to_vec()
        } else if let Some(b) = bytes.dyn_ref::<ArrayBuffer>() {
            Uint8Array::new(b).to_vec()
        } else {
            return fail(format!(
                "bytes must be a Uint8Array or an ArrayBuffer holding mnist.bin, got {}",
                describe(&bytes)
            ));
        };
        let s = settings(&options, &Settings::default())?;
        let data = Digits::parse(&bytes).map_err(js_error)?;
        let trainer = Trainer::new(data, s).map_err(js_error)?;
        Ok(DigitsTrainer { trainer })
    }

    /// A new network (epoch 0) from `settings`; keys left out keep their current values.
    pub fn reset(&mut self, options: JsValue) -> Result<(), JsValue> {
        let s = settings(&options, self.trainer.settings())?;
        self.trainer.reset(s).map_err(js_error)
    }

    /// Change `{ eta, batch, lambda }` for the steps to come, keeping the network.
    #[wasm_bindgen(js_name = setTraining)]
    pub fn set_training(&mut self, options: JsValue) -> Result<(), JsValue> {
        check_object(&options, "training options", &["eta", "batch", "lambda"])?;
        let s = settings(&options, self.trainer.settings())?;
        self.trainer
            .set_training(s.eta, s.mini_batch_size, s.lambda)
            .map_err(js_error)
    }

    /// The current settings, in the shape the constructor takes.
    #[wasm_bindgen(getter)]
    pub fn settings(&self) -> JsValue {
        settings_out(self.trainer.settings())
    }

    /// `{ epoch, digitsDone, trainSize, testSize, batchesPerEpoch }`: where training stands.
    #[wasm_bindgen(getter)]
    pub fn progress(&self) -> JsValue {
        let t = &self.trainer;
        object(&[
            ("epoch", (t.epoch() as f64).into()),
            ("digitsDone", (t.digits_done() as f64).into()),
            ("trainSize", (t.split().train.len() as f64).into()),
            ("testSize", (t.split().test.len() as f64).into()),
            ("batchesPerEpoch", (t.batches_per_epoch() as f64).into()),
        ])
    }

    /// Indices (into the file's digits) of the training digits, in ascending order.
    #[wasm_bindgen(js_name = trainIndices)]
    pub fn train_indices(&self) -> Uint32Array {
        u32s(&self.trainer.split().train).unchecked_into()
    }

    /// Indices (into the file's digits) of the test digits; a "test position" indexes this.
    #[wasm_bindgen(js_name = testIndices)]
    pub fn test_indices(&self) -> Uint32Array {
        u32s(&self.trainer.split().test).unchecked_into()
    }

    /// One mini-batch of SGD, recorded for the animation. Arrays of one value per example are
    /// example after example (`hidden[x * h + j]` = a²_j of example x); `nablaW2` is h rows of
    /// 784, `nablaW3` 10 rows of h: the mean gradient (1/m) Σ_x ∂C_x/∂w the step used.
    pub fn step(&mut self) -> Result<JsValue, JsValue> {
        let r: StepRecord = self.trainer.step().map_err(js_error)?;
        let data = self.trainer.data();
        let labels: Vec<u8> = r.digits.iter().map(|&i| data.label(i) as u8).collect();
        let (nw2, nw3) = match (r.nabla_w.first(), r.nabla_w.get(1)) {
            (Some(a), Some(b)) => (row_major(a), row_major(b)),
            _ => return fail("the step recorded no gradient".into()),
        };
        let nb: Vec<&[f64]> = r.nabla_b.iter().map(|b| b.as_slice()).collect();
        Ok(object(&[
            ("digits", u32s(&r.digits)),
            ("labels", Uint8Array::from(&labels[..]).into()),
            ("cost", r.cost.into()),
            ("hidden", f64s(r.hidden.as_slice())),
            ("output", f64s(r.output.as_slice())),
            ("deltaHidden", f64s(r.delta_hidden.as_slice())),
            ("deltaOutput", f64s(r.delta_output.as_slice())),
            ("nablaW2", f32s(&nw2)),
            ("nablaW3", f64s(&nw3)),
            ("nablaB2", f64s(nb.first().copied().unwrap_or_default())),
            ("nablaB3", f64s(nb.get(1).copied().unwrap_or_default())),
            ("epochFinished", r.epoch_finished.into()),
        ]))
    }

    /// Up to `k` mini-batches (fewer if the epoch ends first): `{ batches, cost,
    /// epochFinished }`, cost being the mean over those batches.
    #[wasm_bindgen(js_name = trainBatches)]
    pub fn train_batches(&mut self, k: JsValue) -> Result<JsValue, JsValue> {
        let k = count(&k, "k (mini-batches)", None, 1, MAX_CHUNK)?;
        let epoch = self.trainer.epoch();
        let (batches, cost) = self.trainer.train_batches(k).map_err(js_error)?;
        Ok(object(&[
            ("batches", (batches as f64).into()),
            ("cost", cost.into()),
            ("epochFinished", (self.trainer.epoch() != epoch).into()),
        ]))
    }

    /// `{ correct, total, accuracy, cost, line }` on the 2,000 test digits; `line` is the
    /// book's "Epoch 0: 1133 / 2000".
    pub fn evaluate(&self) -> JsValue {
        let ev: Evaluation = self.trainer.evaluate();
        object(&[
            ("correct", (ev.correct as f64).into()),
            ("total", (ev.total as f64).into()),
            ("accuracy", ev.accuracy().into()),
            ("cost", ev.mean_cost.into()),
            ("line", self.trainer.epoch_line(&ev).into()),
        ])
    }

    /// The ten output activations a³ for one image of 784 pixels in [0, 1].
    pub fn classify(&self, x: JsValue) -> Result<Float64Array, JsValue> {
        let x = pixels(&x)?;
        let a = self.trainer.network().feedforward(&x).map_err(js_error)?;
        Ok(Float64Array::from(&a[..]))
    }

    /// `{ hidden, output }`: a² and a³ for one image of 784 pixels in [0, 1].
    pub fn forward(&self, x: JsValue) -> Result<JsValue, JsValue> {
        let x = pixels(&x)?;
        let mut ff = self.trainer.network().forward(&x).map_err(js_error)?;
        let output = ff.activations.pop().unwrap_or_default();
        let hidden = ff.activations.pop().unwrap_or_default();
        Ok(object(&[
            ("hidden", f64s(hidden.as_slice())),
            ("output", f64s(output.as_slice())),
        ]))
    }

    /// Hidden neuron j's 784 incoming weights w²_j· (a 28×28 image, row after row).
    #[wasm_bindgen(js_name = hiddenWeights)]
    pub fn hidden_weights(&self, j: JsValue) -> Result<Float64Array, JsValue> {
        let w = self.w(0)?;
        let j = count(&j, "j (hidden neuron)", None, 0, w.nrows() - 1)?;
        let row: Vec<f64> = w.row(j).iter().copied().collect();
        Ok(Float64Array::from(&row[..]))
    }

    /// `{ w2, b2, w3, b3 }`: w² as h rows of 784 (Float32Array), w³ as 10 rows of h.
    pub fn weights(&self) -> Result<JsValue, JsValue> {
        let net = self.trainer.network();
        let b = |i: usize| f64s(net.biases.get(i).map(|b| b.as_slice()).unwrap_or_default());
        Ok(object(&[
            ("w2", f32s(&row_major(self.w(0)?))),
            ("b2", b(0)),
            ("w3", f64s(&row_major(self.w(1)?))),
            ("b3", b(1)),
        ]))
    }

    fn w(&self, i: usize) -> Result<&DMatrix<f64>, JsValue> {
        match self.trainer.network().weights.get(i) {
            Some(w) => Ok(w),
            None => fail(format!("the network has no w^{}", i + 2)),
        }
    }

    /// Every test digit's answer: `{ order, predictions, correct }`. `predictions[p]` is the
    /// argmax for test position p; `order` lists the positions misclassified first.
    #[wasm_bindgen(js_name = testResults)]
    pub fn test_results(&self) -> JsValue {
        let predictions = self.trainer.test_predictions();
        let data = self.trainer.data();
        let test = &self.trainer.split().test;
        let right = |p: usize| data.label(test[p]) == predictions[p];
        let mut order: Vec<usize> = (0..test.len()).collect();
        order.sort_by_key(|&p| right(p)); // stable: wrong ones first, each group in order
        let correct = (0..test.len()).filter(|&p| right(p)).count();
        let narrow: Vec<u8> = predictions.iter().map(|&p| p as u8).collect();
        object(&[
            ("order", u32s(&order)),
            ("predictions", Uint8Array::from(&narrow[..]).into()),
            ("correct", (correct as f64).into()),
        ])
    }

    /// The network in the JS API's `Network.fromJSON` shape.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_js(&NetworkJson::from(self.trainer.network()))
    }

    /// Number of output neurons (10), for the page's layout.
    #[wasm_bindgen(getter)]
    pub fn classes(&self) -> u32 {
        CLASSES as u32
    }
}

/// A drawing on the pad (`width` × `height` ink values in [0, 1], row after row, as a
/// Float32Array or Float64Array) → 784 inputs like an MNIST digit: scaled into a 20×20 box and
/// centred by mass in 28×28 (see `mnist::pad`).
#[wasm_bindgen(js_name = drawingToDigit)]
pub fn drawing_to_digit(
    ink: JsValue,
    width: JsValue,
    height: JsValue,
) -> Result<Float64Array, JsValue> {
    let width = count(&width, "width", None, 1, pad::MAX_SIDE)?;
    let height = count(&height, "height", None, 1, pad::MAX_SIDE)?;
    if ink.dyn_ref::<Float32Array>().is_none() && ink.dyn_ref::<Float64Array>().is_none() {
        return fail(format!(
            "ink must be a Float32Array or Float64Array of width × height values, got {}",
            describe(&ink)
        ));
    }
    let ink = numbers(&ink, "ink")?;
    let x = pad::to_mnist(&ink, width, height).map_err(js_error)?;
    Ok(Float64Array::from(&x[..]))
}
