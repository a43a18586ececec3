//! Training, data, initialisation and the per-frame helpers: determinism from a seed, learning
//! that really happens, divergence that is refused, and heatmap/trace layouts.

use nndl_backprop::data::{self, Kind};
use nndl_backprop::heatmap::{self, Bounds};
use nndl_backprop::train::{self, evaluate, SgdConfig};
use nndl_backprop::{trace, Activation, Cost, Example, Init, Network};

#[test]
fn same_seed_same_network_different_seed_different_network() {
    let a = Network::random(
        &[2, 8, 1],
        42,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let b = Network::random(
        &[2, 8, 1],
        42,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let c = Network::random(
        &[2, 8, 1],
        43,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a.weights, c.weights);
}

fn std_dev(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64).sqrt()
}

#[test]
fn initialisations_have_the_books_spreads() {
    // Chapter 1: N(0, 1) everywhere; chapter 3: weights N(0, 1/n_in), biases N(0, 1).
    let sizes = [400, 100, 10];
    let standard = Network::random(
        &sizes,
        1,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let scaled = Network::random(
        &sizes,
        1,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Scaled,
    )
    .unwrap();
    let s = std_dev(standard.weights[0].as_slice());
    assert!((s - 1.0).abs() < 0.02, "standard weights std {s}");
    let s = std_dev(scaled.weights[0].as_slice());
    assert!(
        (s - 0.05).abs() < 0.002,
        "scaled weights std {s}, want 1/√400 = 0.05"
    );
    let s = std_dev(scaled.biases[0].as_slice());
    assert!((s - 1.0).abs() < 0.2, "scaled biases std {s}");
}

#[test]
fn data_sets_are_reproducible_split_balanced_and_in_the_square() {
    for kind in [Kind::Xor, Kind::Circle, Kind::Gaussians, Kind::Spiral] {
        let a = data::generate(kind, 400, 0.3, 0.75, 9).unwrap();
        let b = data::generate(kind, 400, 0.3, 0.75, 9).unwrap();
        let c = data::generate(kind, 400, 0.3, 0.75, 10).unwrap();
        assert_eq!(a, b, "{kind:?}: same seed, same points");
        assert_ne!(a, c, "{kind:?}: another seed, other points");
        assert_eq!((a.train.len(), a.test.len()), (300, 100));
        let ones = a
            .train
            .iter()
            .chain(&a.test)
            .filter(|p| p.label == 1)
            .count();
        assert_eq!(ones, 200, "{kind:?}: both classes equally common");
        for p in a.train.iter().chain(&a.test) {
            assert!(p.x.iter().all(|v| (-1.0..=1.0).contains(v)));
        }
    }
}

#[test]
fn xor_labels_follow_the_quadrants_without_noise() {
    let split = data::generate(Kind::Xor, 200, 0.0, 1.0, 3).unwrap();
    for p in &split.train {
        assert_eq!(p.label == 1, p.x[0] * p.x[1] > 0.0);
    }
}

#[test]
fn one_hot_targets_as_for_digits() {
    assert_eq!(data::target(1, 1), vec![1.0]);
    assert_eq!(data::target(0, 3), vec![1.0, 0.0, 0.0]);
    assert_eq!(data::target(2, 3), vec![0.0, 0.0, 1.0]);
}

fn learn(kind: Kind, sizes: &[usize], activation: Activation, cost: Cost, eta: f64) -> (f64, f64) {
    let split = data::generate(kind, 400, 0.1, 0.5, 1).unwrap();
    let outputs = *sizes.last().unwrap();
    let train_set = data::examples(&split.train, outputs);
    let test_set = data::examples(&split.test, outputs);
    let mut net = Network::random(sizes, 2, activation, cost, Init::Scaled).unwrap();
    let before = evaluate(&net, &test_set).accuracy();
    let config = SgdConfig {
        epochs: 300,
        mini_batch_size: 10,
        eta,
        lambda: 0.0,
        seed: 4,
    };
    train::sgd(&mut net, &train_set, config, |_, _| {}).unwrap();
    (before, evaluate(&net, &test_set).accuracy())
}

#[test]
fn sgd_learns_the_2d_sets() {
    let (before, after) = learn(
        Kind::Circle,
        &[2, 6, 1],
        Activation::Sigmoid,
        Cost::Quadratic,
        3.0,
    );
    assert!(after >= 0.95, "circle: {before} → {after}");
    let (before, after) = learn(
        Kind::Xor,
        &[2, 6, 2],
        Activation::Tanh,
        Cost::CrossEntropy,
        0.5,
    );
    assert!(after >= 0.95, "xor: {before} → {after}");
    let (before, after) = learn(
        Kind::Gaussians,
        &[2, 3, 1],
        Activation::Relu,
        Cost::Quadratic,
        0.3,
    );
    assert!(after >= 0.95, "gaussians: {before} → {after}");
}

#[test]
fn shuffling_is_a_seeded_permutation_and_batches_cover_it() {
    let order = train::shuffled_order(23, 5, 0);
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted, (0..23).collect::<Vec<_>>());
    assert_eq!(order, train::shuffled_order(23, 5, 0));
    assert_ne!(
        order,
        train::shuffled_order(23, 5, 1),
        "each epoch is shuffled anew"
    );
    let batches = train::mini_batches(&order, 10);
    assert_eq!(
        batches.iter().map(|b| b.len()).collect::<Vec<_>>(),
        vec![10, 10, 3]
    );
}

#[test]
fn accuracy_counts_argmax_or_the_half_threshold() {
    assert!(train::is_correct(&[0.7], &[1.0]));
    assert!(!train::is_correct(&[0.3], &[1.0]));
    assert!(train::is_correct(&[0.1, 0.8, 0.3], &[0.0, 1.0, 0.0]));
    assert!(!train::is_correct(&[0.9, 0.8, 0.3], &[0.0, 1.0, 0.0]));
}

#[test]
fn a_diverging_step_is_refused_and_changes_nothing() {
    let mut net = Network::random(
        &[2, 3, 1],
        0,
        Activation::Linear,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let before = net.clone();
    let batch = vec![Example {
        x: vec![1e150, -1e150],
        y: vec![0.0],
    }];
    let err = net.update_mini_batch(&batch, 1e300, 0.0, 1).unwrap_err();
    assert!(err.diverged, "{err}");
    assert!(
        err.message.contains("non-finite") || err.message.contains("cost"),
        "{err}"
    );
    assert_eq!(net, before);
}

#[test]
fn bad_arguments_name_themselves_and_change_nothing() {
    let mut net = Network::random(
        &[2, 3, 2],
        0,
        Activation::Sigmoid,
        Cost::CrossEntropy,
        Init::Standard,
    )
    .unwrap();
    let before = net.clone();
    let good = Example {
        x: vec![0.1, 0.2],
        y: vec![0.0, 1.0],
    };
    let cases: Vec<(Vec<Example>, f64, f64, usize, &str)> = vec![
        (vec![], 1.0, 0.0, 1, "empty batch"),
        (vec![good.clone()], 0.0, 0.0, 1, "learning rate eta"),
        (vec![good.clone()], f64::NAN, 0.0, 1, "learning rate eta"),
        (vec![good.clone()], 1.0, -1.0, 1, "lambda"),
        (vec![good.clone()], 1.0, f64::INFINITY, 1, "lambda"),
        (vec![good.clone()], 1.0, 0.0, 0, "n (the training-set size)"),
        (
            vec![
                good.clone(),
                Example {
                    x: vec![0.1],
                    y: vec![0.0, 1.0],
                },
            ],
            1.0,
            0.0,
            2,
            "batch[1].x must have 2",
        ),
        (
            vec![Example {
                x: vec![0.1, f64::NAN],
                y: vec![0.0, 1.0],
            }],
            1.0,
            0.0,
            1,
            "batch[0].x[1] must be a finite",
        ),
        (
            vec![Example {
                x: vec![0.1, 0.2],
                y: vec![0.0, 2.0],
            }],
            1.0,
            0.0,
            1,
            "batch[0].y[1] must be in [0, 1]",
        ),
    ];
    for (batch, eta, lambda, n, expect) in cases {
        let err = net.update_mini_batch(&batch, eta, lambda, n).unwrap_err();
        assert!(err.message.contains(expect), "{expect:?} not in {err}");
        assert!(!err.diverged);
        assert_eq!(net, before);
    }
    assert!(net
        .forward(&[1.0])
        .unwrap_err()
        .message
        .contains("x must have 2 numbers"));
    assert!(Network::random(
        &[2],
        0,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard
    )
    .is_err());
    assert!(Network::random(
        &[2, 0, 1],
        0,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard
    )
    .unwrap_err()
    .message
    .contains("sizes[1] (layer 2)"));
    assert!(Network::random(
        &[1024, 1024, 1024],
        0,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard
    )
    .unwrap_err()
    .message
    .contains("weights and biases"));
}

#[test]
fn heatmap_cells_are_forward_passes_at_their_centres() {
    let net = Network::random(
        &[2, 3, 2],
        8,
        Activation::Tanh,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let res = 4;
    let b = Bounds {
        x_min: -1.0,
        x_max: 1.0,
        y_min: -2.0,
        y_max: 2.0,
    };
    let grid = heatmap::grid(&net, res, b).unwrap();
    assert_eq!(grid.len(), (3 + 2) * res * res);
    // Row 1 (second from the top), column 2: x = −1 + 2.5·0.5, y = 2 − 1.5·1.
    let ff = net.forward(&[0.25, 0.5]).unwrap();
    let cell = res + 2;
    for j in 0..3 {
        assert!((grid[j * res * res + cell] as f64 - ff.activations[1][j]).abs() < 1e-6);
    }
    for j in 0..2 {
        assert!((grid[(3 + j) * res * res + cell] as f64 - ff.activations[2][j]).abs() < 1e-6);
    }
    assert!(heatmap::grid(&net, 0, b).is_err());
}

#[test]
fn the_sigmoids_exp_agrees_with_the_standard_library_to_1e_15() {
    use nndl_backprop::activation::{exp_non_positive, sigmoid};
    for i in 0..=799_700 {
        let x = -(i as f64) * 0.000_885_3; // 0 down to about −708
        let (fast, exact) = (exp_non_positive(x), x.exp());
        assert!(
            (fast - exact).abs() <= 1e-15 * exact,
            "exp({x}): {fast} vs {exact}"
        );
    }
    assert_eq!(exp_non_positive(-800.0), 0.0);
    assert_eq!(exp_non_positive(0.0), 1.0);
    for z in [
        -40.0f64, -3.0, -1e-9, 0.0, 1e-9, 0.5, 3.0, 40.0, 800.0, -800.0,
    ] {
        let exact = 1.0 / (1.0 + (-z).exp());
        assert!(
            (sigmoid(z) - exact).abs() <= 1e-15 * exact.max(1e-300),
            "σ({z})"
        );
    }
}

#[test]
fn the_trace_is_each_example_then_their_mean_then_the_update() {
    let mut net = Network::random(
        &[2, 4, 1],
        5,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let before = net.clone();
    let batch: Vec<Example> = (0..5)
        .map(|i| Example {
            x: vec![i as f64 / 5.0, -0.3],
            y: vec![(i % 2) as f64],
        })
        .collect();
    let t = trace::step_with_trace(&mut net, &batch, 2.0, 0.0, 5).unwrap();
    assert_eq!(t.examples.len(), 5);
    for l in 0..2 {
        let mean = t
            .examples
            .iter()
            .map(|bp| &bp.nabla_w[l])
            .fold(t.mean_nabla_w[l].clone() * 0.0, |acc, g| acc + g)
            / 5.0;
        assert!((&mean - &t.mean_nabla_w[l]).amax() < 1e-12);
        // Δw = −η · mean ∇w when λ = 0.
        assert!((&t.delta_w[l] + &t.mean_nabla_w[l] * 2.0).amax() < 1e-12);
        assert!((&(&net.weights[l] - &before.weights[l]) - &t.delta_w[l]).amax() < 1e-15);
    }
}
