//! The small-shape step (`nndl_backprop::small`) against the general batch path and the
//! per-example path: the same networks to 1e-12, every activation × cost, shapes at and just
//! past the bound, several steps in a row, and a diverging step that changes nothing.

use nndl_backprop::small::{self, MAX_WIDTH};
use nndl_backprop::workspace::Workspace;
use nndl_backprop::{Activation, Cost, Example, Init, Network};

/// Deterministic numbers in [lo, hi).
fn numbers(n: usize, seed: u64, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}

fn data(sizes: &[usize], count: usize, seed: u64) -> Vec<Example> {
    (0..count)
        .map(|i| Example {
            x: numbers(sizes[0], seed + 2 * i as u64, -1.0, 1.0),
            y: numbers(sizes[sizes.len() - 1], seed + 2 * i as u64 + 1, 0.0, 1.0),
        })
        .collect()
}

/// Every weight and bias within 1e-12 (relative to the layer's largest, where that is > 1:
/// linear layers grow over several steps).
fn assert_same(a: &Network, b: &Network, what: &str) {
    for (i, (x, y)) in a.weights.iter().zip(&b.weights).enumerate() {
        let d = (x - y).amax();
        assert!(
            d <= 1e-12 * y.amax().max(1.0),
            "{what}: w^{} differs by {d}",
            i + 2
        );
    }
    for (i, (x, y)) in a.biases.iter().zip(&b.biases).enumerate() {
        let d = (x - y).amax();
        assert!(
            d <= 1e-12 * y.amax().max(1.0),
            "{what}: b^{} differs by {d}",
            i + 2
        );
    }
}

/// Shapes at the bound, around the paddings (1, 2, 3, 4, 5, 8, 9, 16) and just past it (17).
const SHAPES: [&[usize]; 9] = [
    &[2, 8, 8, 8, 1],
    &[1, 1],
    &[3, 5, 2],
    &[2, 4, 9, 3],
    &[16, 16, 16],
    &[16, 7, 16, 1],
    &[2, 16, 16, 16, 16, 16, 16, 1],
    &[2, 17, 1],
    &[17, 16, 17],
];

#[test]
fn the_small_path_gives_the_general_paths_network_for_every_activation_and_cost() {
    for (s, sizes) in SHAPES.iter().enumerate() {
        let small_shape = sizes.iter().all(|&n| n <= MAX_WIDTH);
        assert_eq!(small::fits(sizes), small_shape);
        for activation in Activation::ALL {
            for cost in Cost::ALL {
                let what = format!("{sizes:?} {activation} {cost}");
                let init =
                    Network::random(sizes, 3 + s as u64, activation, cost, Init::Scaled).unwrap();
                let examples = data(sizes, 37, 50 + s as u64);
                let (mut fast, mut general, mut slow) = (init.clone(), init.clone(), init.clone());
                let (mut ws_fast, mut ws_general) = (Workspace::new(), Workspace::new());
                // Batches of 10, 10, 3, 1 and 13 (the workspace resizes), with and without L2.
                let mut start = 0;
                for (step, m) in [10, 10, 3, 1, 13].into_iter().enumerate() {
                    let batch = &examples[start..start + m];
                    start += m;
                    // (A deep linear network needs a small η not to diverge.)
                    let eta = (0.1 + 0.05 * step as f64)
                        * if activation == Activation::Linear {
                            0.02
                        } else {
                            1.0
                        };
                    let lambda = 0.2 * (step % 2) as f64;
                    let c1 = ws_fast
                        .update_mini_batch(&mut fast, batch, eta, lambda, 40)
                        .expect(&what);
                    let c2 = small::with_general_path(|| {
                        assert!(!small::fits(sizes));
                        ws_general.update_mini_batch(&mut general, batch, eta, lambda, 40)
                    })
                    .expect(&what);
                    let c3 = slow
                        .update_mini_batch_per_example(batch, eta, lambda, 40)
                        .expect(&what);
                    assert!((c1 - c2).abs() <= 1e-12 * c2.abs().max(1.0), "{what}: cost");
                    assert!((c1 - c3).abs() <= 1e-12 * c3.abs().max(1.0), "{what}: cost");
                    assert_same(&fast, &general, &format!("{what}, step {step}"));
                    assert_same(&fast, &slow, &format!("{what}, step {step}, per example"));
                    if activation != Activation::Relu {
                        // (ReLU units may all be off for a batch: then nothing moves.)
                        assert_ne!(fast.weights, init.weights, "{what}: the step moved nothing");
                    }
                }
                // By indices into a data set, as the page's Play loop steps.
                let indices = [4, 0, 36, 5, 5, 17, 2];
                let c1 = ws_fast
                    .update_indices(&mut fast, &examples, &indices, 0.9, 0.0, 37)
                    .unwrap();
                let c2 = small::with_general_path(|| {
                    ws_general.update_indices(&mut general, &examples, &indices, 0.9, 0.0, 37)
                })
                .unwrap();
                assert!((c1 - c2).abs() <= 1e-12 * c2.abs().max(1.0), "{what}: cost");
                assert_same(&fast, &general, &format!("{what}, by indices"));
            }
        }
    }
}

/// One step on `net` by both paths; both refuse it, name the same fault and change nothing.
fn refused_alike(
    net: &Network,
    batch: &[Example],
    eta: f64,
    lambda: f64,
    good: &[Example],
    what: &str,
) {
    let mut fast = net.clone();
    let mut ws = Workspace::new();
    let err = ws
        .update_mini_batch(&mut fast, batch, eta, lambda, 1)
        .unwrap_err();
    assert!(err.diverged, "{what}: {err}");
    assert_eq!(&fast, net, "{what}: a refused step changed the network");
    let mut general = net.clone();
    let err2 = small::with_general_path(|| {
        Workspace::new().update_mini_batch(&mut general, batch, eta, lambda, 1)
    })
    .unwrap_err();
    assert!(err2.diverged);
    assert_eq!(&general, net);
    assert_eq!(err.message, err2.message, "{what}");
    // The same workspace then takes a good step, as the per-example path does.
    let mut want = net.clone();
    ws.update_mini_batch(&mut fast, good, 0.5, 0.0, 1).unwrap();
    want.update_mini_batch_per_example(good, 0.5, 0.0, 1)
        .unwrap();
    assert_same(&fast, &want, what);
}

#[test]
fn a_diverging_small_step_is_refused_as_the_general_path_refuses_it_and_changes_nothing() {
    for sizes in [&[2, 8, 8, 8, 1][..], &[3, 16, 5], &[1, 1], &[2, 5, 3]] {
        for activation in Activation::ALL {
            for cost in Cost::ALL {
                let what = format!("{sizes:?} {activation} {cost}");
                assert!(small::fits(sizes));
                let net = Network::random(sizes, 9, activation, cost, Init::Standard).unwrap();
                let batch = data(sizes, 10, 77);
                // (1 − ηλ/n) overflows: every new weight is non-finite.
                refused_alike(&net, &batch, 1e300, 1e300, &batch, &format!("{what}, λ"));
                // δ^L overflows (a target far from any output; only the quadratic cost takes
                // one): the cost is infinite.
                if cost == Cost::Quadratic {
                    let mut far = batch.clone();
                    far[3].y[0] = 1e300;
                    refused_alike(&net, &far, 1e300, 0.0, &batch, &format!("{what}, y"));
                }
                // Only one weight's update overflows: w^2_{j,1} for an input far larger than
                // the rest, the sum over the batch past the largest number.
                let mut big = batch.clone();
                for e in big.iter_mut() {
                    e.x[0] = 1e300;
                }
                let mut fast = net.clone();
                let mut general = net.clone();
                let r1 = Workspace::new().update_mini_batch(&mut fast, &big, 1e10, 0.0, 1);
                let r2 = small::with_general_path(|| {
                    Workspace::new().update_mini_batch(&mut general, &big, 1e10, 0.0, 1)
                });
                match (r1, r2) {
                    (Err(e1), Err(e2)) => {
                        assert_eq!(e1.message, e2.message, "{what}, x");
                        assert_eq!(fast, net);
                    }
                    (Ok(_), Ok(_)) => assert_same(&fast, &general, &format!("{what}, x")),
                    (r1, r2) => panic!("{what}, x: {r1:?} against {r2:?}"),
                }
            }
        }
    }
}
