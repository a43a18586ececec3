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

/// A number in an error message: `format!("got {}", Num(x))`.
///
/// Natively this is Rust's `{}`. In the browser the number is printed by JS's own
/// `Number.prototype.toString`, which gives the same text for the numbers people type (0.1,
/// -3, 2.5, NaN) and reads better for the rest (1e+300 rather than three hundred digits;
/// `Infinity` as JS writes it). It also keeps Rust's float-to-text machinery (Grisu, Dragon
/// and their tables, about 8 KB gzip) out of the page's download.
#[derive(Clone, Copy, Debug)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    #[cfg(target_arch = "wasm32")]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0.0 && self.0.is_sign_negative() {
            return f.write_str("-0"); // as Rust prints it; JS would say "0"
        }
        let text = js_sys::Number::from(self.0)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        f.write_str(&text)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A string in an error message, in double quotes with its special characters escaped:
/// `format!("got {}", Quoted(s))`. Natively Rust's `{:?}`; in the browser `JSON.stringify`,
/// which quotes the same way for ordinary text and keeps Rust's Unicode tables for escaping
/// out of the download.
#[derive(Clone, Copy, Debug)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    #[cfg(target_arch = "wasm32")]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = js_sys::JSON::stringify(&wasm_bindgen::JsValue::from_str(self.0))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        f.write_str(&text)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}
