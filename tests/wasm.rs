//! The wasm boundary in headless Chromium: the JS API returns the documented shapes, and a bad
//! argument throws an `Error` naming it, after which the network is unchanged and still works.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float64Array, Reflect, JSON};
use nndl_backprop::wasm::{generate_data, JsNetwork};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod bp3;
mod bp4;
mod special_z;
mod transpose;

wasm_bindgen_test_configure!(run_in_browser);

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn len(v: &JsValue) -> u32 {
    Array::from(v).length()
}

fn small() -> JsNetwork {
    JsNetwork::random(js(r#"{"sizes":[2,3,2],"seed":1}"#)).unwrap()
}

fn snapshot(net: &JsNetwork) -> String {
    JSON::stringify(&net.to_json().unwrap())
        .unwrap()
        .as_string()
        .unwrap()
}

fn message(err: JsValue) -> String {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    err.unchecked_into::<js_sys::Error>()
        .message()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
fn forward_returns_z_and_a_per_layer_with_a0_the_input() {
    let net = small();
    let out = net.forward(js("[0.5, -0.25]")).unwrap();
    assert_eq!(len(&get(&out, "z")), 2);
    assert_eq!(len(&get(&out, "a")), 3);
    let a0 = Array::from(&get(&out, "a")).get(0);
    assert_eq!(Array::from(&a0).get(1).as_f64(), Some(-0.25));
    assert_eq!(len(&Array::from(&get(&out, "a")).get(1)), 3);
    // A Float64Array is accepted as well as an array.
    let typed = Float64Array::from(&[0.5, -0.25][..]);
    let again = net.forward(typed.into()).unwrap();
    assert_eq!(
        JSON::stringify(&again).unwrap(),
        JSON::stringify(&out).unwrap()
    );
}

#[wasm_bindgen_test]
fn backprop_returns_delta_and_gradients_in_the_books_shapes() {
    let net = small();
    let out = net.backprop(js("[0.5, -0.25]"), js("[1, 0]")).unwrap();
    for key in ["z", "a", "delta", "nablaB", "nablaW", "cost"] {
        assert!(!get(&out, key).is_undefined(), "{key} missing");
    }
    let nabla_w = Array::from(&get(&out, "nablaW"));
    // nablaW[0] is ∂C/∂w^2: 3 rows (j) of 2 columns (k).
    assert_eq!(len(&nabla_w.get(0)), 3);
    assert_eq!(len(&Array::from(&nabla_w.get(0)).get(0)), 2);
    assert_eq!(len(&Array::from(&nabla_w.get(1)).get(0)), 3);
    // BP4 at the boundary: ∂C/∂w^3_jk = a^2_k δ^3_j.
    let a2 = Array::from(&Array::from(&get(&out, "a")).get(1));
    let d3 = Array::from(&Array::from(&get(&out, "delta")).get(1));
    let w = Array::from(&nabla_w.get(1)).get(1);
    let want = a2.get(2).as_f64().unwrap() * d3.get(1).as_f64().unwrap();
    assert!((Array::from(&w).get(2).as_f64().unwrap() - want).abs() < 1e-15);
    assert!(get(&out, "cost").as_f64().unwrap() > 0.0);
}

#[wasm_bindgen_test]
fn sgd_step_changes_weights_and_reports_the_cost_before() {
    let mut net = small();
    let before = snapshot(&net);
    let bp = net.backprop(js("[0.5, -0.25]"), js("[1, 0]")).unwrap();
    let out = net
        .sgd_step(
            js(r#"[{"x":[0.5,-0.25],"y":[1,0]}]"#),
            JsValue::from_f64(0.5),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(get(&out, "cost").as_f64(), get(&bp, "cost").as_f64());
    assert_ne!(snapshot(&net), before);
}

#[wasm_bindgen_test]
fn json_round_trip_and_the_same_seed_give_the_same_network() {
    let net = small();
    let copy = JsNetwork::from_json(net.to_json().unwrap()).unwrap();
    assert_eq!(snapshot(&copy), snapshot(&net));
    let text = JSON::stringify(&net.to_json().unwrap()).unwrap();
    assert_eq!(
        snapshot(&JsNetwork::from_json(text.into()).unwrap()),
        snapshot(&net)
    );
    assert_eq!(snapshot(&small()), snapshot(&net));
    let w = get(&net.to_json().unwrap(), "weights");
    assert_eq!(
        len(&Array::from(&w).get(0)),
        3,
        "weights[0] has n_2 = 3 rows"
    );
}

#[wasm_bindgen_test]
fn trace_heatmap_evaluate_and_gradient_check_have_their_shapes() {
    let mut net = small();
    let batch = js(r#"[{"x":[0.5,-0.25],"y":[1,0]},{"x":[-0.1,0.9],"y":[0,1]}]"#);
    let t = net
        .sgd_step_trace(batch.clone(), JsValue::from_f64(1.0), JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(len(&get(&t, "examples")), 2);
    for key in ["nablaW", "nablaB", "deltaW", "deltaB", "cost"] {
        assert!(!get(&t, key).is_undefined(), "{key} missing");
    }
    let map = net
        .heatmap(JsValue::from_f64(10.0), JsValue::UNDEFINED)
        .unwrap();
    assert_eq!(map.length(), (3 + 2) * 100);
    let ev = net.evaluate(batch).unwrap();
    assert_eq!(get(&ev, "total").as_f64(), Some(2.0));
    let g = net
        .gradient_check(js("[0.3,0.1]"), js("[1,0]"), JsValue::UNDEFINED)
        .unwrap();
    assert!(get(&g, "maxRelativeError").as_f64().unwrap() < 1e-6);
    let data = generate_data(js(r#"{"kind":"spiral","n":100,"trainShare":0.8,"seed":3}"#)).unwrap();
    assert_eq!(len(&get(&data, "train")), 80);
}

#[wasm_bindgen_test]
fn bad_arguments_throw_errors_that_name_them_and_change_nothing() {
    let mut net = small();
    let before = snapshot(&net);
    let good = js(r#"[{"x":[0.5,-0.25],"y":[1,0]}]"#);
    let eta = JsValue::from_f64(0.5);
    let cases: Vec<(Result<JsValue, JsValue>, &str)> = vec![
        (net.forward(js("[1]")), "x must have 2 numbers"),
        (net.forward(js(r#"[1, "a"]"#)), "x[1] must be a number"),
        (
            net.forward(JsValue::from_str("hello")),
            "x must be an array",
        ),
        (
            net.forward(Float64Array::from(&[1.0, f64::NAN][..]).into()),
            "x[1] must be a finite number",
        ),
        (
            net.backprop(js("[1, 2]"), js("[1]")),
            "y must have 2 numbers",
        ),
        (
            net.sgd_step(js("[]"), eta.clone(), JsValue::UNDEFINED),
            "empty batch",
        ),
        (
            net.sgd_step(good.clone(), JsValue::from_f64(0.0), JsValue::UNDEFINED),
            "learning rate eta",
        ),
        (
            net.sgd_step(
                good.clone(),
                JsValue::from_f64(f64::NAN),
                JsValue::UNDEFINED,
            ),
            "learning rate eta",
        ),
        (
            net.sgd_step(good.clone(), JsValue::from_str("fast"), JsValue::UNDEFINED),
            "learning rate eta must be a number",
        ),
        (
            net.sgd_step(good.clone(), eta.clone(), js(r#"{"lambda":-1}"#)),
            "lambda",
        ),
        (
            net.sgd_step(
                js(r#"[{"x":[1,2],"y":[1,0]},{"x":[1],"y":[1,0]}]"#),
                eta.clone(),
                JsValue::UNDEFINED,
            ),
            "batch[1].x must have 2",
        ),
        (
            net.sgd_step(js(r#"[{"x":[1,2]}]"#), eta.clone(), JsValue::UNDEFINED),
            "batch[0].y must be an array",
        ),
        (
            net.sgd_step(js("[7]"), eta.clone(), JsValue::UNDEFINED),
            "batch[0] must be an object",
        ),
        (
            net.heatmap(JsValue::from_f64(0.0), JsValue::UNDEFINED)
                .map(JsValue::from),
            "resolution",
        ),
        (
            net.gradient_check(js("[1,2]"), js("[1,0]"), JsValue::from_f64(-1.0)),
            "epsilon",
        ),
    ];
    for (result, expect) in cases {
        let msg = message(result.expect_err(expect));
        assert!(msg.contains(expect), "{expect:?} not in {msg:?}");
        assert_eq!(snapshot(&net), before, "after {expect:?}");
    }
    let ctor_cases: Vec<(Result<JsNetwork, JsValue>, &str)> = vec![
        (
            JsNetwork::random(js(r#"{"sizes":[2],"seed":1}"#)),
            "sizes must list 2 to",
        ),
        (
            JsNetwork::random(js(r#"{"sizes":[2,3],"activation":"swish"}"#)),
            "activation must be one of",
        ),
        (
            JsNetwork::random(js(r#"{"sizes":[2,3],"cost":"hinge"}"#)),
            "cost must be",
        ),
        (
            JsNetwork::random(js(r#"{"sizes":[2,3],"seed":-1}"#)),
            "seed",
        ),
        (JsNetwork::random(js(r#"{"sizes":[2,1.5]}"#)), "sizes[1]"),
        (
            JsNetwork::from_json(js(
                r#"{"sizes":[2,1],"weights":[[[1]]],"biases":[[0]],"activation":"sigmoid","cost":"quadratic"}"#,
            )),
            "weights[0][0] must have 2 numbers",
        ),
        (
            JsNetwork::from_json(js(
                r#"{"sizes":[2,1],"weights":[[[1,2]]],"biases":[[0]],"activation":"sigmoid"}"#,
            )),
            "cost",
        ),
        (
            JsNetwork::from_json(js(
                r#"{"sizes":[2,1],"weights":[[[1,"x"]]],"biases":[[0]],"activation":"sigmoid","cost":"quadratic"}"#,
            )),
            r#"network object is not valid: weights[0][0][1] must be a number, got the string "x""#,
        ),
        (
            JsNetwork::from_json(js(
                r#"{"sizes":[2,1],"weights":[[[1,2]]],"biases":[0],"activation":"sigmoid","cost":"quadratic"}"#,
            )),
            "biases[0] must be an array, got 0",
        ),
        (
            JsNetwork::from_json(js(
                r#"{"sizes":[2,-1],"weights":[[[1,2]]],"biases":[[0]],"activation":"sigmoid","cost":"quadratic"}"#,
            )),
            "sizes[1] must be a whole number ≥ 0, got -1",
        ),
        (
            JsNetwork::from_json(js(
                r#"{"sizes":[2,1],"weights":[[[1,2]]],"biases":[[0]],"activation":5,"cost":"quadratic"}"#,
            )),
            "activation must be a string, got 5",
        ),
        (
            JsNetwork::from_json(JsValue::from_str("{not json")),
            "not valid",
        ),
        (
            JsNetwork::from_json(JsValue::from_f64(3.0)),
            "fromJSON needs",
        ),
        (
            JsNetwork::from_json(js(&format!(
                r#"{{"sizes":[2,1],"weights":[[[{}]]],"biases":[[0]],"activation":"sigmoid","cost":"quadratic"}}"#,
                vec!["1"; 5000].join(",")
            ))),
            "weights[0][0] must have at most 1024 numbers",
        ),
    ];
    for (result, expect) in ctor_cases {
        let msg = message(result.err().expect(expect));
        assert!(msg.contains(expect), "{expect:?} not in {msg:?}");
    }
    // Still works after all that.
    net.sgd_step(good, eta, JsValue::UNDEFINED).unwrap();
    assert_ne!(snapshot(&net), before);
}

#[wasm_bindgen_test]
fn a_diverging_step_throws_with_diverged_set_and_keeps_the_network() {
    let mut net =
        JsNetwork::random(js(r#"{"sizes":[2,3,1],"activation":"linear","seed":2}"#)).unwrap();
    let before = snapshot(&net);
    let err = net
        .sgd_step(
            js(r#"[{"x":[1e150,-1e150],"y":[0]}]"#),
            JsValue::from_f64(1e300),
            JsValue::UNDEFINED,
        )
        .unwrap_err();
    assert_eq!(get(&err, "diverged"), JsValue::TRUE);
    assert_eq!(snapshot(&net), before);
}

#[wasm_bindgen_test]
fn steps_on_a_held_dataset_equal_steps_on_the_same_batch() {
    use nndl_backprop::wasm::dataset::Dataset;
    let xs = Float64Array::from(&[0.5, -0.25, -0.1, 0.9, 0.3, 0.3][..]);
    let ys = Float64Array::from(&[1.0, 0.0, 0.0, 1.0, 1.0, 1.0][..]);
    let data = Dataset::from_flat(&xs, &ys, 2.0.into(), 2.0.into()).unwrap();
    assert_eq!(data.length(), 3);
    let (mut a, mut b) = (small(), small());
    let indices = [2u32, 0];
    let opts = js(r#"{"n":3}"#);
    let cost = a
        .sgd_step_on(&data, &indices, 0.5.into(), opts.clone())
        .unwrap();
    let batch = js(r#"[{"x":[0.3,0.3],"y":[1,1]},{"x":[0.5,-0.25],"y":[1,0]}]"#);
    let out = b.sgd_step(batch, 0.5.into(), opts.clone()).unwrap();
    assert_eq!(Some(cost), get(&out, "cost").as_f64());
    assert_eq!(snapshot(&a), snapshot(&b));
    let ev = a.evaluate_on(&data).unwrap();
    assert_eq!(get(&ev, "total").as_f64(), Some(3.0));
    // Bad indices and a mismatched network are refused without a change.
    let before = snapshot(&a);
    let bad = [0u32, 3];
    let msg = message(
        a.sgd_step_on(&data, &bad, 0.5.into(), opts.clone())
            .unwrap_err(),
    );
    assert!(msg.contains("indices[1] must be below"), "{msg}");
    let mut wide = JsNetwork::random(js(r#"{"sizes":[3,2]}"#)).unwrap();
    let msg = message(
        wide.sgd_step_on(&data, &indices, 0.5.into(), opts)
            .unwrap_err(),
    );
    assert!(msg.contains("the data set has 2 inputs"), "{msg}");
    assert_eq!(snapshot(&a), before);
    let msg = message(
        Dataset::from_flat(&xs, &ys, 4.0.into(), 2.0.into())
            .err()
            .unwrap(),
    );
    assert!(msg.contains("count × nIn"), "{msg}");
}

#[wasm_bindgen_test]
fn an_epoch_on_a_held_dataset_equals_its_shuffled_steps_one_call_each() {
    use nndl_backprop::train::{mini_batches, shuffled_order};
    use nndl_backprop::wasm::dataset::Dataset;
    let xs: Vec<f64> = (0..14).map(|i| (i as f64 * 0.7).sin()).collect();
    let ys: Vec<f64> = (0..14).map(|i| (i % 3 == 0) as u8 as f64).collect();
    let data = Dataset::from_flat(
        &Float64Array::from(&xs[..]),
        &Float64Array::from(&ys[..]),
        2.0.into(),
        2.0.into(),
    )
    .unwrap();
    let (mut a, mut b) = (small(), small());
    let opts = js(r#"{"lambda":0.1,"n":20,"seed":5,"epoch":2}"#);
    let out = a
        .sgd_epoch_on(&data, 3.0.into(), 0.5.into(), opts.clone())
        .unwrap();
    // 7 examples in mini-batches of 3: 3, 3, 1.
    assert_eq!(get(&out, "steps").as_f64(), Some(3.0));
    let mut costs = 0.0;
    for indices in mini_batches(&shuffled_order(7, 5, 2), 3) {
        let idx: Vec<u32> = indices.iter().map(|&i| i as u32).collect();
        costs += b
            .sgd_step_on(&data, &idx, 0.5.into(), opts.clone())
            .unwrap();
    }
    assert_eq!(get(&out, "cost").as_f64(), Some(costs / 3.0));
    assert_eq!(snapshot(&a), snapshot(&b));
    // Bad arguments are refused by name, before any step.
    let before = snapshot(&a);
    for (m, eta, opts, want) in [
        (
            0.0.into(),
            0.5.into(),
            JsValue::UNDEFINED,
            "mini-batch size m",
        ),
        (
            2.5.into(),
            0.5.into(),
            JsValue::UNDEFINED,
            "mini-batch size m",
        ),
        (
            JsValue::from_str("3"),
            0.5.into(),
            JsValue::UNDEFINED,
            "mini-batch size m",
        ),
        (
            3.0.into(),
            (-1.0).into(),
            JsValue::UNDEFINED,
            "learning rate eta",
        ),
        (
            3.0.into(),
            JsValue::NULL,
            JsValue::UNDEFINED,
            "learning rate eta",
        ),
        (3.0.into(), 0.5.into(), js(r#"{"seed":-1}"#), "seed"),
        (3.0.into(), 0.5.into(), js(r#"{"epoch":0.5}"#), "epoch"),
        (3.0.into(), 0.5.into(), js(r#"{"lambda":-2}"#), "lambda"),
        (3.0.into(), 0.5.into(), js("7"), "options"),
    ] {
        let msg = message(a.sgd_epoch_on(&data, m, eta, opts).unwrap_err());
        assert!(msg.contains(want), "{want}: {msg}");
    }
    let empty = Dataset::from_flat(
        &Float64Array::new_with_length(0),
        &Float64Array::new_with_length(0),
        2.0.into(),
        2.0.into(),
    )
    .unwrap();
    let msg = message(
        a.sgd_epoch_on(&empty, 3.0.into(), 0.5.into(), JsValue::UNDEFINED)
            .unwrap_err(),
    );
    assert!(msg.contains("at least one example"), "{msg}");
    let mut wide = JsNetwork::random(js(r#"{"sizes":[3,2]}"#)).unwrap();
    let msg = message(
        wide.sgd_epoch_on(&data, 3.0.into(), 0.5.into(), JsValue::UNDEFINED)
            .unwrap_err(),
    );
    assert!(msg.contains("the data set has 2 inputs"), "{msg}");
    assert_eq!(snapshot(&a), before);
}

/// Numbers and strings in messages are printed by JS in the browser (`Number.prototype.
/// toString`, `JSON.stringify`, so Rust's float formatting stays out of the download): the
/// same text as Rust's `{}` and `{:?}` for ordinary values, exponents where Rust would print
/// hundreds of digits.
#[wasm_bindgen_test]
fn numbers_and_strings_in_messages_read_as_typed() {
    let message = |r: Result<JsValue, JsValue>| -> String {
        let e = r.expect_err("refused");
        String::from(e.dyn_ref::<js_sys::Error>().expect("an Error").message())
    };
    let data = |options: &str| message(generate_data(js(options)));
    let random = |options: &str| message(JsNetwork::random(js(options)).map(JsValue::from));
    let from = |object: &str| message(JsNetwork::from_json(js(object)).map(JsValue::from));
    for (got, want) in [
        (data(r#"{"noise":1.5}"#), "noise must be in [0, 1], got 1.5"),
        (
            data(r#"{"noise":-0.1}"#),
            "noise must be in [0, 1], got -0.1",
        ),
        (
            data(r#"{"noise":1e300}"#),
            "noise must be in [0, 1], got 1e+300",
        ),
        (
            data(r#"{"trainShare":2}"#),
            "train share must be in [0, 1], got 2",
        ),
        (
            data(r#"{"n":1e-7}"#),
            "n must be a whole number from 2 to 10000, got 1e-7",
        ),
        (
            data(r#"{"kind":"a\"b\\c\n"}"#),
            r#"data set must be 'xor', 'circle', 'gaussians' or 'spiral', got "a\"b\\c\n""#,
        ),
        (
            random(r#"{"sizes":[2,1],"seed":0.5}"#),
            "seed must be a whole number from 0 to 2^53 − 1, got 0.5",
        ),
        (
            random(r#"{"sizes":[2,1],"init":"wide"}"#),
            r#"init must be 'standard' or 'scaled', got "wide""#,
        ),
        (
            random(r#"{"sizes":[2,1],"cost":"ℓ²"}"#),
            r#"cost must be 'quadratic' or 'crossEntropy', got "ℓ²""#,
        ),
        (
            from(
                r#"{"sizes":[2,1e300],"weights":[[[1,2]]],"biases":[[0]],"activation":"sigmoid","cost":"quadratic"}"#,
            ),
            "network object is not valid: sizes[1] (layer 2) must be 1 to 1024 neurons, got 1e+300",
        ),
        (
            from(
                r#"{"sizes":[2,1],"weights":[[[1,2]]],"biases":[[0]],"activation":"sigmoid","cost":null}"#,
            ),
            "network object is not valid: cost must be a string, got null",
        ),
        (
            from(
                r#"{"sizes":[2,1],"weights":[[[1,2]]],"biases":[[0]],"activation":"soft","cost":"quadratic"}"#,
            ),
            r#"activation must be one of 'sigmoid', 'tanh', 'relu', 'linear', got "soft""#,
        ),
    ] {
        assert_eq!(got, want);
    }
    let step = |eta: f64| {
        let batch = js(r#"[{"x":[0,0],"y":[0,1]}]"#);
        message(small().sgd_step(batch, JsValue::from_f64(eta), JsValue::UNDEFINED))
    };
    assert_eq!(
        step(-0.0),
        "learning rate eta must be a finite number > 0, got -0"
    );
    assert_eq!(
        step(f64::NAN),
        "learning rate eta must be a finite number > 0, got NaN"
    );
    assert_eq!(
        step(f64::NEG_INFINITY),
        "learning rate eta must be a finite number > 0, got -Infinity"
    );
}

#[wasm_bindgen_test]
fn a_step_on_a_held_dataset_reads_its_options_as_sgd_step_does() {
    use nndl_backprop::wasm::dataset::Dataset;
    // Three examples held, the same three as a batch: the default n is 3 either way.
    let xs = Float64Array::from(&[0.5, -0.25, -0.1, 0.9, 0.3, 0.3][..]);
    let ys = Float64Array::from(&[1.0, 0.0, 0.0, 1.0, 1.0, 1.0][..]);
    let data = Dataset::from_flat(&xs, &ys, 2.0.into(), 2.0.into()).unwrap();
    let indices = [0u32, 1, 2];
    let batch =
        r#"[{"x":[0.5,-0.25],"y":[1,0]},{"x":[-0.1,0.9],"y":[0,1]},{"x":[0.3,0.3],"y":[1,1]}]"#;
    for options in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        js("{}"),
        js(r#"{"n":7}"#),
        js(r#"{"lambda":0.5}"#),
        js(r#"{"lambda":0.25,"n":50}"#),
    ] {
        let (mut a, mut b) = (small(), small());
        for _ in 0..3 {
            let cost = a
                .sgd_step_on(&data, &indices, 0.5.into(), options.clone())
                .unwrap();
            let out = b.sgd_step(js(batch), 0.5.into(), options.clone()).unwrap();
            assert_eq!(Some(cost), get(&out, "cost").as_f64(), "{options:?}");
        }
        assert_eq!(snapshot(&a), snapshot(&b), "{options:?}");
    }
    // Options refused with sgdStep's message, and the network left as it was.
    for options in [
        js("5"),
        js(r#""fast""#),
        js(r#"{"n":0}"#),
        js(r#"{"n":2.5}"#),
        js(r#"{"n":"3"}"#),
        js(r#"{"n":null}"#),
        js(r#"{"lambda":"x"}"#),
        js(r#"{"lambda":null,"n":3}"#),
        js(r#"{"n":1e9}"#),
    ] {
        let (mut a, mut b) = (small(), small());
        let before = snapshot(&a);
        let on = message(
            a.sgd_step_on(&data, &indices, 0.5.into(), options.clone())
                .unwrap_err(),
        );
        let batch = message(
            b.sgd_step(js(batch), 0.5.into(), options.clone())
                .unwrap_err(),
        );
        assert_eq!(on, batch, "{options:?}");
        assert_eq!(snapshot(&a), before);
    }
}

/// In wasm, σ, tanh and the heatmap's exp over a buffer go two at a time in simd128: the same
/// bits as the scalar functions, one value at a time, for every kind of z (both signs of 0,
/// the exp's limits, ±∞, NaN) and for buffers of odd length.
#[wasm_bindgen_test]
fn sigmoid_and_tanh_over_a_buffer_are_bit_for_bit_the_scalar_ones() {
    use nndl_backprop::activation::{
        exp_clamped, exp_clamped_in_place, sigmoid, sigmoid_in_place, tanh, tanh_in_place,
    };
    let zs = special_z::special_values();
    type Pair = (fn(&mut [f64]), fn(f64) -> f64, &'static str);
    let kinds: [Pair; 3] = [
        (sigmoid_in_place, sigmoid, "σ"),
        (tanh_in_place, tanh, "tanh"),
        (exp_clamped_in_place, exp_clamped, "the heatmap's exp"),
    ];
    for (in_place, scalar, name) in kinds {
        for len in [0, 1, 2, 3, 4, 5, zs.len() - 1, zs.len()] {
            let mut v = zs[zs.len() - len..].to_vec();
            in_place(&mut v);
            for (got, &z) in v.iter().zip(&zs[zs.len() - len..]) {
                assert_eq!(
                    got.to_bits(),
                    scalar(z).to_bits(),
                    "{name}({z}), {len} values"
                );
            }
        }
    }
}

/// The heatmap in wasm (its exps two at a time in simd128, `activation::exp_clamped_in_place`)
/// against the network's own forward pass at every cell, to f32 precision, for σ and tanh,
/// and with weights large enough that exponents pass ±708 (where the exps are clamped) and the
/// first layer is no longer separable.
#[wasm_bindgen_test]
fn heatmap_cells_are_forward_passes_with_any_size_of_weights() {
    use nndl_backprop::heatmap::{self, Bounds};
    use nndl_backprop::{Activation, Cost, Init, Network};
    let b = Bounds {
        x_min: -1.5,
        x_max: 1.0,
        y_min: -0.5,
        y_max: 2.0,
    };
    let res = 12;
    let cells = res * res;
    for activation in [Activation::Sigmoid, Activation::Tanh] {
        for scale in [1.0, 30.0, 400.0] {
            let mut net = Network::random(
                &[2, 8, 7, 3],
                5,
                activation,
                Cost::Quadratic,
                Init::Standard,
            )
            .unwrap();
            net.weights.iter_mut().for_each(|w| *w *= scale);
            net.biases.iter_mut().for_each(|b| *b *= scale);
            let grid = heatmap::grid(&net, res, b).unwrap();
            for cell in 0..cells {
                let (col, row) = ((cell % res) as f64, (cell / res) as f64);
                let x = [
                    b.x_min + (col + 0.5) * (b.x_max - b.x_min) / res as f64,
                    b.y_max - (row + 0.5) * (b.y_max - b.y_min) / res as f64,
                ];
                let ff = net.forward(&x).unwrap();
                let mut neuron = 0;
                for layer in &ff.activations[1..] {
                    for &want in layer.iter() {
                        let got = grid[neuron * cells + cell] as f64;
                        assert!(
                            (got - want).abs() <= 1e-7,
                            "{activation}, weights × {scale}, cell {cell}, neuron {neuron}: {got} against {want}"
                        );
                        neuron += 1;
                    }
                }
            }
        }
    }
}

/// BP3 fused with the update in wasm (`kernels::add_columns`: two rows at a time, then the
/// last of an odd number alone) against b_j + Σ_c d_jc in column order, bit for bit.
#[wasm_bindgen_test]
fn bp3_with_the_update_equals_the_sum_in_column_order() {
    bp3::equals_the_sum_in_column_order(&[1, 2, 3, 7, 8, 9, 16, 17, 30], &[1, 2, 3, 10]);
}

/// BP2's (w^l)ᵀ in wasm (`kernels::transpose`: two rows of two columns at a time, then the odd
/// last row and column one by one).
#[wasm_bindgen_test]
fn the_transpose_of_w_for_bp2_is_the_transpose() {
    transpose::equals_the_transpose(&[1, 2, 3, 7, 8, 9, 16], &[1, 2, 3, 8, 10, 17]);
}

/// BP4 fused with the update in wasm (`kernels::step_weights`: a column of up to 8 vectors at
/// a time, or, in the digits module, two columns of up to 3 vectors (4 in the relaxed-SIMD
/// build) from 32 columns on)
/// against the textbook sum shrink·w_jk + Σ_x d_jx a_kx, for rows that fill the blocks or
/// leave a short last one, an odd number of columns, δ with and without padding after it,
/// and a non-finite weight anywhere.
#[wasm_bindgen_test]
fn bp4_with_the_update_equals_the_textbook_sum_and_finds_any_non_finite_weight() {
    bp4::equals_the_textbook_sum(
        &[1, 2, 3, 5, 6, 7, 8, 9, 12, 13, 16, 17, 30],
        &[1, 3, 10],
        &[7, 16, 31, 32, 33, 40],
    );
    bp4::reports_a_non_finite_weight_wherever_it_is(&[
        (30, 10, 40),
        (9, 3, 33),
        (1, 2, 32),
        (16, 1, 35),
        (7, 10, 9),
    ]);
}
