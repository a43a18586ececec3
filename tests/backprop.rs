//! Backpropagation against outside references: finite differences for every gradient, a
//! 2-3-2 example worked by hand, and the per-example path against the whole-batch path.

use nalgebra::DMatrix;
use nndl_backprop::gradcheck::{self, relative_error};
use nndl_backprop::json::NetworkJson;
use nndl_backprop::{Activation, Cost, Example, Init, Network};

/// Deterministic pseudo-random numbers in [lo, hi) for test inputs (no RNG crate needed).
fn numbers(n: usize, seed: u64, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}

const SHAPES: [&[usize]; 3] = [&[2, 3, 2], &[3, 5, 4, 2], &[4, 6, 6, 6, 3]];

#[test]
fn bp3_bp4_match_finite_differences_for_every_activation_and_cost() {
    for (s, sizes) in SHAPES.iter().enumerate() {
        for activation in Activation::ALL {
            for cost in Cost::ALL {
                let net =
                    Network::random(sizes, 7 + s as u64, activation, cost, Init::Scaled).unwrap();
                let x = numbers(sizes[0], 11 + s as u64, -1.0, 1.0);
                let y = numbers(*sizes.last().unwrap(), 13 + s as u64, 0.05, 0.95);
                let g = gradcheck::check(&net, &x, &y, 1e-5).unwrap();
                let pairs = g
                    .numeric_w
                    .iter()
                    .zip(&g.backprop_w)
                    .flat_map(|(n, b)| n.iter().copied().zip(b.iter().copied()).collect::<Vec<_>>())
                    .chain(g.numeric_b.iter().zip(&g.backprop_b).flat_map(|(n, b)| {
                        n.iter().copied().zip(b.iter().copied()).collect::<Vec<_>>()
                    }));
                let mut checked = 0;
                for (numeric, backprop) in pairs {
                    if numeric.abs().max(backprop.abs()) > 1e-4 {
                        let err = relative_error(numeric, backprop, 0.0);
                        assert!(
                            err <= 1e-6,
                            "{sizes:?} {activation} {cost}: numeric {numeric} vs backprop {backprop} (rel {err})"
                        );
                        checked += 1;
                    } else {
                        assert!((numeric - backprop).abs() <= 1e-9);
                    }
                }
                assert!(
                    checked > 0,
                    "{sizes:?} {activation} {cost}: every gradient was tiny"
                );
            }
        }
    }
}

/// The 2-3-2 network worked by hand (sigmoid, quadratic cost; numbers from a separate
/// plain-Python calculation of eq. 25 and BP1–BP4).
fn hand_network() -> Network {
    NetworkJson {
        sizes: vec![2, 3, 2],
        weights: vec![
            vec![vec![0.1, -0.2], vec![0.4, 0.3], vec![-0.5, 0.6]],
            vec![vec![0.7, -0.8, 0.2], vec![-0.3, 0.5, 0.9]],
        ],
        biases: vec![vec![0.1, -0.1, 0.2], vec![0.05, -0.05]],
        activation: "sigmoid".into(),
        cost: "quadratic".into(),
    }
    .to_network()
    .unwrap()
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-12, "{what}[{i}]: got {g}, want {w}");
    }
}

fn rows(m: &DMatrix<f64>) -> Vec<f64> {
    nndl_backprop::json::matrix_rows(m).concat()
}

#[test]
fn hand_worked_2_3_2_example_forward_backprop_and_one_step() {
    let mut net = hand_network();
    let (x, y) = (vec![1.0, 0.5], vec![1.0, 0.0]);
    let bp = net.backprop(&x, &y).unwrap();
    // Eq. 25.
    assert_close(bp.zs[0].as_slice(), &[0.1, 0.45000000000000007, 0.0], "z^2");
    assert_close(
        bp.activations[1].as_slice(),
        &[0.52497918747894, 0.610639233949222, 0.5],
        "a^2",
    );
    assert_close(
        bp.zs[1].as_slice(),
        &[0.028974044075880376, 0.547825860730929],
        "z^3",
    );
    assert_close(
        bp.activations[2].as_slice(),
        &[0.507243004320428, 0.6336310271360053],
        "a^3",
    );
    assert!((bp.cost - 0.3221488676702934).abs() < 1e-12, "C_x");
    // BP1, BP2.
    assert_close(
        bp.delta[1].as_slice(),
        &[-0.12316339834015799, 0.14709284822908772],
        "δ^3",
    );
    assert_close(
        bp.delta[0].as_slice(),
        &[
            -0.03250423001195707,
            0.0409128824934376,
            0.026937720934536842,
        ],
        "δ^2",
    );
    // BP3 = δ; BP4 in the book's (j, k) order.
    assert_close(bp.nabla_b[1].as_slice(), bp.delta[1].as_slice(), "∂C/∂b^3");
    assert_close(
        &rows(&bp.nabla_w[0]),
        &[
            -0.03250423001195707,
            -0.016252115005978535,
            0.0409128824934376,
            0.0204564412467188,
            0.026937720934536842,
            0.013468860467268421,
        ],
        "∂C/∂w^2",
    );
    assert_close(
        &rows(&bp.nabla_w[1]),
        &[
            -0.06465822078776118,
            -0.07520840321301696,
            -0.061581699170078996,
            0.07722068394726951,
            0.08982066416201931,
            0.07354642411454386,
        ],
        "∂C/∂w^3",
    );
    // One SGD step with η = 0.5 on the batch {(x, y)}.
    let cost = net
        .update_mini_batch(&[Example { x, y }], 0.5, 0.0, 1)
        .unwrap();
    assert!((cost - 0.3221488676702934).abs() < 1e-12);
    assert_close(
        &rows(&net.weights[0]),
        &[
            0.11625211500597854,
            -0.19187394249701073,
            0.3795435587532812,
            0.2897717793766406,
            -0.5134688604672685,
            0.5932655697663658,
        ],
        "new w^2",
    );
    assert_close(
        &rows(&net.weights[1]),
        &[
            0.7323291103938805,
            -0.7623957983934916,
            0.2307908495850395,
            -0.33861034197363477,
            0.45508966791899036,
            0.8632267879427281,
        ],
        "new w^3",
    );
    assert_close(
        net.biases[0].as_slice(),
        &[
            0.11625211500597854,
            -0.12045644124671881,
            0.1865311395327316,
        ],
        "new b^2",
    );
    assert_close(
        net.biases[1].as_slice(),
        &[0.111581699170079, -0.12354642411454386],
        "new b^3",
    );
}

fn batch(sizes: &[usize], m: usize, seed: u64) -> Vec<Example> {
    (0..m)
        .map(|i| Example {
            x: numbers(sizes[0], seed + 2 * i as u64, -1.0, 1.0),
            y: numbers(*sizes.last().unwrap(), seed + 2 * i as u64 + 1, 0.0, 1.0),
        })
        .collect()
}

#[test]
fn summing_each_example_equals_the_whole_batch_path() {
    for (s, sizes) in SHAPES.iter().enumerate() {
        for activation in Activation::ALL {
            for cost in Cost::ALL {
                let net =
                    Network::random(sizes, s as u64, activation, cost, Init::Standard).unwrap();
                let b = batch(sizes, 10, 100 + s as u64);
                let (nw, nb, c) = net.summed_per_example(&b);
                let (x, y) = net.batch_columns(&b);
                let whole = net.backprop_columns(x, &y);
                assert!((c - whole.cost).abs() <= 1e-12 * c.abs().max(1.0));
                for (a, b) in nw.iter().zip(&whole.nabla_w) {
                    assert!((a - b).amax() <= 1e-12, "∇w differs by {}", (a - b).amax());
                }
                for (a, b) in nb.iter().zip(&whole.nabla_b) {
                    assert!((a - b).amax() <= 1e-12, "∇b differs by {}", (a - b).amax());
                }
                // And the SGD step with L2 on both paths.
                let (mut fast, mut slow) = (net.clone(), net.clone());
                let c1 = fast.update_mini_batch(&b, 0.7, 0.3, 50).unwrap();
                let c2 = slow
                    .update_mini_batch_per_example(&b, 0.7, 0.3, 50)
                    .unwrap();
                assert!((c1 - c2).abs() <= 1e-12);
                for (a, b) in fast.weights.iter().zip(&slow.weights) {
                    assert!((a - b).amax() <= 1e-12);
                }
                for (a, b) in fast.biases.iter().zip(&slow.biases) {
                    assert!((a - b).amax() <= 1e-12);
                }
            }
        }
    }
}

#[test]
fn sgd_step_is_the_books_update_rule_with_l2() {
    // w → (1 − ηλ/n) w − (η/m) Σ ∇w, b → b − (η/m) Σ ∇b, checked element by element.
    let sizes = [3, 4, 2];
    let net = Network::random(
        &sizes,
        3,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let b = batch(&sizes, 4, 9);
    let (eta, lambda, n) = (0.9, 2.0, 40);
    let (nw, nb, _) = net.summed_per_example(&b);
    let mut stepped = net.clone();
    stepped.update_mini_batch(&b, eta, lambda, n).unwrap();
    for l in 0..2 {
        for j in 0..sizes[l + 1] {
            for k in 0..sizes[l] {
                let want = (1.0 - eta * lambda / n as f64) * net.weights[l][(j, k)]
                    - eta / 4.0 * nw[l][(j, k)];
                assert!((stepped.weights[l][(j, k)] - want).abs() < 1e-12);
            }
            let want = net.biases[l][j] - eta / 4.0 * nb[l][j];
            assert!((stepped.biases[l][j] - want).abs() < 1e-12);
        }
    }
}

#[test]
fn cross_entropy_output_error_is_a_minus_y() {
    // Chapter 3, eq. 66: with a sigmoid output, δ^L = a^L − y, the general BP1 agrees.
    let net = Network::random(
        &[2, 3, 2],
        5,
        Activation::Tanh,
        Cost::CrossEntropy,
        Init::Scaled,
    )
    .unwrap();
    let (x, y) = (vec![0.3, -0.7], vec![0.0, 1.0]);
    let bp = net.backprop(&x, &y).unwrap();
    let a = bp.activations[2].as_slice();
    let general: Vec<f64> = (0..2)
        .map(|j| Cost::CrossEntropy.gradient(a[j], y[j]) * Activation::Sigmoid.prime(bp.zs[1][j]))
        .collect();
    assert_close(bp.delta[1].as_slice(), &[a[0] - y[0], a[1] - y[1]], "δ^L");
    assert_close(bp.delta[1].as_slice(), &general, "δ^L by the general BP1");
}

#[test]
fn json_puts_w_l_jk_at_row_j_column_k() {
    // The column-major trap: weights[0][1][0] is w^2_21 (from neuron 1 of layer 1 to neuron 2
    // of layer 2) and must land at row 1, column 0 — not at storage index 1.
    let net = hand_network();
    assert_eq!(net.weights[0][(1, 0)], 0.4);
    assert_eq!(net.weights[0][(0, 1)], -0.2);
    assert_eq!(net.weights[1][(1, 2)], 0.9);
    let back = NetworkJson::from(&net);
    assert_eq!(back.weights[0][1][0], 0.4);
    assert_eq!(back.weights[1][0][2], 0.2);
    let text = serde_json::to_string(&back).unwrap();
    assert_eq!(NetworkJson::parse(&text).unwrap(), net);
    // And z^2_2 = Σ_k w^2_2k x_k + b^2_2 uses row 1.
    let ff = net.forward(&[1.0, 0.0]).unwrap();
    assert!((ff.zs[0][1] - (0.4 - 0.1)).abs() < 1e-15);
}

#[test]
fn random_networks_round_trip_through_json_text() {
    for (s, sizes) in SHAPES.iter().enumerate() {
        let net = Network::random(
            sizes,
            s as u64,
            Activation::Relu,
            Cost::CrossEntropy,
            Init::Scaled,
        )
        .unwrap();
        let text = serde_json::to_string(&NetworkJson::from(&net)).unwrap();
        assert_eq!(NetworkJson::parse(&text).unwrap(), net);
    }
}
