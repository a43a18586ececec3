//! The cost functions: the book's quadratic cost (eq. 6 / 26) and cross-entropy (chapter 3).
//!
//! Each gives the cost C_x of one example and ∇_a C, the vector BP1 starts from.

use std::fmt;
use std::str::FromStr;

/// A cost function, as named in the JS API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// C_x = ½‖y − a^L‖² (eq. 26 for one example).
    Quadratic,
    /// C_x = −Σ_j [y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)] (chapter 3, eq. 63).
    CrossEntropy,
}

impl Cost {
    pub const ALL: [Cost; 2] = [Cost::Quadratic, Cost::CrossEntropy];

    /// The cost C_x of one output `a` against the desired output `y`.
    pub fn value(self, a: &[f64], y: &[f64]) -> f64 {
        a.iter().zip(y).map(|(&a, &y)| self.term(a, y)).sum()
    }

    /// One output neuron's share of C_x.
    #[inline]
    pub fn term(self, a: f64, y: f64) -> f64 {
        match self {
            Cost::Quadratic => 0.5 * (y - a) * (y - a),
            Cost::CrossEntropy => {
                // 0 · ln 0 is taken as 0 and ln 0 as a very large finite cost, as network2.py's
                // nan_to_num does, so a saturated neuron gives a number rather than NaN.
                let ln = |v: f64| v.max(f64::MIN_POSITIVE).ln();
                let mut c = 0.0;
                if y != 0.0 {
                    c -= y * ln(a);
                }
                if y != 1.0 {
                    c -= (1.0 - y) * ln(1.0 - a);
                }
                c
            }
        }
    }

    /// ∂C_x/∂a^L_j for one output neuron: the ∇_a C of BP1.
    #[inline]
    pub fn gradient(self, a: f64, y: f64) -> f64 {
        match self {
            Cost::Quadratic => a - y,
            Cost::CrossEntropy => (a - y) / (a * (1.0 - a)),
        }
    }

    /// The name the JS API and the JSON format use.
    pub fn name(self) -> &'static str {
        match self {
            Cost::Quadratic => "quadratic",
            Cost::CrossEntropy => "crossEntropy",
        }
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Cost {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cost::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                format!(
                    "cost must be 'quadratic' or 'crossEntropy', got {}",
                    crate::Quoted(s)
                )
            })
    }
}
