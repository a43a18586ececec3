//! Training throughput of the core, natively: examples per second for SGD steps with m = 10
//! and for forward passes, on the book's [784, 30, 10] and the playground's [2, 8, 8, 8, 1].
//!
//! The per-example path (network.py's loop) runs in the same run as the baseline, so the
//! ratio is measured on the same machine at the same moment. Run: `cargo bench --bench core`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use nndl_backprop::train::{sgd_epoch, EpochRun};
use nndl_backprop::workspace::Workspace;
use nndl_backprop::{Activation, Cost, Example, Init, Network};
use std::hint::black_box;

const M: usize = 10;

fn examples(sizes: &[usize], count: usize) -> Vec<Example> {
    let n_in = sizes[0];
    let n_out = sizes[sizes.len() - 1];
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

fn bench_shape(c: &mut Criterion, label: &str, sizes: &[usize]) {
    let net = Network::random(
        sizes,
        0,
        Activation::Sigmoid,
        Cost::Quadratic,
        Init::Standard,
    )
    .unwrap();
    let data = examples(sizes, 1000);
    let batches: Vec<&[Example]> = data.chunks(M).collect();
    let mut group = c.benchmark_group(label);
    group.throughput(Throughput::Elements(data.len() as u64));
    group.bench_function("sgd m=10, batch matrices in a workspace", |b| {
        let mut ws = Workspace::new();
        b.iter_batched_ref(
            || net.clone(),
            |net| {
                for batch in &batches {
                    black_box(
                        ws.update_mini_batch(net, batch, 0.1, 0.0, data.len())
                            .unwrap(),
                    );
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("sgd m=10, a shuffled epoch in one call (sgd_epoch)", |b| {
        let mut ws = Workspace::new();
        let mut epoch = 0;
        b.iter_batched_ref(
            || net.clone(),
            |net| {
                epoch += 1;
                let run = EpochRun {
                    mini_batch_size: M,
                    eta: 0.1,
                    lambda: 0.0,
                    n: data.len(),
                    seed: 0,
                    epoch,
                };
                black_box(sgd_epoch(&mut ws, net, &data, run).unwrap());
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("sgd m=10, per example (baseline)", |b| {
        b.iter_batched_ref(
            || net.clone(),
            |net| {
                for batch in &batches {
                    black_box(
                        net.update_mini_batch_per_example(batch, 0.1, 0.0, data.len())
                            .unwrap(),
                    );
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("forward, one at a time", |b| {
        b.iter(|| {
            for e in &data {
                black_box(net.feedforward(&e.x).unwrap());
            }
        })
    });
    group.finish();
}

fn core(c: &mut Criterion) {
    bench_shape(c, "[784,30,10]", &[784, 30, 10]);
    bench_shape(c, "[2,8,8,8,1]", &[2, 8, 8, 8, 1]);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = core
}
criterion_main!(benches);
