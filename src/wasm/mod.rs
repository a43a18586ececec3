//! The boundary the page calls (wasm-bindgen): it converts and validates, it never computes.
//!
//! Every argument is checked before the core sees it; a bad one becomes a JS `Error` whose
//! message names it, and the network is left exactly as it was. Nothing here may panic.

pub mod dataset;
pub mod digits;

use crate::data::{self, Kind, Point};
use crate::heatmap::{self, Bounds};
use crate::json::{matrix_rows, NetworkJson};
use crate::workspace::Workspace;
use crate::{
    gradcheck, trace, train, Activation, Backprop, Cost, Error, Example, Init, Network, Num, Quoted,
};
use js_sys::{Array, Float32Array, Float64Array, Object, Reflect};
use nalgebra::{DMatrix, DVector};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Report any panic to the console; validation is meant to make this unreachable.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("nndl-backprop panicked: {info}").into());
    }));
}

pub(crate) fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    if e.diverged {
        // Lets the page tell divergence (pause, suggest a smaller η) from a bad argument.
        let _ = Reflect::set(&err, &"diverged".into(), &JsValue::TRUE);
    }
    err.into()
}

pub(crate) fn fail<T>(message: String) -> Result<T, JsValue> {
    Err(js_error(Error::new(message)))
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(Error::new(format!("could not convert the result: {e}"))))
}

pub(crate) fn describe(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else if let Some(s) = v.as_string() {
        format!("the string {}", Quoted(&s))
    } else if let Some(n) = v.as_f64() {
        Num(n).to_string()
    } else {
        format!(
            "a value of type {}",
            v.js_typeof().as_string().unwrap_or_default()
        )
    }
}

/// An array of numbers or a Float64Array, as a Vec (finiteness is the core's check).
///
/// Lengths are checked before anything is copied into wasm memory: a typed array may be as
/// long as the largest any caller takes (a drawing of MAX_SIDE² ink values), a plain array
/// as long as a layer. Callers check the exact length they need afterwards.
pub(crate) fn numbers(v: &JsValue, name: &str) -> Result<Vec<f64>, JsValue> {
    const MAX_TYPED: usize = crate::mnist::pad::MAX_SIDE * crate::mnist::pad::MAX_SIDE;
    let typed_len = match (v.dyn_ref::<Float64Array>(), v.dyn_ref::<Float32Array>()) {
        (Some(t), _) => Some(t.length()),
        (None, Some(t)) => Some(t.length()),
        (None, None) => None,
    };
    if let Some(len) = typed_len {
        if len as usize > MAX_TYPED {
            return fail(format!(
                "{name} must have at most {MAX_TYPED} numbers, got a typed array of {len}"
            ));
        }
    }
    if let Some(t) = v.dyn_ref::<Float64Array>() {
        return Ok(t.to_vec());
    }
    if let Some(t) = v.dyn_ref::<Float32Array>() {
        return Ok(t.to_vec().into_iter().map(f64::from).collect());
    }
    if !Array::is_array(v) {
        return fail(format!(
            "{name} must be an array of numbers or a Float64Array, got {}",
            describe(v)
        ));
    }
    let arr = Array::from(v);
    if arr.length() as usize > crate::limits::MAX_NEURONS {
        return fail(format!(
            "{name} must have at most {} numbers, got {}",
            crate::limits::MAX_NEURONS,
            arr.length()
        ));
    }
    arr.iter()
        .enumerate()
        .map(|(i, x)| number_at(&x, name, i).map_err(|m| js_error(Error::new(m))))
        .collect()
}

/// Entry `i` of the list `name` as a number, or the message saying what it is instead.
fn number_at(x: &JsValue, name: &str, i: usize) -> Result<f64, String> {
    x.as_f64()
        .ok_or_else(|| format!("{name}[{i}] must be a number, got {}", describe(x)))
}

pub(crate) fn field(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// A number argument: undefined gives `default`, anything but a number is an error.
pub(crate) fn number_or(v: &JsValue, name: &str, default: Option<f64>) -> Result<f64, JsValue> {
    match (v.as_f64(), default) {
        (Some(n), _) => Ok(n),
        (None, Some(d)) if v.is_undefined() => Ok(d),
        _ => fail(format!("{name} must be a number, got {}", describe(v))),
    }
}

/// A whole number in [min, max] (undefined gives `default`).
pub(crate) fn count(
    v: &JsValue,
    name: &str,
    default: Option<usize>,
    min: usize,
    max: usize,
) -> Result<usize, JsValue> {
    let n = number_or(v, name, default.map(|d| d as f64))?;
    if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
        return fail(format!(
            "{name} must be a whole number from {min} to {max}, got {}",
            Num(n)
        ));
    }
    Ok(n as usize)
}

pub(crate) fn name_or<T: std::str::FromStr<Err = String>>(
    v: &JsValue,
    name: &str,
    default: &str,
) -> Result<T, JsValue> {
    let s = match v.as_string() {
        Some(s) => s,
        None if v.is_undefined() => default.to_string(),
        None => return fail(format!("{name} must be a string, got {}", describe(v))),
    };
    s.parse::<T>().map_err(|e| js_error(Error::new(e)))
}

pub(crate) fn seed(v: &JsValue) -> Result<u64, JsValue> {
    let n = number_or(v, "seed", Some(0.0))?;
    let max = 9_007_199_254_740_991.0; // 2^53 − 1, the largest integer JS holds exactly
    if n.fract() != 0.0 || !(0.0..=max).contains(&n) {
        return fail(format!(
            "seed must be a whole number from 0 to 2^53 − 1, got {}",
            Num(n)
        ));
    }
    Ok(n as u64)
}

/// `[{ x, y }, …]` → examples (shapes are checked by the core).
fn examples(batch: &JsValue) -> Result<Vec<Example>, JsValue> {
    if !Array::is_array(batch) {
        return fail(format!(
            "batch must be an array of {{ x, y }}, got {}",
            describe(batch)
        ));
    }
    let arr = Array::from(batch);
    if arr.length() as usize > crate::limits::MAX_BATCH {
        return fail(format!(
            "batch must hold at most {} examples, got {}",
            crate::limits::MAX_BATCH,
            arr.length()
        ));
    }
    arr.iter()
        .enumerate()
        .map(|(i, e)| {
            if !e.is_object() {
                return fail(format!(
                    "batch[{i}] must be an object {{ x, y }}, got {}",
                    describe(&e)
                ));
            }
            Ok(Example {
                x: numbers(&field(&e, "x"), &format!("batch[{i}].x"))?,
                y: numbers(&field(&e, "y"), &format!("batch[{i}].y"))?,
            })
        })
        .collect()
}

/// `{ lambda = 0, n = m }` → (λ, n).
pub(crate) fn step_options(options: &JsValue, m: usize) -> Result<(f64, usize), JsValue> {
    if !(options.is_undefined() || options.is_null() || options.is_object()) {
        return fail(format!(
            "options must be an object {{ lambda, n }}, got {}",
            describe(options)
        ));
    }
    let lambda = number_or(&field(options, "lambda"), "lambda", Some(0.0))?;
    let n = count(&field(options, "n"), "n", Some(m.max(1)), 1, 100_000_000)?;
    Ok((lambda, n))
}

fn columns(ms: &[DMatrix<f64>]) -> Vec<Vec<f64>> {
    ms.iter()
        .map(|m| m.column(0).iter().copied().collect())
        .collect()
}

fn vectors(vs: &[DVector<f64>]) -> Vec<Vec<f64>> {
    vs.iter().map(|v| v.as_slice().to_vec()).collect()
}

fn matrices(ms: &[DMatrix<f64>]) -> Vec<Vec<Vec<f64>>> {
    ms.iter().map(matrix_rows).collect()
}

#[derive(Serialize)]
struct ForwardOut {
    z: Vec<Vec<f64>>,
    a: Vec<Vec<f64>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackpropOut {
    z: Vec<Vec<f64>>,
    a: Vec<Vec<f64>>,
    delta: Vec<Vec<f64>>,
    nabla_b: Vec<Vec<f64>>,
    nabla_w: Vec<Vec<Vec<f64>>>,
    cost: f64,
}

impl From<&Backprop> for BackpropOut {
    fn from(bp: &Backprop) -> Self {
        BackpropOut {
            z: columns(&bp.zs),
            a: columns(&bp.activations),
            delta: columns(&bp.delta),
            nabla_b: vectors(&bp.nabla_b),
            nabla_w: matrices(&bp.nabla_w),
            cost: bp.cost,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TraceOut {
    cost: f64,
    examples: Vec<BackpropOut>,
    nabla_b: Vec<Vec<f64>>,
    nabla_w: Vec<Vec<Vec<f64>>>,
    delta_b: Vec<Vec<f64>>,
    delta_w: Vec<Vec<Vec<f64>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GradCheckOut {
    numeric_w: Vec<Vec<Vec<f64>>>,
    numeric_b: Vec<Vec<f64>>,
    backprop_w: Vec<Vec<Vec<f64>>>,
    backprop_b: Vec<Vec<f64>>,
    max_relative_error: f64,
}

#[derive(Serialize)]
pub(crate) struct EvaluationOut {
    pub(crate) cost: f64,
    pub(crate) accuracy: f64,
    pub(crate) correct: usize,
    pub(crate) total: usize,
}

#[derive(Serialize)]
struct PointOut {
    x: [f64; 2],
    label: usize,
}

#[derive(Serialize)]
struct SplitOut {
    train: Vec<PointOut>,
    test: Vec<PointOut>,
}

fn points_out(ps: &[Point]) -> Vec<PointOut> {
    ps.iter()
        .map(|p| PointOut {
            x: p.x,
            label: p.label,
        })
        .collect()
}

/// Refuse oversized arrays in a network object before anything is copied into wasm memory:
/// the lengths alone are read, so a hostile object costs nothing to turn away.
fn check_array_sizes(value: &JsValue) -> Result<(), JsValue> {
    use crate::limits::{MAX_LAYERS, MAX_NEURONS, MAX_PARAMETERS};
    let len = |v: &JsValue| Array::is_array(v).then(|| Array::from(v).length() as usize);
    if let Some(n) = len(&field(value, "sizes")) {
        if n > MAX_LAYERS {
            return fail(format!(
                "sizes must list 2 to {MAX_LAYERS} layers (input first), got {n}"
            ));
        }
    }
    let mut total = 0usize;
    for key in ["weights", "biases"] {
        let outer = field(value, key);
        let Some(layers) = len(&outer) else { continue };
        if layers > MAX_LAYERS {
            return fail(format!(
                "{key} must hold at most {} layers, got {layers}",
                MAX_LAYERS - 1
            ));
        }
        for (i, layer) in Array::from(&outer).iter().enumerate() {
            let Some(rows) = len(&layer) else { continue };
            if rows > MAX_NEURONS {
                return fail(format!(
                    "{key}[{i}] must have at most {MAX_NEURONS} entries, got {rows}"
                ));
            }
            total += rows;
            if key == "weights" {
                for (j, row) in Array::from(&layer).iter().enumerate() {
                    let cols = len(&row).unwrap_or(0);
                    if cols > MAX_NEURONS {
                        return fail(format!(
                            "weights[{i}][{j}] must have at most {MAX_NEURONS} numbers, got {cols}"
                        ));
                    }
                    total += cols;
                }
            }
        }
    }
    if total > MAX_PARAMETERS + MAX_LAYERS * MAX_NEURONS {
        return fail(format!(
            "the network holds {total} numbers; at most {MAX_PARAMETERS} weights and biases are allowed"
        ));
    }
    Ok(())
}

/// A network object `{ sizes: integer[], weights: number[][][], biases: number[][],
/// activation: string, cost: string }` read into its plain-data form, or the path of the first
/// wrong value and what it is, e.g. `weights[0][1][2] must be a number, got the string "x"`.
/// (Read by hand rather than by serde: serde's messages say what was expected but not where,
/// and its float and string formatting would be the wasm's largest single piece.)
fn read_network_object(value: &JsValue) -> Result<NetworkJson, String> {
    use crate::limits::MAX_NEURONS;
    let sizes = read_array(&field(value, "sizes"), "sizes")?
        .iter()
        .enumerate()
        .map(|(l, x)| {
            // A layer size may also be a BigInt (`3n`), as serde took it.
            #[allow(deprecated)] // Number(x), JS's one conversion from BigInt to a number
            let n = match x.as_f64() {
                Some(n) => n,
                None if x.is_bigint() => js_sys::Number::new(&x).value_of(),
                None => return Err(format!("sizes[{l}] must be a number, got {}", describe(&x))),
            };
            if !(n >= 0.0 && n.fract() == 0.0) {
                Err(format!(
                    "sizes[{l}] must be a whole number ≥ 0, got {}",
                    Num(n)
                ))
            } else if n > MAX_NEURONS as f64 {
                Err(format!(
                    "sizes[{l}] (layer {}) must be 1 to {MAX_NEURONS} neurons, got {}",
                    l + 1,
                    Num(n)
                ))
            } else {
                Ok(n as usize)
            }
        })
        .collect::<Result<_, _>>()?;
    let weights = read_array(&field(value, "weights"), "weights")?
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let name = format!("weights[{i}]");
            read_array(&w, &name)?
                .iter()
                .enumerate()
                .map(|(j, row)| read_numbers(&row, &format!("{name}[{j}]")))
                .collect()
        })
        .collect::<Result<_, _>>()?;
    let biases = read_array(&field(value, "biases"), "biases")?
        .iter()
        .enumerate()
        .map(|(i, b)| read_numbers(&b, &format!("biases[{i}]")))
        .collect::<Result<_, _>>()?;
    let text = |key: &str| {
        let v = field(value, key);
        match v.as_string() {
            Some(s) => Ok(s),
            None if v.is_undefined() => Err(format!("{key} is missing")),
            None => Err(format!("{key} must be a string, got {}", describe(&v))),
        }
    };
    let activation = text("activation")?;
    let cost = text("cost")?;
    Ok(NetworkJson {
        sizes,
        weights,
        biases,
        activation,
        cost,
    })
}

/// `v` (named `name`) as an array: an array, or any other iterable object (a Float64Array
/// row, a Set) copied into one, as serde took them.
fn read_array(v: &JsValue, name: &str) -> Result<Array, String> {
    use crate::limits::MAX_NEURONS;
    if v.is_undefined() {
        return Err(format!("{name} is missing"));
    }
    let list: Array = if Array::is_array(v) {
        v.clone().unchecked_into()
    } else {
        let iterable = v.is_object()
            && Reflect::get(v, &js_sys::Symbol::iterator()).is_ok_and(|f| f.is_function());
        match iterable.then(|| array_from(v)) {
            Some(Ok(list)) => list,
            _ => return Err(format!("{name} must be an array, got {}", describe(v))),
        }
    };
    // An array's length was checked before anything was read; an iterable's is known now.
    if list.length() as usize > MAX_NEURONS {
        return Err(format!(
            "{name} must have at most {MAX_NEURONS} entries, got {}",
            list.length()
        ));
    }
    Ok(list)
}

/// `v` as a list of numbers (finiteness is the core's check).
fn read_numbers(v: &JsValue, name: &str) -> Result<Vec<f64>, String> {
    read_array(v, name)?
        .iter()
        .enumerate()
        .map(|(i, x)| number_at(&x, name, i))
        .collect()
}

#[wasm_bindgen]
extern "C" {
    /// `Array.from(iterable)`, an exception from the iterable returned rather than thrown.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = from)]
    fn array_from(iterable: &JsValue) -> Result<Array, JsValue>;
}

/// A network, as JS sees it.
#[wasm_bindgen(js_name = Network)]
pub struct JsNetwork {
    net: Network,
    /// Reused by every step, so Play allocates nothing per step once warm.
    workspace: Workspace,
}

impl JsNetwork {
    fn wrap(net: Network) -> JsNetwork {
        JsNetwork {
            net,
            workspace: Workspace::new(),
        }
    }
}

#[wasm_bindgen(js_class = Network)]
impl JsNetwork {
    /// Build a network from `{ sizes, weights, biases, activation, cost }` (or its JSON text).
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(value: JsValue) -> Result<JsNetwork, JsValue> {
        let value = match value.as_string() {
            Some(text) => js_sys::JSON::parse(&text).map_err(|e| {
                let why = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()));
                js_error(Error::new(format!(
                    "network JSON is not valid: {}",
                    why.unwrap_or_default()
                )))
            })?,
            None => value,
        };
        let net = if value.is_object() {
            check_array_sizes(&value)?;
            let json = read_network_object(&value).map_err(|why| {
                js_error(Error::new(format!("network object is not valid: {why}")))
            })?;
            json.to_network().map_err(js_error)?
        } else {
            return fail(format!(
                "fromJSON needs a network object or JSON text, got {}",
                describe(&value)
            ));
        };
        Ok(JsNetwork::wrap(net))
    }

    /// A network drawn from a seed: `{ sizes, seed, activation, cost, init }`.
    pub fn random(options: JsValue) -> Result<JsNetwork, JsValue> {
        if !options.is_object() {
            return fail(format!(
                "random needs an options object {{ sizes, seed, … }}, got {}",
                describe(&options)
            ));
        }
        let sizes_js = field(&options, "sizes");
        let sizes: Vec<usize> = numbers(&sizes_js, "sizes")?
            .into_iter()
            .enumerate()
            .map(|(l, n)| {
                count(
                    &JsValue::from_f64(n),
                    &format!("sizes[{l}]"),
                    None,
                    1,
                    crate::limits::MAX_NEURONS,
                )
            })
            .collect::<Result<_, _>>()?;
        let activation: Activation =
            name_or(&field(&options, "activation"), "activation", "sigmoid")?;
        let cost: Cost = name_or(&field(&options, "cost"), "cost", "quadratic")?;
        let init: Init = name_or(&field(&options, "init"), "init", "standard")?;
        let seed = seed(&field(&options, "seed"))?;
        let net = Network::random(&sizes, seed, activation, cost, init).map_err(js_error)?;
        Ok(JsNetwork::wrap(net))
    }

    /// The same object shape `fromJSON` takes.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_js(&NetworkJson::from(&self.net))
    }

    /// A copy that can be changed independently.
    #[wasm_bindgen(js_name = clone)]
    pub fn duplicate(&self) -> JsNetwork {
        JsNetwork::wrap(self.net.clone())
    }

    #[wasm_bindgen(getter)]
    pub fn sizes(&self) -> Vec<u32> {
        self.net.sizes.iter().map(|&n| n as u32).collect()
    }

    #[wasm_bindgen(getter)]
    pub fn activation(&self) -> String {
        self.net.activation.name().into()
    }

    #[wasm_bindgen(getter)]
    pub fn cost(&self) -> String {
        self.net.cost.name().into()
    }

    /// `{ z, a }` for one input; `a[0]` is x itself.
    pub fn forward(&self, x: JsValue) -> Result<JsValue, JsValue> {
        let x = numbers(&x, "x")?;
        let ff = self.net.forward(&x).map_err(js_error)?;
        to_js(&ForwardOut {
            z: columns(&ff.zs),
            a: columns(&ff.activations),
        })
    }

    /// a^L for one input, as a Float64Array (the cheap call for dragging the probe).
    pub fn output(&self, x: JsValue) -> Result<Float64Array, JsValue> {
        let x = numbers(&x, "x")?;
        let a = self.net.feedforward(&x).map_err(js_error)?;
        Ok(Float64Array::from(&a[..]))
    }

    /// `{ z, a, delta, nablaB, nablaW, cost }` for one example (BP1–BP4).
    pub fn backprop(&self, x: JsValue, y: JsValue) -> Result<JsValue, JsValue> {
        let x = numbers(&x, "x")?;
        let y = numbers(&y, "y")?;
        let bp = self.net.backprop(&x, &y).map_err(js_error)?;
        to_js(&BackpropOut::from(&bp))
    }

    /// One SGD step on `batch` with learning rate `eta`; `{ cost }` is the mean cost before it.
    #[wasm_bindgen(js_name = sgdStep)]
    pub fn sgd_step(
        &mut self,
        batch: JsValue,
        eta: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let batch = examples(&batch)?;
        let eta = number_or(&eta, "learning rate eta", None)?;
        let (lambda, n) = step_options(&options, batch.len())?;
        let cost = self
            .workspace
            .update_mini_batch(&mut self.net, &batch, eta, lambda, n)
            .map_err(js_error)?;
        let out = Object::new();
        let _ = Reflect::set(&out, &"cost".into(), &cost.into());
        Ok(out.into())
    }

    /// One SGD step, recorded: each example's backprop, the mean gradient, and Δw, Δb.
    #[wasm_bindgen(js_name = sgdStepTrace)]
    pub fn sgd_step_trace(
        &mut self,
        batch: JsValue,
        eta: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let batch = examples(&batch)?;
        let eta = number_or(&eta, "learning rate eta", None)?;
        let (lambda, n) = step_options(&options, batch.len())?;
        let t = trace::step_with_trace(&mut self.net, &batch, eta, lambda, n).map_err(js_error)?;
        to_js(&TraceOut {
            cost: t.cost,
            examples: t.examples.iter().map(BackpropOut::from).collect(),
            nabla_b: vectors(&t.mean_nabla_b),
            nabla_w: matrices(&t.mean_nabla_w),
            delta_b: vectors(&t.delta_b),
            delta_w: matrices(&t.delta_w),
        })
    }

    /// Central differences beside backprop for every parameter, for one example.
    #[wasm_bindgen(js_name = gradientCheck)]
    pub fn gradient_check(
        &self,
        x: JsValue,
        y: JsValue,
        epsilon: JsValue,
    ) -> Result<JsValue, JsValue> {
        let x = numbers(&x, "x")?;
        let y = numbers(&y, "y")?;
        let eps = number_or(&epsilon, "epsilon", Some(1e-5))?;
        if !(eps.is_finite() && eps > 0.0 && eps <= 0.1) {
            return fail(format!(
                "epsilon must be a number in (0, 0.1], got {}",
                Num(eps)
            ));
        }
        let g = gradcheck::check(&self.net, &x, &y, eps).map_err(js_error)?;
        to_js(&GradCheckOut {
            numeric_w: matrices(&g.numeric_w),
            numeric_b: vectors(&g.numeric_b),
            backprop_w: matrices(&g.backprop_w),
            backprop_b: vectors(&g.backprop_b),
            max_relative_error: g.max_relative_error,
        })
    }

    /// Mean cost and accuracy over `[{ x, y }, …]`.
    pub fn evaluate(&self, data: JsValue) -> Result<JsValue, JsValue> {
        let data = examples(&data)?;
        for (i, e) in data.iter().enumerate() {
            self.net
                .check_example(&e.x, &e.y, &format!("data[{i}].x"), &format!("data[{i}].y"))
                .map_err(js_error)?;
        }
        let ev = train::evaluate(&self.net, &data);
        to_js(&EvaluationOut {
            cost: ev.mean_cost,
            accuracy: ev.accuracy(),
            correct: ev.correct,
            total: ev.total,
        })
    }

    /// Every neuron's activation over a `resolution`² grid of the plane (see `heatmap::grid`).
    pub fn heatmap(&self, resolution: JsValue, bounds: JsValue) -> Result<Float32Array, JsValue> {
        let (res, b) = heatmap_args(&resolution, &bounds)?;
        let grid = heatmap::grid(&self.net, res, b).map_err(js_error)?;
        Ok(Float32Array::from(&grid[..]))
    }

    /// `heatmap` written into `out`, a Float32Array of exactly (neurons after the input) ×
    /// resolution² numbers that the caller keeps from frame to frame: no new array per call.
    #[wasm_bindgen(js_name = heatmapInto)]
    pub fn heatmap_into(
        &self,
        out: JsValue,
        resolution: JsValue,
        bounds: JsValue,
    ) -> Result<(), JsValue> {
        let (res, b) = heatmap_args(&resolution, &bounds)?;
        heatmap::check(&self.net, res, b).map_err(js_error)?;
        let len = heatmap::grid_len(&self.net, res);
        let out = match out.dyn_ref::<Float32Array>() {
            Some(o) if o.length() as usize == len => o,
            Some(o) => {
                return fail(format!(
                    "heatmapInto needs a Float32Array of {len} numbers (every neuron after the input × resolution²), got one of {}",
                    o.length()
                ))
            }
            None => {
                return fail(format!(
                    "heatmapInto needs a Float32Array of {len} numbers to write into, got {}",
                    describe(&out)
                ))
            }
        };
        // Computed into a buffer kept between calls (the page asks every frame while Play
        // runs): no megabyte allocated and zeroed per call, one copy out.
        MAPS.with_borrow_mut(|maps| {
            maps.resize(len, 0.0);
            let done = heatmap::grid_into(&self.net, res, b, maps).map_err(js_error);
            if done.is_ok() {
                out.copy_from(maps);
            }
            if maps.capacity() > KEEP_MAPS {
                *maps = Vec::new();
            }
            done
        })
    }
}

thread_local! {
    /// `heatmapInto`'s buffer, kept from call to call.
    static MAPS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}
/// Numbers `heatmapInto` keeps its buffer for between calls (16 MB); a larger one is freed.
const KEEP_MAPS: usize = 1 << 22;

/// The resolution and `{ xMin, xMax, yMin, yMax }` (each defaulting to the square [−1, 1]²)
/// that `heatmap` and `heatmapInto` take.
fn heatmap_args(resolution: &JsValue, bounds: &JsValue) -> Result<(usize, Bounds), JsValue> {
    let res = count(resolution, "resolution", None, 1, crate::limits::MAX_GRID)?;
    let get = |k: &str, d: f64| number_or(&field(bounds, k), k, Some(d));
    let b = Bounds {
        x_min: get("xMin", -1.0)?,
        x_max: get("xMax", 1.0)?,
        y_min: get("yMin", -1.0)?,
        y_max: get("yMax", 1.0)?,
    };
    Ok((res, b))
}

/// A 2-D data set: `{ kind, n, noise, trainShare, seed }` → `{ train, test }` of `{ x, label }`.
#[wasm_bindgen(js_name = generateData)]
pub fn generate_data(options: JsValue) -> Result<JsValue, JsValue> {
    if !options.is_object() {
        return fail(format!(
            "generateData needs an options object, got {}",
            describe(&options)
        ));
    }
    let kind: Kind = name_or(&field(&options, "kind"), "kind", "xor")?;
    let n = count(
        &field(&options, "n"),
        "n",
        Some(200),
        2,
        crate::limits::MAX_POINTS,
    )?;
    let noise = number_or(&field(&options, "noise"), "noise", Some(0.0))?;
    let share = number_or(&field(&options, "trainShare"), "trainShare", Some(0.5))?;
    let seed = seed(&field(&options, "seed"))?;
    let split = data::generate(kind, n, noise, share, seed).map_err(js_error)?;
    to_js(&SplitOut {
        train: points_out(&split.train),
        test: points_out(&split.test),
    })
}

/// The desired output y for a class and a number of output neurons (one-hot when > 1).
#[wasm_bindgen(js_name = target)]
pub fn target(label: JsValue, outputs: JsValue) -> Result<Vec<f64>, JsValue> {
    let outputs = count(&outputs, "outputs", None, 1, crate::limits::MAX_NEURONS)?;
    let label = count(&label, "label", None, 0, outputs.max(2) - 1)?;
    Ok(data::target(label, outputs))
}
