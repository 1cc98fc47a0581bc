//! Quantities are thousandths in an `i64` (weighed goods: 1.25 kg is 1250). In JSON they are
//! numbers with at most three decimals; more decimals are refused.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// The largest quantity accepted: a billion units.
pub const MAX_UNITS: i64 = 1_000_000_000;

/// A quantity in thousandths of a unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(pub i64);

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    pub fn from_units(units: i64) -> Quantity {
        Quantity(units * 1000)
    }

    /// Parses a JSON number: at most three decimals, within ±[`MAX_UNITS`].
    pub fn from_f64(v: f64) -> Result<Quantity, &'static str> {
        if !v.is_finite() || v.abs() > MAX_UNITS as f64 {
            return Err("is out of range");
        }
        let scaled = v * 1000.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > 1e-6 * scaled.abs().max(1.0) {
            return Err("may have at most 3 decimals");
        }
        Ok(Quantity(rounded as i64))
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 1000 == 0 {
            write!(f, "{}", self.0 / 1000)
        } else {
            write!(f, "{}", self.as_f64())
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 1000 == 0 {
            s.serialize_i64(self.0 / 1000)
        } else {
            s.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Quantity::from_f64(v).map_err(|m| de::Error::custom(format!("a quantity {m}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_decimals_at_most() {
        assert_eq!(Quantity::from_f64(1.25), Ok(Quantity(1250)));
        assert_eq!(Quantity::from_f64(0.001), Ok(Quantity(1)));
        assert_eq!(Quantity::from_f64(0.1), Ok(Quantity(100)));
        assert_eq!(Quantity::from_f64(2.0), Ok(Quantity(2000)));
        assert_eq!(Quantity::from_f64(-3.5), Ok(Quantity(-3500)));
        assert!(Quantity::from_f64(1.2345).is_err());
        assert!(Quantity::from_f64(f64::NAN).is_err());
        assert!(Quantity::from_f64(1e12).is_err());
    }

    #[test]
    fn serializes_whole_units_as_integers() {
        assert_eq!(serde_json::to_string(&Quantity(2000)).unwrap(), "2");
        assert_eq!(serde_json::to_string(&Quantity(1250)).unwrap(), "1.25");
        assert_eq!(serde_json::from_str::<Quantity>("0.125").unwrap(), Quantity(125));
        assert!(serde_json::from_str::<Quantity>("0.1255").is_err());
    }
}
