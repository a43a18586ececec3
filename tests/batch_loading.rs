//! The native fast path's per-buffer kernels against their scalar definitions, and the
//! batch's one-pass copy-and-check against the checks that name a fault:
//!
//! - σ and tanh over a buffer (four at a time with AVX2 natively) give the scalar functions'
//!   bits for every value, special ones included (NaN, ±∞, ±0, subnormals, the exp's cut-off
//!   at −708, huge and tiny z), at every position of a vector and in buffers of awkward
//!   lengths (the last few values go one at a time);
//! - a non-finite input anywhere in a batch (the copy checks x as it copies it, 16 numbers a
//!   turn with a scalar tail) gets exactly the error the full checks give, from
//!   `update_mini_batch` and from `update_indices`, and leaves the network unchanged; the
//!   workspace then steps as a fresh one does.

use nndl_backprop::activation::{sigmoid, sigmoid_in_place, tanh, tanh_in_place};
use nndl_backprop::workspace::Workspace;
use nndl_backprop::{Activation, Cost, Example, Init, Network};

mod special_z;

fn check_buffer(name: &str, in_place: fn(&mut [f64]), scalar: fn(f64) -> f64) {
    let values = special_z::special_values();
    // Every value at every lane of a vector: shifted copies of the list.
    for shift in 0..4 {
        let zs: Vec<f64> = values[shift..].to_vec();
        for len in (0..=13).chain([zs.len() - 1, zs.len()]) {
            let mut v = zs[..len].to_vec();
            in_place(&mut v);
            for (got, &z) in v.iter().zip(&zs) {
                assert_eq!(
                    got.to_bits(),
                    scalar(z).to_bits(),
                    "{name}({z:e}) over a buffer of {len}: {got:e}, one at a time {:e}",
                    scalar(z)
                );
            }
        }
    }
}

#[test]
fn sigmoid_over_a_buffer_is_the_scalar_sigmoid_bit_for_bit_special_values_included() {
    check_buffer("σ", sigmoid_in_place, sigmoid);
}

#[test]
fn tanh_over_a_buffer_is_the_scalar_tanh_bit_for_bit_special_values_included() {
    check_buffer("tanh", tanh_in_place, tanh);
}

fn data(count: usize, n_in: usize, n_out: usize) -> Vec<Example> {
    (0..count)
        .map(|i| Example {
            x: (0..n_in)
                .map(|k| ((i * 31 + k * 7) % 97) as f64 / 97.0 - 0.3)
                .collect(),
            y: (0..n_out)
                .map(|j| if j == i % n_out { 1.0 } else { 0.0 })
                .collect(),
        })
        .collect()
}

fn same_bits(a: &Network, b: &Network) -> bool {
    let w = a.weights.iter().zip(&b.weights);
    let b_ = a.biases.iter().zip(&b.biases);
    w.clone().all(|(p, q)| {
        p.iter()
            .zip(q.iter())
            .all(|(x, y)| x.to_bits() == y.to_bits())
    }) && b_.clone().all(|(p, q)| {
        p.iter()
            .zip(q.iter())
            .all(|(x, y)| x.to_bits() == y.to_bits())
    }) && w.len() == b.weights.len()
}

#[test]
fn a_non_finite_input_anywhere_gets_the_full_checks_error_and_changes_nothing() {
    // 787 inputs: 49 turns of 16 and a tail of 3; 21: one turn and a tail of 5.
    for (n_in, positions) in [
        (787, vec![0, 1, 3, 4, 15, 16, 17, 400, 783, 784, 785, 786]),
        (21, vec![0, 5, 15, 16, 20]),
    ] {
        let net = Network::random(
            &[n_in, 7, 3],
            5,
            Activation::Sigmoid,
            Cost::Quadratic,
            Init::Standard,
        )
        .unwrap();
        let good = data(12, n_in, 3);
        let mut ws = Workspace::new();
        for example in [0, 4, 9] {
            for &k in &positions {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut batch = good[..10].to_vec();
                    batch[example].x[k] = bad;
                    let want = net
                        .check_step(&batch, 0.5, 0.1, 100)
                        .expect_err("the full checks refuse it")
                        .message;
                    let mut stepped = net.clone();
                    let got = ws
                        .update_mini_batch(&mut stepped, &batch, 0.5, 0.1, 100)
                        .expect_err("the step refuses it")
                        .message;
                    assert_eq!(got, want, "{bad} at x[{k}] of example {example}");
                    assert!(
                        same_bits(&stepped, &net),
                        "a refused batch changed the network"
                    );

                    // The same batch picked from a data set by indices: named by its index.
                    let mut set = good.clone();
                    set[example + 2].x[k] = bad;
                    let indices: Vec<usize> = (2..12).collect();
                    let got = ws
                        .update_indices(&mut stepped, &set, &indices, 0.5, 0.1, 100)
                        .expect_err("the step refuses it")
                        .message;
                    let i = example + 2;
                    assert_eq!(
                        got,
                        format!(
                            "example {i}'s x[{k}] must be a finite number, got {}",
                            nndl_backprop::Num(bad)
                        ),
                    );
                    assert!(
                        same_bits(&stepped, &net),
                        "a refused batch changed the network"
                    );
                }
            }
        }
        // After all those refusals the workspace steps exactly as a fresh one.
        let (mut a, mut b) = (net.clone(), net.clone());
        let ca = ws
            .update_mini_batch(&mut a, &good[..10], 0.5, 0.1, 100)
            .unwrap();
        let cb = Workspace::new()
            .update_mini_batch(&mut b, &good[..10], 0.5, 0.1, 100)
            .unwrap();
        assert_eq!(ca.to_bits(), cb.to_bits());
        assert!(same_bits(&a, &b));
        assert!(!same_bits(&a, &net), "the good step changed the network");
    }
}

#[test]
fn an_index_out_of_range_is_named_before_a_later_bad_example_and_after_an_earlier_one() {
    let net = Network::random(
        &[40, 5, 2],
        1,
        Activation::Tanh,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let mut set = data(6, 40, 2);
    set[3].x[33] = f64::NAN;
    let mut ws = Workspace::new();
    let mut stepped = net.clone();
    let err = |ws: &mut Workspace, stepped: &mut Network, indices: &[usize]| {
        ws.update_indices(stepped, &set, indices, 0.1, 0.0, 6)
            .expect_err("refused")
            .message
    };
    assert_eq!(
        err(&mut ws, &mut stepped, &[0, 9, 3]),
        "indices[1] must be below the data set's size 6, got 9"
    );
    assert_eq!(
        err(&mut ws, &mut stepped, &[0, 3, 9]),
        "example 3's x[33] must be a finite number, got NaN"
    );
    assert!(same_bits(&stepped, &net));
}
