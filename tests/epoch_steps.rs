//! `train::sgd_epoch` on wide first layers ([784,30,10] among them, where the native BP4
//! runs in tiles and eq. 25 in chunks of the inputs) gives the same network, bit for bit, as
//! stepping the same mini-batches one at a time with `update_mini_batch`: for every
//! activation (and cross-entropy with σ), with and without weight decay, with a shorter last
//! batch, two epochs in one workspace, and when an update in the middle of the epoch
//! diverges (the epoch stops there and the network is the one after the steps before it).
//! (A fused pass that computed the next batch's z^2 inside BP4 was tried against this test
//! and measured; see BENCHMARKS.md.)

use nndl_backprop::train::{mini_batches, sgd_epoch, shuffled_order, EpochRun};
use nndl_backprop::workspace::Workspace;
use nndl_backprop::{Activation, Cost, Example, Init, Network};

fn data(count: usize, n_in: usize, n_out: usize) -> Vec<Example> {
    (0..count)
        .map(|i| Example {
            x: (0..n_in)
                .map(|k| ((i * 31 + k * 7) % 97) as f64 / 97.0)
                .collect(),
            y: (0..n_out)
                .map(|j| if j == i % n_out { 1.0 } else { 0.0 })
                .collect(),
        })
        .collect()
}

/// The epoch's mini-batches stepped one by one; the costs, or the first error.
fn one_by_one(net: &mut Network, data: &[Example], run: EpochRun) -> Result<Vec<f64>, String> {
    let order = shuffled_order(data.len(), run.seed, run.epoch);
    let mut costs = Vec::new();
    for indices in mini_batches(&order, run.mini_batch_size) {
        let batch: Vec<Example> = indices.iter().map(|&i| data[i].clone()).collect();
        match net.update_mini_batch(&batch, run.eta, run.lambda, run.n) {
            Ok(c) => costs.push(c),
            Err(e) => return Err(e.message),
        }
    }
    Ok(costs)
}

#[test]
fn a_fused_epoch_is_the_mini_batches_stepped_one_by_one() {
    let acts = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::Linear,
    ];
    for (sizes, count, m) in [
        (vec![100, 12, 5], 47, 10),
        (vec![784, 30, 10], 35, 10),
        (vec![70, 9, 6, 3], 20, 4),
    ] {
        let data = data(count, sizes[0], sizes[sizes.len() - 1]);
        for act in acts {
            // Cross-entropy wants outputs in (0, 1): with σ only.
            let costs = if act == Activation::Sigmoid {
                vec![Cost::Quadratic, Cost::CrossEntropy]
            } else {
                vec![Cost::Quadratic]
            };
            for cost in costs {
                for lambda in [0.0, 0.3] {
                    let start = Network::random(&sizes, 5, act, cost, Init::Scaled).unwrap();
                    let run = EpochRun {
                        mini_batch_size: m,
                        eta: 0.05,
                        lambda,
                        n: count,
                        seed: 11,
                        epoch: 2,
                    };
                    let mut ws = Workspace::new();
                    let mut fast = start.clone();
                    // Two epochs in the same workspace: nothing carries over between calls.
                    let what = format!("{sizes:?} {act:?} {cost:?} λ = {lambda}");
                    let fused = sgd_epoch(&mut ws, &mut fast, &data, run);
                    let mut slow = start.clone();
                    let stepped = one_by_one(&mut slow, &data, run);
                    let (Ok((steps, mean)), Ok(costs)) = (&fused, &stepped) else {
                        panic!("{what}: {fused:?} {stepped:?}");
                    };
                    let (steps, mean) = (*steps, *mean);
                    assert_eq!(steps, count.div_ceil(m), "{what}");
                    assert!(fast == slow, "{what}: the networks differ");
                    assert_eq!(
                        mean,
                        costs.iter().sum::<f64>() / costs.len() as f64,
                        "{what}"
                    );
                    // A second epoch in the same workspace (it may diverge with a linear or
                    // ReLU net: then both stop at the same step, the networks equal).
                    let run2 = EpochRun { epoch: 3, ..run };
                    let fused = sgd_epoch(&mut ws, &mut fast, &data, run2);
                    let stepped = one_by_one(&mut slow, &data, run2);
                    assert_eq!(fused.is_ok(), stepped.is_ok(), "{what}, second epoch");
                    assert!(fast == slow, "{what}, second epoch: the networks differ");
                    if matches!(act, Activation::Sigmoid | Activation::Tanh) {
                        assert!(fast != start, "{what}: the network did not change");
                    }
                }
            }
        }
    }
}

#[test]
fn a_fused_epoch_that_diverges_midway_keeps_the_steps_before_it() {
    let sizes = [100, 12, 5];
    let (count, m) = (50, 10);
    let run = EpochRun {
        mini_batch_size: m,
        eta: 0.5,
        lambda: 0.1,
        n: count,
        seed: 3,
        epoch: 0,
    };
    let order = shuffled_order(count, run.seed, run.epoch);
    // One example with huge (finite) inputs, in the third mini-batch: its step overflows.
    let mut data = data(count, sizes[0], sizes[2]);
    data[order[2 * m + 4]].x = vec![1e200; sizes[0]];
    let start = Network::random(
        &sizes,
        1,
        Activation::Linear,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let mut fast = start.clone();
    let err = sgd_epoch(&mut Workspace::new(), &mut fast, &data, run).unwrap_err();
    assert!(err.diverged, "{}", err.message);
    // The two steps before it were made, the third changed nothing.
    let mut slow = start.clone();
    for indices in mini_batches(&order, m).into_iter().take(2) {
        let batch: Vec<Example> = indices.iter().map(|&i| data[i].clone()).collect();
        slow.update_mini_batch(&batch, run.eta, run.lambda, run.n)
            .unwrap();
    }
    assert!(fast == slow, "the networks differ");
    assert!(fast != start, "the two steps before it were not made");
    assert!(one_by_one(&mut start.clone(), &data, run).is_err());
}
