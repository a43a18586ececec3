//! Generated bad input against the native API and the JSON import (proptest): 100,000 cases
//! in all. Nothing may panic; a refused call leaves the network exactly as it was, and an
//! accepted one leaves it finite.

use nndl_backprop::data::{self, Kind};
use nndl_backprop::heatmap::{self, Bounds};
use nndl_backprop::json::NetworkJson;
use nndl_backprop::network::first_non_finite;
use nndl_backprop::{gradcheck, Activation, Cost, Example, Init, Network};
use proptest::prelude::*;

/// Numbers a hostile caller might send: ordinary, huge, tiny, signed zero, NaN, ±∞.
fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => -3.0..3.0f64,
        1 => prop::num::f64::ANY,
        1 => Just(f64::NAN),
        1 => prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(1e308), Just(-0.0), Just(5e-324)],
    ]
}

fn vector(max: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(any_number(), 0..max)
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("sigmoid".to_string()),
        Just("tanh".to_string()),
        Just("relu".to_string()),
        Just("linear".to_string()),
        Just("quadratic".to_string()),
        Just("crossEntropy".to_string()),
        ".{0,12}",
    ]
}

fn network_json() -> impl Strategy<Value = NetworkJson> {
    (
        prop::collection::vec(0usize..6, 0..5),
        prop::collection::vec(prop::collection::vec(vector(6), 0..6), 0..5),
        prop::collection::vec(vector(6), 0..5),
        name(),
        name(),
    )
        .prop_map(|(sizes, weights, biases, activation, cost)| NetworkJson {
            sizes,
            weights,
            biases,
            activation,
            cost,
        })
}

fn fixed_network(cost: Cost) -> Network {
    Network::random(&[3, 4, 2], 1, Activation::Sigmoid, cost, Init::Standard).unwrap()
}

fn assert_finite(net: &Network) {
    assert_eq!(first_non_finite(&net.weights, &net.biases), None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 25_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_text_imports_or_is_refused_without_a_panic(text in prop_oneof![
        ".{0,80}",
        // Near misses of a valid file: truncated, or with a token replaced.
        (0usize..160, ".{0,6}").prop_map(|(cut, junk)| {
            let valid = r#"{"sizes":[2,2,1],"weights":[[[1,2],[3,4]],[[5,6]]],"biases":[[0,0],[1]],"activation":"sigmoid","cost":"quadratic"}"#;
            let cut = cut.min(valid.len());
            format!("{}{}{}", &valid[..cut], junk, &valid[cut..(cut + 3).min(valid.len())])
        }),
    ]) {
        if let Ok(net) = NetworkJson::parse(&text) {
            assert_finite(&net);
            prop_assert!(net.forward(&vec![0.0; net.sizes[0]]).is_ok());
        }
    }

    #[test]
    fn any_network_object_builds_a_valid_network_or_is_refused(json in network_json()) {
        match json.to_network() {
            Ok(net) => {
                assert_finite(&net);
                let x = vec![0.5; net.sizes[0]];
                let y = vec![0.5; *net.sizes.last().unwrap()];
                prop_assert!(net.backprop(&x, &y).is_ok());
                prop_assert_eq!(NetworkJson::from(&net), json);
            }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }

    #[test]
    fn any_step_is_taken_or_refused_and_refusal_changes_nothing(
        batch in prop::collection::vec((vector(5), vector(4)), 0..6),
        eta in any_number(),
        lambda in any_number(),
        n in 0usize..50,
        cross_entropy in any::<bool>(),
    ) {
        let mut net = fixed_network(if cross_entropy { Cost::CrossEntropy } else { Cost::Quadratic });
        let before = net.clone();
        let batch: Vec<Example> = batch.into_iter().map(|(x, y)| Example { x, y }).collect();
        match net.update_mini_batch(&batch, eta, lambda, n) {
            Ok(cost) => {
                prop_assert!(cost.is_finite());
                assert_finite(&net);
            }
            Err(e) => {
                prop_assert!(!e.message.is_empty());
                prop_assert_eq!(&net, &before);
            }
        }
    }

    #[test]
    fn any_query_answers_or_is_refused(
        x in vector(5),
        y in vector(4),
        res in 0usize..300,
        bounds in (any_number(), any_number(), any_number(), any_number()),
        kind in 0usize..4,
        points in 0usize..12_000,
        noise in any_number(),
        share in any_number(),
    ) {
        let net = fixed_network(Cost::Quadratic);
        let _ = net.forward(&x);
        let _ = net.backprop(&x, &y);
        if res < 40 {
            let _ = gradcheck::check(&net, &x, &y, 1e-5);
        }
        let plane = Network::random(&[2, 3, 1], 0, Activation::Tanh, Cost::Quadratic, Init::Scaled).unwrap();
        let b = Bounds { x_min: bounds.0, x_max: bounds.1, y_min: bounds.2, y_max: bounds.3 };
        let res = res.min(64);
        if let Ok(grid) = heatmap::grid(&plane, res, b) {
            prop_assert_eq!(grid.len(), 4 * res * res);
            prop_assert!(grid.iter().all(|v| v.is_finite()));
        }
        let kind = [Kind::Xor, Kind::Circle, Kind::Gaussians, Kind::Spiral][kind];
        if let Ok(split) = data::generate(kind, points.min(3000), noise, share, 1) {
            prop_assert_eq!(split.train.len() + split.test.len(), points.min(3000));
        }
    }
}
