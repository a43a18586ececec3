//! `kernels::all_finite`, which checks every example of a batch (natively four numbers per
//! multiply-add with AVX2): any infinity or NaN anywhere, in any length, is found; finite
//! numbers of any size are not refused.

use nndl_backprop::kernels::all_finite;

#[test]
fn every_non_finite_number_is_found_wherever_it_is() {
    for len in (0..=40).chain([783, 784, 785]) {
        let v: Vec<f64> = (0..len)
            .map(|i| match i % 5 {
                0 => 1e308,
                1 => -1e308,
                2 => 0.0,
                3 => -5e-324,
                _ => i as f64 * 0.37,
            })
            .collect();
        assert!(all_finite(&v), "{len} finite numbers");
        for at in 0..len {
            for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
                let mut w = v.clone();
                w[at] = bad;
                assert!(!all_finite(&w), "{bad} at {at} of {len}");
            }
        }
    }
}
