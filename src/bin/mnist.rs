//! `mnist`: the book's chapter-1 experiment in the terminal. Trains [784, hidden, 10] on the
//! 8,000 training digits of www/data/mnist.bin and prints network.py's line after every
//! epoch, "Epoch 0: 1133 / 2000", counted on the 2,000 test digits (the page's split).
//!
//!   cargo run --release --bin mnist -- --epochs 30 --hidden 30 --eta 3 --batch 10 --seed 0
//!
//! Arguments are parsed by hand (no dependency for a dozen flags).

use nndl_backprop::mnist::trainer::{Settings, Trainer};
use nndl_backprop::mnist::Digits;
use nndl_backprop::Init;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: mnist [--epochs N] [--hidden N] [--eta X] [--batch M] [--seed S]
             [--cost quadratic|crossEntropy] [--init standard|scaled] [--lambda X]
             [--data FILE]

Trains the book's [784, hidden, 10] sigmoid network with mini-batch SGD on the 8,000
training digits of FILE and prints 'Epoch e: correct / 2000' on the test digits after
every epoch. Defaults: --epochs 30 --hidden 30 --eta 3 --batch 10 --seed 0
--cost quadratic --init standard --lambda 0 --data www/data/mnist.bin
(build the data with scripts/build.sh or node scripts/mnist-to-bin.mjs).";

struct Args {
    epochs: usize,
    settings: Settings,
    data: String,
}

fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let mut out = Args {
        epochs: 30,
        settings: Settings::default(),
        data: "www/data/mnist.bin".into(),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let s = &mut out.settings;
        match flag.as_str() {
            "--epochs" => out.epochs = number(flag, value)?,
            "--hidden" => s.hidden = number(flag, value)?,
            "--eta" => s.eta = number(flag, value)?,
            "--batch" => s.mini_batch_size = number(flag, value)?,
            "--seed" => s.seed = number(flag, value)?,
            "--lambda" => s.lambda = number(flag, value)?,
            "--cost" => s.cost = value.parse()?,
            "--init" => s.init = value.parse()?,
            "--data" => out.data = value.clone(),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(Some(out))
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| {
        format!(
            "{flag} needs a {}, got {value:?}",
            match std::any::type_name::<T>() {
                "f64" => "number",
                _ => "whole number >= 0",
            }
        )
    })
}

fn run(args: Args) -> Result<(), String> {
    let bytes = std::fs::read(&args.data).map_err(|e| {
        format!(
            "cannot read {}: {e} (build it with scripts/build.sh or node scripts/mnist-to-bin.mjs)",
            args.data
        )
    })?;
    let digits = Digits::parse(&bytes).map_err(|e| format!("{}: {e}", args.data))?;
    let s = args.settings;
    let mut trainer = Trainer::new(digits, s).map_err(|e| e.to_string())?;
    let split = trainer.split();
    println!(
        "{} training / {} test digits from {}; network {:?}, sigmoid, {} cost, {} init, \
         eta = {}, m = {}, lambda = {}, seed {}",
        split.train.len(),
        split.test.len(),
        args.data,
        s.sizes(),
        s.cost,
        match s.init {
            Init::Standard => "standard",
            Init::Scaled => "scaled",
        },
        s.eta,
        s.mini_batch_size,
        s.lambda,
        s.seed
    );
    let start = Instant::now();
    let mut best = (0, 0);
    for e in 0..args.epochs {
        let t = Instant::now();
        trainer
            .finish_epoch()
            .map_err(|err| format!("epoch {e}: {err}"))?;
        let ev = trainer.evaluate();
        best = best.max((ev.correct, e));
        println!(
            "{}  [{:.2} s]",
            trainer.epoch_line(&ev),
            t.elapsed().as_secs_f64()
        );
    }
    if args.epochs > 0 {
        let total = trainer.split().test.len();
        println!(
            "best: {} / {total} ({:.2}%) after epoch {}; {:.1} s in all",
            best.0,
            100.0 * best.0 as f64 / total as f64,
            best.1,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match parse_args(&args) {
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Some(args)) => run(args),
        Err(e) => Err(format!("{e} (see mnist --help)")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mnist: {e}");
            ExitCode::FAILURE
        }
    }
}
