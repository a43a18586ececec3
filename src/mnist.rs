//! Real handwritten digits: the MNIST asset the build makes (`www/data/mnist.bin`), its fixed
//! 8,000 / 2,000 train/test split, and the digits as the book's examples (x = 784 pixels in
//! [0, 1], y = one-hot over the ten digits).
//!
//! Not a general MNIST reader (the IDX files are not read here): it reads the one compact
//! format `scripts/mnist-to-bin.mjs` writes, and refuses anything else with a message that
//! says what is wrong. Training on it lives in `trainer`, the drawing pad's clean-up in `pad`.

pub mod pad;
pub mod trainer;

use crate::data::target;
use crate::{Error, Example, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The file starts with these four bytes.
pub const MAGIC: [u8; 4] = *b"NNDL";
/// The only format version there is.
pub const VERSION: u32 = 1;
/// Images are `SIDE` × `SIDE` pixels, row after row from the top.
pub const SIDE: usize = 28;
/// Pixels per image: the n_1 = 784 inputs of the book's network.
pub const PIXELS: usize = SIDE * SIDE;
/// Ten digits, so ten output neurons.
pub const CLASSES: usize = 10;
/// magic, version, count, rows, cols.
pub const HEADER_BYTES: usize = 20;
/// The seed of the one shuffle that splits the digits into training and test sets. It is
/// fixed (1998, the year MNIST was published) so every run, native or in the page, trains
/// and tests on the same digits whatever its own seed.
pub const SPLIT_SEED: u64 = 1998;
/// One digit in this many goes to the test set: 2,000 of the package's 10,000.
pub const TEST_SHARE: usize = 5;

/// A set of labelled 28×28 images, pixels as bytes (0 = white paper, 255 = full ink).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digits {
    labels: Vec<u8>,
    pixels: Vec<u8>,
}

/// Positions (indices into a `Digits`) of the training and the test digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

impl Digits {
    /// Digits from labels (0–9) and `labels.len()` × 784 pixel bytes.
    pub fn new(labels: Vec<u8>, pixels: Vec<u8>) -> Result<Digits> {
        if labels.is_empty() {
            return Err(Error::new("MNIST data holds no digits (count = 0)"));
        }
        if pixels.len() as u64 != labels.len() as u64 * PIXELS as u64 {
            return Err(Error::new(format!(
                "MNIST data: {} labels need {} pixel bytes, got {}",
                labels.len(),
                labels.len() * PIXELS,
                pixels.len()
            )));
        }
        if let Some(i) = labels.iter().position(|&l| l as usize >= CLASSES) {
            return Err(Error::new(format!(
                "MNIST data is corrupt: the label of digit #{i} is {}; labels must be 0 to 9",
                labels[i]
            )));
        }
        Ok(Digits { labels, pixels })
    }

    /// Read the asset's bytes (the format is described in `scripts/mnist-to-bin.mjs`).
    pub fn parse(bytes: &[u8]) -> Result<Digits> {
        if bytes.len() < HEADER_BYTES {
            return Err(Error::new(format!(
                "MNIST data is truncated: {} bytes, but the header alone needs {HEADER_BYTES}",
                bytes.len()
            )));
        }
        if bytes[0..4] != MAGIC {
            return Err(Error::new(format!(
                "MNIST data does not start with \"NNDL\" (got {:?}): not a digits file",
                String::from_utf8_lossy(&bytes[0..4])
            )));
        }
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let (version, count, rows, cols) = (word(4), word(8), word(12), word(16));
        if version != VERSION {
            return Err(Error::new(format!(
                "MNIST data has format version {version}; this build reads version {VERSION} \
                 (rebuild it with scripts/mnist-to-bin.mjs)"
            )));
        }
        if rows as usize != SIDE || cols as usize != SIDE {
            return Err(Error::new(format!(
                "MNIST images must be {SIDE}×{SIDE} pixels, the header says {rows}×{cols}"
            )));
        }
        if count == 0 {
            return Err(Error::new("MNIST data holds no digits (count = 0)"));
        }
        // u64: count × 785 overflows a 32-bit usize (wasm) for a corrupt count.
        let need = HEADER_BYTES as u64 + count as u64 * (1 + PIXELS as u64);
        let have = bytes.len() as u64;
        if have < need {
            return Err(Error::new(format!(
                "MNIST data is truncated: the header promises {count} digits ({need} bytes), \
                 but there are only {have} bytes"
            )));
        }
        if have > need {
            return Err(Error::new(format!(
                "MNIST data is corrupt: {} bytes follow the {count} digits the header promises",
                have - need
            )));
        }
        let n = count as usize;
        let labels = bytes[HEADER_BYTES..HEADER_BYTES + n].to_vec();
        let pixels = bytes[HEADER_BYTES + n..].to_vec();
        Digits::new(labels, pixels)
    }

    /// The asset's bytes: `Digits::parse(&d.encode()) == Ok(d)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_BYTES + self.labels.len() + self.pixels.len());
        out.extend_from_slice(&MAGIC);
        for word in [VERSION, self.labels.len() as u32, SIDE as u32, SIDE as u32] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&self.labels);
        out.extend_from_slice(&self.pixels);
        out
    }

    /// How many digits there are.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Never true: `new` and `parse` refuse an empty set.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Digit `i`'s label, 0–9.
    pub fn label(&self, i: usize) -> usize {
        self.labels[i] as usize
    }

    /// Digit `i`'s 784 pixel bytes, row after row.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.pixels[i * PIXELS..(i + 1) * PIXELS]
    }

    /// Digit `i` as a training example: x = pixel/255, y = the one-hot vector of its label.
    pub fn example(&self, i: usize) -> Example {
        Example {
            x: input(self.image(i)),
            y: target(self.label(i), CLASSES),
        }
    }

    /// The fixed split: shuffle the positions 0..n once with `SPLIT_SEED`, the first
    /// n − n/5 train and the last n/5 test. Each list is then sorted, so a position's place in
    /// it does not depend on the shuffle.
    pub fn split(&self) -> Split {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(SPLIT_SEED));
        let mut test = order.split_off(self.len() - self.len() / TEST_SHARE);
        let mut train = order;
        train.sort_unstable();
        test.sort_unstable();
        Split { train, test }
    }
}

/// Pixel bytes as the network's input: x_k = byte / 255, in [0, 1].
pub fn input(pixels: &[u8]) -> Vec<f64> {
    pixels.iter().map(|&p| f64::from(p) / 255.0).collect()
}

/// A matrix in the book's (j, k) order, row after row: `out[j * ncols + k]` = m[(j, k)].
/// For w² that is neuron j's 784 incoming weights w²_j· one after another, each a 28×28 image.
/// (nalgebra stores columns; this is the one place the digits code turns them into rows.)
pub fn row_major(m: &nalgebra::DMatrix<f64>) -> Vec<f64> {
    m.transpose().as_slice().to_vec()
}
