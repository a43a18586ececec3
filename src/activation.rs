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
/// e = e^{−|z|} ≤ 1 it is 1/(1 + e) for z ≥ 0 and e/(1 + e) below, and never overflows. One
/// division of the numerator picked by the sign (session 9: e·(1/(1 + e)) waited on the
/// division and then a multiply; σ over a buffer took 6–8 % longer that way).
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    let e = exp_non_positive(-z.abs());
    let numerator = if z >= 0.0 { 1.0 } else { e };
    numerator / (1.0 + e)
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
        // z ≥ 0 (ordered: false for NaN, as in the scalar code) picks 1, else e.
        let non_negative = _mm256_cmp_pd::<_CMP_GE_OQ>(z, _mm256_setzero_pd());
        let numerator = _mm256_blendv_pd(e, one, non_negative);
        _mm256_div_pd(numerator, _mm256_add_pd(one, e))
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

    /// `super::expm1_taylor` of each lane, the same operations in the same order.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn expm1_taylor(r: __m256d) -> __m256d {
        let c = |i: usize| _mm256_set1_pd(super::TAYLOR[i]);
        let pair = |i: usize| _mm256_add_pd(c(i), _mm256_mul_pd(c(i + 1), r));
        let r2 = _mm256_mul_pd(r, r);
        let r4 = _mm256_mul_pd(r2, r2);
        let low = _mm256_add_pd(r, _mm256_mul_pd(pair(0), r2));
        _mm256_add_pd(low, _mm256_mul_pd(pair(2), r4))
    }

    /// `super::exp_non_positive` of each lane.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn exp_non_positive(x: __m256d) -> __m256d {
        use super::{EXPONENT_BITS, EXP_TABLE, LN2_64_HI, LN2_64_LO, LOG2_E_64, ROUNDER};
        // x ≥ −708 (ordered: false for NaN); the other lanes' results are thrown away.
        let in_range = _mm256_cmp_pd::<_CMP_GE_OQ>(x, _mm256_set1_pd(-708.0));
        let rounder = _mm256_set1_pd(ROUNDER);
        let shifted = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(LOG2_E_64)), rounder);
        let n = _mm256_sub_pd(shifted, rounder);
        let n_int = _mm256_sub_epi64(_mm256_castpd_si256(shifted), _mm256_castpd_si256(rounder));
        let r = _mm256_sub_pd(
            _mm256_sub_pd(x, _mm256_mul_pd(n, _mm256_set1_pd(LN2_64_HI))),
            _mm256_mul_pd(n, _mm256_set1_pd(LN2_64_LO)),
        );
        let j = _mm256_and_si256(n_int, _mm256_set1_epi64x(63));
        // SAFETY: every index is below 64 (masked to six bits), inside the table.
        let t = _mm256_i64gather_pd::<8>(EXP_TABLE.as_ptr(), j);
        let e = _mm256_add_pd(t, _mm256_mul_pd(t, expm1_taylor(r)));
        let e = _mm256_castpd_si256(e);
        let scale = _mm256_and_si256(
            _mm256_slli_epi64::<46>(n_int),
            _mm256_set1_epi64x(EXPONENT_BITS as i64),
        );
        _mm256_and_pd(in_range, _mm256_castsi256_pd(_mm256_add_epi64(e, scale)))
    }
}

/// σ, tanh and their exp on two values at once in simd128: the scalar functions' operations
/// one for one (plain wasm has no fused multiply-add and rounds every operation alike), so the
/// same bits, NaN included; in the relaxed-SIMD build the exp fuses its multiply-adds
/// (`exp_in_range` there), a unit or so in the last place from the scalar exp.
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
        taylor: [v128; 4],
        log2_e_64: v128,
        ln2_hi_64: v128,
        ln2_lo_64: v128,
        rounder: v128,
        floor: v128,
        /// +708, the heatmap's other bound (`exp_clamped`).
        ceiling: v128,
        /// 63 in each 64-bit lane: j = n mod 64, the table's index.
        low_six: v128,
        exponent: v128,
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
            let mut t = [both(0.0); 4];
            let mut i = 0;
            while i < 4 {
                t[i] = both(super::TAYLOR[i]);
                i += 1;
            }
            t
        },
        log2_e_64: both(super::LOG2_E_64),
        ln2_hi_64: both(super::LN2_64_HI),
        ln2_lo_64: both(super::LN2_64_LO),
        rounder: both(super::ROUNDER),
        floor: both(-708.0),
        ceiling: both(708.0),
        low_six: i64x2(63, 63),
        exponent: u64x2(super::EXPONENT_BITS, super::EXPONENT_BITS),
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
        // −|z|: the sign bit set (one instruction; V8 makes two of neg(abs)).
        let e = exp_non_positive(v128_or(z, k.minus_zero), k);
        let numerator = v128_bitselect(k.one, e, f64x2_ge(z, k.zero));
        f64x2_div(numerator, f64x2_add(k.one, e))
    }

    /// `super::tanh` of both lanes.
    #[inline(always)]
    pub fn tanh(z: v128, k: &Consts) -> v128 {
        let e = exp_non_positive(f64x2_mul(k.minus_two, f64x2_abs(z)), k);
        let t = f64x2_div(f64x2_sub(k.one, e), f64x2_add(k.one, e));
        let t = v128_bitselect(z, t, k.minus_zero); // copysign
        v128_bitselect(z, t, f64x2_ne(z, z))
    }

    /// `super::expm1_taylor` of both lanes, the same operations in the same order.
    #[cfg(not(target_feature = "relaxed-simd"))]
    #[inline(always)]
    fn expm1_taylor(r: v128, k: &Consts) -> v128 {
        let c = &k.taylor;
        let pair = |i: usize| f64x2_add(c[i], f64x2_mul(c[i + 1], r));
        let r2 = f64x2_mul(r, r);
        let r4 = f64x2_mul(r2, r2);
        let low = f64x2_add(r, f64x2_mul(pair(0), r2));
        f64x2_add(low, f64x2_mul(pair(2), r4))
    }

    /// `super::exp_non_positive` of both lanes.
    #[inline(always)]
    fn exp_non_positive(x: v128, k: &Consts) -> v128 {
        v128_and(exp_in_range(x, k), f64x2_ge(x, k.floor))
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
    #[cfg(not(target_feature = "relaxed-simd"))]
    #[inline(always)]
    fn exp_in_range(x: v128, k: &Consts) -> v128 {
        let shifted = f64x2_add(f64x2_mul(x, k.log2_e_64), k.rounder);
        let n = f64x2_sub(shifted, k.rounder);
        let n_int = i64x2_sub(shifted, k.rounder);
        let r = f64x2_sub(
            f64x2_sub(x, f64x2_mul(n, k.ln2_hi_64)),
            f64x2_mul(n, k.ln2_lo_64),
        );
        let t = table(n_int, k);
        let e = f64x2_add(t, f64x2_mul(t, expm1_taylor(r, k)));
        scale(e, n_int, k)
    }

    /// `super::exp_in_range` of both lanes in the relaxed-SIMD build (the digits worker's and
    /// the 2-D page's where the browser has relaxed SIMD, `scripts/build.sh`): the same steps
    /// with each multiply and add that follows it as one `relaxed_madd`, a fused multiply-add
    /// where the CPU has them (V8 on x86-64 with FMA), so it is not bit for bit the scalar exp:
    /// each fused step rounds once instead of twice. n·LN2_64_HI is exact either way (32
    /// significant bits), so the reduction is as exact as before; 15 % less time for σ over a
    /// buffer in Chromium (session 9).
    #[cfg(target_feature = "relaxed-simd")]
    #[inline(always)]
    fn exp_in_range(x: v128, k: &Consts) -> v128 {
        let shifted = f64x2_relaxed_madd(x, k.log2_e_64, k.rounder);
        let n = f64x2_sub(shifted, k.rounder);
        let n_int = i64x2_sub(shifted, k.rounder);
        let r = f64x2_relaxed_nmadd(n, k.ln2_lo_64, f64x2_relaxed_nmadd(n, k.ln2_hi_64, x));
        let c = &k.taylor;
        let r2 = f64x2_mul(r, r);
        let r4 = f64x2_mul(r2, r2);
        let low = f64x2_relaxed_madd(f64x2_relaxed_madd(c[1], r, c[0]), r2, r);
        let expm1 = f64x2_relaxed_madd(f64x2_relaxed_madd(c[3], r, c[2]), r4, low);
        let t = table(n_int, k);
        scale(f64x2_relaxed_madd(t, expm1, t), n_int, k)
    }

    /// 2^(j/64) for each lane's n = 64m + j, from the table.
    #[inline(always)]
    fn table(n_int: v128, k: &Consts) -> v128 {
        let j = v128_and(n_int, k.low_six);
        let table = super::EXP_TABLE.as_ptr();
        // SAFETY: both indices are below 64 (masked to six bits), inside the table.
        unsafe {
            let first = table.add(i64x2_extract_lane::<0>(j) as usize);
            let second = table.add(i64x2_extract_lane::<1>(j) as usize);
            v128_load64_lane::<1>(v128_load64_zero(first.cast()), second.cast())
        }
    }

    /// e · 2^m for each lane's n = 64m + j: m added to the exponent's bits.
    #[inline(always)]
    fn scale(e: v128, n_int: v128, k: &Consts) -> v128 {
        i64x2_add(e, v128_and(i64x2_shl(n_int, 46), k.exponent))
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

/// ln2/64 split in two for the exps' reduction x = n·ln2/64 + r: ln 2's nearest f64 with its
/// low 21 bits zeroed, and the rest, each divided by 64 (exactly: a power of two). The high
/// part has 32 significant bits, so n·LN2_64_HI is exact for any |n| < 2^21 (|n| ≤ 65,400
/// within ±708).
pub(crate) const LN2_64_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000) / 64.0;
pub(crate) const LN2_64_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76) / 64.0;
/// 1.5·2^52: adding and subtracting it rounds to the nearest integer in plain arithmetic (so
/// it vectorises on any target; round() is a library call without SSE4.1), and n as an
/// integer is then in the low bits of the sum.
pub(crate) const ROUNDER: f64 = 6_755_399_441_055_744.0;
/// 64/ln 2 (exactly 64 times the nearest f64 to log₂e): x times it, rounded, is n.
pub(crate) const LOG2_E_64: f64 = 64.0 * std::f64::consts::LOG2_E;
/// The exponent field and sign bit of an f64: n·2^46 masked to it is ⌊n/64⌋·2^52, which added to
/// a normal number's bits multiplies it by 2^⌊n/64⌋ (exactly, while the result stays normal).
pub(crate) const EXPONENT_BITS: u64 = 0xfff0_0000_0000_0000;

/// 2^(j/64) for j = 0 … 63, each the nearest f64 (computed to 60 digits, then rounded).
pub(crate) static EXP_TABLE: [f64; 64] = [
    f64::from_bits(0x3ff0_0000_0000_0000),
    f64::from_bits(0x3ff0_2c9a_3e77_8061),
    f64::from_bits(0x3ff0_59b0_d315_8574),
    f64::from_bits(0x3ff0_8745_1875_9bc8),
    f64::from_bits(0x3ff0_b558_6cf9_890f),
    f64::from_bits(0x3ff0_e3ec_32d3_d1a2),
    f64::from_bits(0x3ff1_1301_d012_5b51),
    f64::from_bits(0x3ff1_429a_aea9_2de0),
    f64::from_bits(0x3ff1_72b8_3c7d_517b),
    f64::from_bits(0x3ff1_a35b_eb6f_cb75),
    f64::from_bits(0x3ff1_d487_3168_b9aa),
    f64::from_bits(0x3ff2_063b_8862_8cd6),
    f64::from_bits(0x3ff2_387a_6e75_6238),
    f64::from_bits(0x3ff2_6b45_65e2_7cdd),
    f64::from_bits(0x3ff2_9e9d_f51f_dee1),
    f64::from_bits(0x3ff2_d285_a6e4_030b),
    f64::from_bits(0x3ff3_06fe_0a31_b715),
    f64::from_bits(0x3ff3_3c08_b264_16ff),
    f64::from_bits(0x3ff3_71a7_373a_a9cb),
    f64::from_bits(0x3ff3_a7db_34e5_9ff7),
    f64::from_bits(0x3ff3_dea6_4c12_3422),
    f64::from_bits(0x3ff4_160a_21f7_2e2a),
    f64::from_bits(0x3ff4_4e08_6061_892d),
    f64::from_bits(0x3ff4_86a2_b5c1_3cd0),
    f64::from_bits(0x3ff4_bfda_d536_2a27),
    f64::from_bits(0x3ff4_f9b2_769d_2ca7),
    f64::from_bits(0x3ff5_342b_569d_4f82),
    f64::from_bits(0x3ff5_6f47_36b5_27da),
    f64::from_bits(0x3ff5_ab07_dd48_5429),
    f64::from_bits(0x3ff5_e76f_15ad_2148),
    f64::from_bits(0x3ff6_247e_b03a_5585),
    f64::from_bits(0x3ff6_6238_8255_2225),
    f64::from_bits(0x3ff6_a09e_667f_3bcd),
    f64::from_bits(0x3ff6_dfb2_3c65_1a2f),
    f64::from_bits(0x3ff7_1f75_e8ec_5f74),
    f64::from_bits(0x3ff7_5feb_5642_67c9),
    f64::from_bits(0x3ff7_a114_73eb_0187),
    f64::from_bits(0x3ff7_e2f3_36cf_4e62),
    f64::from_bits(0x3ff8_2589_994c_ce13),
    f64::from_bits(0x3ff8_68d9_9b44_92ed),
    f64::from_bits(0x3ff8_ace5_422a_a0db),
    f64::from_bits(0x3ff8_f1ae_9915_7736),
    f64::from_bits(0x3ff9_3737_b0cd_c5e5),
    f64::from_bits(0x3ff9_7d82_9fde_4e50),
    f64::from_bits(0x3ff9_c491_82a3_f090),
    f64::from_bits(0x3ffa_0c66_7b5d_e565),
    f64::from_bits(0x3ffa_5503_b23e_255d),
    f64::from_bits(0x3ffa_9e6b_5579_fdbf),
    f64::from_bits(0x3ffa_e89f_995a_d3ad),
    f64::from_bits(0x3ffb_33a2_b84f_15fb),
    f64::from_bits(0x3ffb_7f76_f2fb_5e47),
    f64::from_bits(0x3ffb_cc1e_904b_c1d2),
    f64::from_bits(0x3ffc_199b_dd85_529c),
    f64::from_bits(0x3ffc_67f1_2e57_d14b),
    f64::from_bits(0x3ffc_b720_dcef_9069),
    f64::from_bits(0x3ffd_072d_4a07_897c),
    f64::from_bits(0x3ffd_5818_dcfb_a487),
    f64::from_bits(0x3ffd_a9e6_03db_3285),
    f64::from_bits(0x3ffd_fc97_337b_9b5f),
    f64::from_bits(0x3ffe_502e_e78b_3ff6),
    f64::from_bits(0x3ffe_a4af_a2a4_90da),
    f64::from_bits(0x3ffe_fa1b_ee61_5a27),
    f64::from_bits(0x3fff_5076_5b6e_4540),
    f64::from_bits(0x3fff_a7c1_819e_90d8),
];

/// 1/i! for i = 2 ..= 5: the Taylor coefficients of e^r − 1 after r itself (`expm1_taylor`).
pub(crate) const TAYLOR: [f64; 4] = [1.0 / 2.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0];

/// e^r − 1 for |r| ≤ ln2/128 by its Taylor polynomial of degree 5 (the remainder is below
/// 0.0055^6 / 6! ≈ 4e-17 of e^r), summed in Estrin's order: r + (1/2 + r/6) r² + (1/24 +
/// r/120) r⁴, 3 multiplies and 2 adds deep. Without its leading 1, so that e^x = t + t·(e^r − 1)
/// rounds once where it matters (t·e^r would round the product of two rounded numbers).
#[inline(always)]
pub(crate) fn expm1_taylor(r: f64) -> f64 {
    let c = &TAYLOR;
    let r2 = r * r;
    let r4 = r2 * r2;
    (r + (c[0] + c[1] * r) * r2) + (c[2] + c[3] * r) * r4
}

/// e^x for x ≤ 0, within a few units in the last place of the exact value (tests hold it to
/// 1e-15 relative against the standard library), and branch-free so loops over it vectorise.
///
/// Below −708 (and for NaN) it is 0; from there up, `exp_in_range` (a table of 2^(j/64) and a
/// Taylor polynomial).
#[inline]
pub fn exp_non_positive(x: f64) -> f64 {
    // Below −708 the result is under 3e-308: call it 0 (σ′ and δ are then 0 as well). x goes
    // into `exp_in_range` unclamped, which gives a meaningless number outside its range (never
    // out of its table: the index is masked), thrown away here; a clamp first was one more
    // operation before everything else (session 9).
    let e = exp_in_range(x);
    if x >= -708.0 {
        e
    } else {
        0.0
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

/// e^x for −708 ≤ x ≤ 708 (outside, NaN and ±∞ included, a meaningless number, which callers
/// throw away; the table's index is masked, so never out of bounds): x = n·ln2/64 + r with
/// |r| ≤ ln2/128 (ln 2 split in two parts so n·LN2_64_HI is exact), n = 64m + j with
/// 0 ≤ j < 64, then e^x = 2^m · 2^(j/64) · e^r:
/// 2^(j/64) from a table of 64, e^r − 1 from its Taylor polynomial (`expm1_taylor`), 2^m added
/// to the exponent's bits. The table lets the polynomial stop at degree 5 (it was 12 with
/// |r| ≤ ln2/2): σ over a buffer in Chromium took 15–30 % less time (BENCHMARKS.md, session 8).
#[inline(always)]
fn exp_in_range(x: f64) -> f64 {
    // n rounded by adding and subtracting ROUNDER.
    let shifted = x * LOG2_E_64 + ROUNDER;
    let n = shifted - ROUNDER;
    // n as an integer sits in the low bits of `shifted`: read it there rather than converting.
    let n_int = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    let r = (x - n * LN2_64_HI) - n * LN2_64_LO;
    let t = EXP_TABLE[(n_int & 63) as usize];
    let e = t + t * expm1_taylor(r);
    // Within ±708, 2^(j/64) e^r ∈ [0.99, 2) and 2^m · that is a normal number.
    f64::from_bits(e.to_bits().wrapping_add((n_int << 46) & EXPONENT_BITS))
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
