//! The neuron's activation function σ and its derivative σ′.
//!
//! The book uses the sigmoid throughout chapter 2; tanh, ReLU and linear are here so a learner
//! can compare. Each is applied element-wise to a weighted input z (eq. 25: a = σ(z)).

use std::fmt;
use std::str::FromStr;

/// An element-wise activation function, as named in the JS API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// σ(z) = 1 / (1 + e^{−z}), the book's sigmoid (eq. 3).
    Sigmoid,
    /// tanh(z).
    Tanh,
    /// max(0, z).
    Relu,
    /// The identity.
    Linear,
}

impl Activation {
    /// All activations, in the order the UI lists them.
    pub const ALL: [Activation; 4] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::Linear,
    ];

    /// σ(z).
    #[inline]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => tanh(z),
            Activation::Relu => z.max(0.0),
            Activation::Linear => z,
        }
    }

    /// σ′(z), the derivative that BP1 and BP2 multiply by.
    #[inline]
    pub fn prime(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => {
                let s = sigmoid(z);
                s * (1.0 - s)
            }
            Activation::Tanh => {
                let t = tanh(z);
                1.0 - t * t
            }
            // At z = 0 ReLU has no derivative; we take the right-hand one, 0, like most libraries.
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Linear => 1.0,
        }
    }

    /// The name the JS API and the JSON format use.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Linear => "linear",
        }
    }
}

/// The sigmoid σ(z) = 1 / (1 + e^{−z}), written to stay finite for any finite z: with
/// e = e^{−|z|} ≤ 1 it is 1/(1 + e) for z ≥ 0 and e/(1 + e) below, and never overflows.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    let e = exp_non_positive(-z.abs());
    let s = 1.0 / (1.0 + e);
    if z >= 0.0 {
        s
    } else {
        e * s
    }
}

/// σ(z) for every z of a buffer, in place: the same numbers as `sigmoid` one at a time, bit
/// for bit. In wasm two at a time in simd128 (the compiler keeps the plain loop scalar there,
/// ≈ 48 x86 instructions a value in V8); natively four at a time with AVX2 when the CPU has
/// it (`quads`: the compiler kept the plain loop scalar even in an AVX2 build, `vdivsd` and
/// all), the plain loop otherwise and for the last few.
pub fn sigmoid_in_place(v: &mut [f64]) {
    #[cfg(target_arch = "wasm32")]
    let v = pairs::each_pair(v, pairs::sigmoid);
    #[cfg(target_arch = "x86_64")]
    let v = quads::sigmoid_in_place(v);
    v.iter_mut().for_each(|z| *z = sigmoid(*z));
}

/// `exp_clamped` over a buffer, in place, bit for bit: the heatmap's exps. In wasm two at a
/// time in simd128 (LLVM had vectorised the heatmap's own loop with its lanes crossed, each
/// pair of values gathered from two vectors and scattered back: a shuffle for every load and
/// store).
pub fn exp_clamped_in_place(v: &mut [f64]) {
    #[cfg(target_arch = "wasm32")]
    let v = pairs::each_pair(v, pairs::exp_clamped);
    v.iter_mut().for_each(|u| *u = exp_clamped(*u));
}

/// tanh z for every z of a buffer, in place: the same numbers as `tanh` one at a time, bit for
/// bit (in wasm two at a time, natively four with AVX2, as `sigmoid_in_place`).
pub fn tanh_in_place(v: &mut [f64]) {
    #[cfg(target_arch = "wasm32")]
    let v = pairs::each_pair(v, pairs::tanh);
    #[cfg(target_arch = "x86_64")]
    let v = quads::tanh_in_place(v);
    v.iter_mut().for_each(|z| *z = tanh(*z));
}

/// σ, tanh and their exp on four values at once with AVX2: the scalar functions' operations
/// one for one, each rounded alone (no fused multiply-add: the scalar code has none, Rust
/// never contracts a·b + c), so the same bits, NaN, ±0, ±∞ and the tiny cut-off included.
#[cfg(target_arch = "x86_64")]
mod quads {
    use std::arch::x86_64::*;

    /// σ over every whole four of `v` when the CPU has AVX2; returns what is left (all of `v`
    /// without AVX2, or when it is shorter than a vector).
    pub fn sigmoid_in_place(v: &mut [f64]) -> &mut [f64] {
        if v.len() < 4 || !std::arch::is_x86_feature_detected!("avx2") {
            return v;
        }
        // SAFETY: the CPU has just been checked for AVX2, the only feature it is built with.
        unsafe { sigmoid_quads(v) }
    }

    /// tanh over every whole four, as `sigmoid_in_place`.
    pub fn tanh_in_place(v: &mut [f64]) -> &mut [f64] {
        if v.len() < 4 || !std::arch::is_x86_feature_detected!("avx2") {
            return v;
        }
        // SAFETY: as in `sigmoid_in_place`.
        unsafe { tanh_quads(v) }
    }

    #[target_feature(enable = "avx2")]
    unsafe fn sigmoid_quads(v: &mut [f64]) -> &mut [f64] {
        let (quads, rest) = v.as_chunks_mut::<4>();
        for q in quads {
            let p = q.as_mut_ptr();
            // SAFETY: `p` points at four f64 of `v`, borrowed exclusively; unaligned access.
            _mm256_storeu_pd(p, sigmoid(_mm256_loadu_pd(p)));
        }
        rest
    }

    #[target_feature(enable = "avx2")]
    unsafe fn tanh_quads(v: &mut [f64]) -> &mut [f64] {
        let (quads, rest) = v.as_chunks_mut::<4>();
        for q in quads {
            let p = q.as_mut_ptr();
            // SAFETY: as in `sigmoid_quads`.
            _mm256_storeu_pd(p, tanh(_mm256_loadu_pd(p)));
        }
        rest
    }

    /// The sign bit of each lane.
    #[inline(always)]
    unsafe fn sign() -> __m256d {
        _mm256_set1_pd(-0.0)
    }

    /// `super::sigmoid` of each lane.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn sigmoid(z: __m256d) -> __m256d {
        // −|z|: the sign bit set.
        let e = exp_non_positive(_mm256_or_pd(z, sign()));
        let one = _mm256_set1_pd(1.0);
        let s = _mm256_div_pd(one, _mm256_add_pd(one, e));
        // z ≥ 0 (ordered: false for NaN, as in the scalar code) picks s, else e·s.
        let non_negative = _mm256_cmp_pd::<_CMP_GE_OQ>(z, _mm256_setzero_pd());
        _mm256_blendv_pd(_mm256_mul_pd(e, s), s, non_negative)
    }

    /// `super::tanh` of each lane.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn tanh(z: __m256d) -> __m256d {
        let abs = _mm256_andnot_pd(sign(), z);
        let e = exp_non_positive(_mm256_mul_pd(_mm256_set1_pd(-2.0), abs));
        let one = _mm256_set1_pd(1.0);
        let t = _mm256_div_pd(_mm256_sub_pd(one, e), _mm256_add_pd(one, e));
        // copysign(t, z), then z itself where z is NaN.
        let t = _mm256_or_pd(_mm256_andnot_pd(sign(), t), _mm256_and_pd(sign(), z));
        _mm256_blendv_pd(t, z, _mm256_cmp_pd::<_CMP_UNORD_Q>(z, z))
    }

    /// `super::exp_taylor` of each lane, the same operations in the same order.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn exp_taylor(r: __m256d) -> __m256d {
        let c = |i: usize| _mm256_set1_pd(super::TAYLOR[i]);
        let pair = |i: usize| _mm256_add_pd(c(i), _mm256_mul_pd(c(i + 1), r));
        let r2 = _mm256_mul_pd(r, r);
        let r4 = _mm256_mul_pd(r2, r2);
        let r8 = _mm256_mul_pd(r4, r4);
        let q0 = _mm256_add_pd(pair(0), _mm256_mul_pd(pair(2), r2));
        let q1 = _mm256_add_pd(pair(4), _mm256_mul_pd(pair(6), r2));
        let q2 = _mm256_add_pd(pair(8), _mm256_mul_pd(pair(10), r2));
        let low = _mm256_add_pd(q0, _mm256_mul_pd(q1, r4));
        let high = _mm256_add_pd(q2, _mm256_mul_pd(c(12), r4));
        _mm256_add_pd(low, _mm256_mul_pd(high, r8))
    }

    /// `super::exp_non_positive` of each lane.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn exp_non_positive(x: __m256d) -> __m256d {
        use super::{LN2_HI, LN2_LO, ROUNDER};
        let floor = _mm256_set1_pd(-708.0);
        let tiny = _mm256_cmp_pd::<_CMP_LT_OQ>(x, floor);
        // f64::max(x, −708): maxpd gives its second operand when either is NaN, so a NaN x
        // gives −708 as f64::max does.
        let x = _mm256_max_pd(x, floor);
        let rounder = _mm256_set1_pd(ROUNDER);
        let shifted = _mm256_add_pd(
            _mm256_mul_pd(x, _mm256_set1_pd(std::f64::consts::LOG2_E)),
            rounder,
        );
        let n = _mm256_sub_pd(shifted, rounder);
        let n_int = _mm256_sub_epi64(_mm256_castpd_si256(shifted), _mm256_castpd_si256(rounder));
        let r = _mm256_sub_pd(
            _mm256_sub_pd(x, _mm256_mul_pd(n, _mm256_set1_pd(LN2_HI))),
            _mm256_mul_pd(n, _mm256_set1_pd(LN2_LO)),
        );
        let p = exp_taylor(r);
        let scale = _mm256_slli_epi64::<52>(_mm256_add_epi64(n_int, _mm256_set1_epi64x(1023)));
        _mm256_andnot_pd(tiny, _mm256_mul_pd(p, _mm256_castsi256_pd(scale)))
    }
}

/// σ, tanh and their exp on two values at once in simd128: the scalar functions' operations
/// one for one (wasm has no fused multiply-add and rounds every operation alike), so the same
/// bits, NaN included.
#[cfg(target_arch = "wasm32")]
mod pairs {
    use core::arch::wasm32::*;

    /// Every number σ and tanh need, each in both lanes, read from memory. Written as
    /// constants in the loop, V8 (14.6, as in Chromium) rebuilt each one at every use — a
    /// 64-bit move into a general register, a move into a vector register and a shuffle — so
    /// about half of σ's ≈ 125 x86 instructions a pair were the ≈ 20 constants. Read through
    /// `black_box` the compiler cannot fold them back into constants; V8 then keeps them in
    /// registers or reads them from the stack, one instruction a use.
    #[repr(C, align(16))]
    pub struct Consts {
        taylor: [v128; 13],
        log2_e: v128,
        ln2_hi: v128,
        ln2_lo: v128,
        rounder: v128,
        floor: v128,
        /// +708, the heatmap's other bound (`exp_clamped`).
        ceiling: v128,
        bias: v128,
        one: v128,
        minus_two: v128,
        minus_zero: v128,
        zero: v128,
    }

    const fn both(x: f64) -> v128 {
        f64x2(x, x)
    }

    static CONSTS: Consts = Consts {
        taylor: {
            let mut t = [both(0.0); 13];
            let mut i = 0;
            while i < 13 {
                t[i] = both(super::TAYLOR[i]);
                i += 1;
            }
            t
        },
        log2_e: both(std::f64::consts::LOG2_E),
        ln2_hi: both(super::LN2_HI),
        ln2_lo: both(super::LN2_LO),
        rounder: both(super::ROUNDER),
        floor: both(-708.0),
        ceiling: both(708.0),
        bias: i64x2(1023, 1023),
        one: both(1.0),
        minus_two: both(-2.0),
        minus_zero: both(-0.0),
        zero: both(0.0),
    };

    /// Applies `f` to each whole pair of `v`; returns the last value when `v`'s length is odd.
    #[inline(always)]
    pub fn each_pair(v: &mut [f64], f: impl Fn(v128, &Consts) -> v128) -> &mut [f64] {
        let k: &Consts = core::hint::black_box(&CONSTS);
        let (pairs, rest) = v.as_chunks_mut::<2>();
        for p in pairs {
            let p: *mut v128 = p.as_mut_ptr().cast();
            // SAFETY: `p` points at two f64 (16 bytes) of `v`, borrowed exclusively; wasm
            // loads and stores need no alignment.
            unsafe { v128_store(p, f(v128_load(p), k)) }
        }
        rest
    }

    /// `super::sigmoid` of both lanes.
    #[inline(always)]
    pub fn sigmoid(z: v128, k: &Consts) -> v128 {
        let e = exp_non_positive(f64x2_neg(f64x2_abs(z)), k);
        let s = f64x2_div(k.one, f64x2_add(k.one, e));
        v128_bitselect(s, f64x2_mul(e, s), f64x2_ge(z, k.zero))
    }

    /// `super::tanh` of both lanes.
    #[inline(always)]
    pub fn tanh(z: v128, k: &Consts) -> v128 {
        let e = exp_non_positive(f64x2_mul(k.minus_two, f64x2_abs(z)), k);
        let t = f64x2_div(f64x2_sub(k.one, e), f64x2_add(k.one, e));
        let t = v128_bitselect(z, t, k.minus_zero); // copysign
        v128_bitselect(z, t, f64x2_ne(z, z))
    }

    /// `super::exp_taylor` of both lanes, the same operations in the same order.
    #[inline(always)]
    fn exp_taylor(r: v128, k: &Consts) -> v128 {
        let c = &k.taylor;
        let pair = |i: usize| f64x2_add(c[i], f64x2_mul(c[i + 1], r));
        let r2 = f64x2_mul(r, r);
        let r4 = f64x2_mul(r2, r2);
        let r8 = f64x2_mul(r4, r4);
        let q0 = f64x2_add(pair(0), f64x2_mul(pair(2), r2));
        let q1 = f64x2_add(pair(4), f64x2_mul(pair(6), r2));
        let q2 = f64x2_add(pair(8), f64x2_mul(pair(10), r2));
        let low = f64x2_add(q0, f64x2_mul(q1, r4));
        let high = f64x2_add(q2, f64x2_mul(c[12], r4));
        f64x2_add(low, f64x2_mul(high, r8))
    }

    /// `super::exp_non_positive` of both lanes.
    #[inline(always)]
    fn exp_non_positive(x: v128, k: &Consts) -> v128 {
        let tiny = f64x2_lt(x, k.floor);
        // f64::max(x, −708): pmax gives its first operand unless it is less than the second,
        // so a NaN x gives −708 as f64::max does.
        v128_andnot(exp_in_range(f64x2_pmax(k.floor, x), k), tiny)
    }

    /// `super::exp_clamped` of both lanes.
    #[inline(always)]
    pub fn exp_clamped(u: v128, k: &Consts) -> v128 {
        // pmin(a, b) is b where b < a, else a: u where u < 708, else 708 (NaN included);
        // then pmax, u where −708 < u, else −708.
        let u = f64x2_pmax(k.floor, f64x2_pmin(k.ceiling, u));
        exp_in_range(u, k)
    }

    /// `super::exp_in_range` of both lanes.
    #[inline(always)]
    fn exp_in_range(x: v128, k: &Consts) -> v128 {
        let shifted = f64x2_add(f64x2_mul(x, k.log2_e), k.rounder);
        let n = f64x2_sub(shifted, k.rounder);
        let n_int = i64x2_sub(shifted, k.rounder);
        let r = f64x2_sub(f64x2_sub(x, f64x2_mul(n, k.ln2_hi)), f64x2_mul(n, k.ln2_lo));
        let p = exp_taylor(r, k);
        let scale = i64x2_shl(i64x2_add(n_int, k.bias), 52);
        f64x2_mul(p, scale)
    }
}

/// tanh z = (1 − e)/(1 + e) with e = e^{−2|z|} ≤ 1, and the sign of z: finite for any z,
/// within 3e-16 of the exact value (tests hold it to the standard library's), without the
/// standard library's branches and its call into libm (which were most of a small network's
/// forward pass with tanh, and whose code left the wasm with them). NaN stays NaN.
#[inline]
pub fn tanh(z: f64) -> f64 {
    let e = exp_non_positive(-2.0 * z.abs());
    let t = ((1.0 - e) / (1.0 + e)).copysign(z);
    if z.is_nan() {
        z
    } else {
        t
    }
}

/// ln 2 split in two for the exps' reduction x = n ln 2 + r: LN2_HI has its low 21 bits zero,
/// so n·LN2_HI is exact, and LN2_LO is the rest.
pub(crate) const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
pub(crate) const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// 1.5·2^52: adding and subtracting it rounds to the nearest integer in plain arithmetic (so
/// it vectorises on any target; round() is a library call without SSE4.1), and n as an
/// integer is then in the low bits of the sum.
pub(crate) const ROUNDER: f64 = 6_755_399_441_055_744.0;

/// 1/i! for i = 0 ..= 12: the Taylor coefficients of e^r (`exp_taylor`).
pub(crate) const TAYLOR: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

/// e^r for |r| ≤ ln2/2 by its Taylor polynomial of degree 12 (the remainder is below
/// e^0.35 · 0.35^13 / 13! ≈ 3e-16 of e^r), summed in Estrin's order: pairs c_i + c_{i+1} r,
/// then pairs of pairs with r², then with r⁴ and r⁸. Its longest chain is 4 multiplies and 4
/// adds deep, against Horner's 12 of each in a row, so a loop over many values is no longer
/// waiting on one value's additions (σ over a [2,8,8,8,1] batch in V8: ≈ 30 % of a step with
/// Horner's order). The heatmap's exp uses it too.
#[inline(always)]
pub(crate) fn exp_taylor(r: f64) -> f64 {
    let c = &TAYLOR;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q0 = (c[0] + c[1] * r) + (c[2] + c[3] * r) * r2;
    let q1 = (c[4] + c[5] * r) + (c[6] + c[7] * r) * r2;
    let q2 = (c[8] + c[9] * r) + (c[10] + c[11] * r) * r2;
    (q0 + q1 * r4) + (q2 + c[12] * r4) * r8
}

/// e^x for x ≤ 0, within a few units in the last place of the exact value (tests hold it to
/// 1e-15 relative against the standard library), and branch-free so loops over it vectorise.
///
/// x = n ln 2 + r with |r| ≤ ln2/2 (ln 2 split in two parts so n·ln2_hi is exact), then
/// e^r from its Taylor polynomial (`exp_taylor`) and 2^n from its exponent bits.
#[inline]
pub fn exp_non_positive(x: f64) -> f64 {
    // Below −708 the result is under 3e-308: call it 0 (σ′ and δ are then 0 as well).
    let tiny = x < -708.0;
    let e = exp_in_range(x.max(-708.0));
    if tiny {
        0.0
    } else {
        e
    }
}

/// e^u with u clamped to ±708 first, a NaN counting as +708: the heatmap's exps (its σ is
/// 1/(1 + e^u) for u = −z). Within ±708, e^u is a normal number, and beyond, σ is 0 or 1 to
/// far below f64's precision.
#[inline]
pub fn exp_clamped(u: f64) -> f64 {
    let u = if u < 708.0 { u } else { 708.0 };
    let u = if u > -708.0 { u } else { -708.0 };
    exp_in_range(u)
}

/// e^x for −708 ≤ x ≤ 708: x = n ln 2 + r with |r| ≤ ln2/2 (ln 2 split in two parts so
/// n·ln2_hi is exact), then e^r from its Taylor polynomial (`exp_taylor`) and 2^n from its
/// exponent bits.
#[inline(always)]
fn exp_in_range(x: f64) -> f64 {
    // n rounded by adding and subtracting ROUNDER.
    let shifted = x * std::f64::consts::LOG2_E + ROUNDER;
    let n = shifted - ROUNDER;
    // n as an integer sits in the low bits of `shifted`: read it there rather than converting.
    let n_int = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = exp_taylor(r);
    p * f64::from_bits(n_int.wrapping_add(1023) << 52)
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Activation::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                format!(
                    "activation must be one of 'sigmoid', 'tanh', 'relu', 'linear', got {}",
                    crate::Quoted(s)
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_agrees_with_the_standard_library_and_a_buffer_with_the_scalar_tanh() {
        let zs: Vec<f64> = (-4000..4000)
            .map(|i| i as f64 * 0.0173)
            .chain((-300..300).map(|i| i as f64 * 1e-9))
            .chain([
                0.0, -0.0, 1e-300, -1e-300, 19.0, -19.0, 400.0, 1e300, -1e300,
            ])
            .chain([f64::INFINITY, f64::NEG_INFINITY])
            .collect();
        for &z in &zs {
            let (got, want) = (tanh(z), z.tanh());
            assert!(
                (got - want).abs() <= 3e-16,
                "tanh({z}) = {got}, std says {want}"
            );
            assert_eq!(
                got.is_sign_negative(),
                want.is_sign_negative(),
                "sign of tanh({z})"
            );
        }
        assert!(tanh(f64::NAN).is_nan());
        for len in [0, 1, 3, 4, 5, 7, 8, 9, zs.len()] {
            let mut v = zs[..len].to_vec();
            tanh_in_place(&mut v);
            for (got, &z) in v.iter().zip(&zs) {
                assert_eq!(got.to_bits(), tanh(z).to_bits(), "tanh({z})");
            }
        }
    }

    #[test]
    fn sigmoid_over_a_buffer_is_bit_for_bit_the_scalar_sigmoid() {
        let zs: Vec<f64> = (-4000..4000)
            .map(|i| i as f64 * 0.0173)
            .chain([0.0, -0.0, 745.0, -745.0, 1e300, -1e300, 708.5, -708.5])
            .collect();
        for len in [0, 1, 3, 4, 5, 7, 8, 9, zs.len()] {
            let mut v = zs[..len].to_vec();
            sigmoid_in_place(&mut v);
            for (got, &z) in v.iter().zip(&zs) {
                assert_eq!(got.to_bits(), sigmoid(z).to_bits(), "σ({z})");
            }
        }
    }
}
