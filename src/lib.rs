//! The interactive companion to chapter 2 of Michael Nielsen's *Neural Networks and Deep
//! Learning*: backpropagation, made visible.
//!
//! The core (every module but `wasm`) is plain Rust and nalgebra and knows nothing of the
//! browser; `wasm` is the thin boundary the page calls. Names and indices are the book's.

pub mod activation;
pub mod backprop;
pub mod cost;
pub mod data;
pub mod gradcheck;
pub mod heatmap;
pub mod json;
pub mod kernels;
pub mod limits;
pub mod mnist;
pub mod network;
pub mod trace;
pub mod train;
pub mod workspace;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use activation::Activation;
pub use cost::Cost;
pub use network::{Backprop, Example, FeedForward, Init, Network};

use std::fmt;

/// What went wrong, in words a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    /// True when a training step was refused because it would have made the network
    /// non-finite (the learning rate is too large, usually).
    pub diverged: bool,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            diverged: false,
        }
    }

    pub fn diverged(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            diverged: true,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::new(message)
    }
}

pub type Result<T> = std::result::Result<T, Error>;
