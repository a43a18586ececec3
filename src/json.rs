//! The network's JSON form (the JS API's `fromJSON`/`toJSON` object) and its validation.
//!
//! This is the one place where nalgebra's column-major storage meets the book's (j, k):
//! `weights[i][j][k]` is w^{i+2}_jk, row j, column k — never the storage order.

use crate::limits::check_sizes;
use crate::{Activation, Cost, Error, Network, Result};
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// The plain-data form of a network: `weights[i][j][k]` = w^{i+2}_jk, `biases[i][j]` = b^{i+2}_j.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkJson {
    pub sizes: Vec<usize>,
    pub weights: Vec<Vec<Vec<f64>>>,
    pub biases: Vec<Vec<f64>>,
    pub activation: String,
    pub cost: String,
}

impl NetworkJson {
    /// Validate everything and build the network; the error names the first bad field.
    pub fn to_network(&self) -> Result<Network> {
        check_sizes(&self.sizes)?;
        let activation: Activation = self.activation.parse()?;
        let cost: Cost = self.cost.parse()?;
        let layers = self.sizes.len() - 1;
        if self.weights.len() != layers {
            return Err(Error::new(format!(
                "weights must hold {layers} matrices (w^2 … w^{}), got {}",
                layers + 1,
                self.weights.len()
            )));
        }
        if self.biases.len() != layers {
            return Err(Error::new(format!(
                "biases must hold {layers} vectors (b^2 … b^{}), got {}",
                layers + 1,
                self.biases.len()
            )));
        }
        let mut weights = Vec::with_capacity(layers);
        let mut biases = Vec::with_capacity(layers);
        for i in 0..layers {
            let (rows, cols) = (self.sizes[i + 1], self.sizes[i]);
            weights.push(matrix_from_rows(&self.weights[i], rows, cols, i)?);
            let b = &self.biases[i];
            crate::limits::check_vector(b, rows, &format!("biases[{i}]"))?;
            biases.push(DVector::from_column_slice(b));
        }
        Ok(Network {
            sizes: self.sizes.clone(),
            weights,
            biases,
            activation,
            cost,
        })
    }

    /// Parse JSON text (for imports) and validate it. (In wasm the boundary uses the
    /// browser's JSON.parse instead, which keeps serde_json out of the download.)
    #[cfg(not(target_arch = "wasm32"))]
    pub fn parse(text: &str) -> Result<Network> {
        let json: NetworkJson = serde_json::from_str(text)
            .map_err(|e| Error::new(format!("network JSON is not valid: {e}")))?;
        json.to_network()
    }
}

/// Build w^{i+2} from rows: `rows_in[j][k]` lands at (j, k).
fn matrix_from_rows(
    rows_in: &[Vec<f64>],
    rows: usize,
    cols: usize,
    i: usize,
) -> Result<DMatrix<f64>> {
    if rows_in.len() != rows {
        return Err(Error::new(format!(
            "weights[{i}] (w^{}) must have {rows} rows, got {}",
            i + 2,
            rows_in.len()
        )));
    }
    for (j, row) in rows_in.iter().enumerate() {
        crate::limits::check_vector(row, cols, &format!("weights[{i}][{j}]"))?;
    }
    Ok(DMatrix::from_fn(rows, cols, |j, k| rows_in[j][k]))
}

impl From<&Network> for NetworkJson {
    fn from(net: &Network) -> NetworkJson {
        NetworkJson {
            sizes: net.sizes.clone(),
            weights: net.weights.iter().map(matrix_rows).collect(),
            biases: net.biases.iter().map(|b| b.as_slice().to_vec()).collect(),
            activation: net.activation.name().to_string(),
            cost: net.cost.name().to_string(),
        }
    }
}

/// A matrix as a list of its rows: `out[j][k]` = m[(j, k)].
pub fn matrix_rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|j| (0..m.ncols()).map(|k| m[(j, k)]).collect())
        .collect()
}
