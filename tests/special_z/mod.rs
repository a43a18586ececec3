//! The values of z where σ and tanh have edges, shared by the native buffer tests
//! (`tests/batch_loading.rs`) and the wasm ones (`tests/wasm.rs`).

/// Values where σ and tanh have edges: signs, zeros, the exp's cut-off, overflow of e^{|z|},
/// subnormals, non-finite numbers, and ordinary values between them.
pub fn special_values() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff8_0000_0000_1234),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-300,
        -1e-300,
        1e-17,
        -1e-17,
        354.0,
        -354.0,
        354.5,
        -354.5,
        708.0,
        -708.0,
        708.0000000000001,
        -708.0000000000001,
        709.8,
        -709.8,
        745.2,
        -745.2,
        1e300,
        -1e300,
        0.5,
        -0.5,
        std::f64::consts::LN_2 / 2.0,
        -std::f64::consts::LN_2 / 2.0,
        19.0,
        -19.0,
        36.8,
        -36.8,
    ];
    v.extend([708.5, -708.5]);
    v.extend((-300..300).map(|i| i as f64 * 0.0731));
    v.extend((-3000..3000).map(|i| i as f64 * 0.0231));
    v.extend((-50..50).map(|i| i as f64 * 1e-9));
    v
}
