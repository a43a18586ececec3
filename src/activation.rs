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
            Activation::Tanh => z.tanh(),
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
                let t = z.tanh();
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

/// The sigmoid σ(z) = 1 / (1 + e^{−z}), written to stay finite for any finite z.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
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
                format!("activation must be one of 'sigmoid', 'tanh', 'relu', 'linear', got {s:?}")
            })
    }
}
