//! Number formats. Machine-readable outputs (CSV, JSON) keep full
//! precision: the shortest text that reads back as the same `f64`. Tables
//! for people round.
//!
//! Two full-precision forms exist because the two commands' CSV files were
//! published with them and must not change under their users' scripts:
//! `topics conjoint` writes plain decimals ([`full`]), `topics link` writes
//! tiny values in exponent form ([`full_exp`]). Both read back exactly.

/// Full precision, plain decimal form (`0.000000039`, as Rust prints).
pub fn full(v: f64) -> String {
    v.to_string()
}

/// Full precision; values below 10⁻⁴ in exponent form (`8.0e-8` rather
/// than a run of zeros).
pub fn full_exp(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-4 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// An optional value at full precision; empty when missing.
pub fn full_opt(v: Option<f64>) -> String {
    v.map_or(String::new(), full)
}

/// An optional value at full precision (exponent form when tiny); empty
/// when missing.
pub fn full_exp_opt(v: Option<f64>) -> String {
    v.map_or(String::new(), full_exp)
}

/// `digits` decimals (`0.0892`), or empty when missing.
pub fn fixed(v: Option<f64>, digits: usize) -> String {
    v.map_or(String::new(), |v| rounded(v, digits))
}

/// Magnitudes from here up are written in exponent form in tables: an
/// outcome on a huge scale or a near-zero standard error would otherwise
/// print a z or an estimate hundreds of digits wide and break the columns.
const EXPONENT_FROM: f64 = 1e6;

/// `digits` decimals (`0.0892`), or `digits − 1` decimals of a mantissa
/// and an exponent (`-1.500e308`) when the value is a million or
/// more in magnitude.
pub fn rounded(v: f64, digits: usize) -> String {
    if v.is_finite() && v.abs() >= EXPONENT_FROM {
        let mantissa = digits.saturating_sub(1).max(1);
        format!("{v:.mantissa$e}")
    } else {
        format!("{v:.digits$}")
    }
}

/// A p-value for a table: `<0.0001` or four decimals.
pub fn p_value(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.0001 => "<0.0001".into(),
        Some(p) => format!("{p:.4}"),
        None => String::new(),
    }
}

/// A p-value in a sentence: `p < 0.0001` or `p = 0.0123`.
pub fn p_text(p: f64) -> String {
    if p < 0.0001 {
        "p < 0.0001".into()
    } else {
        format!("p = {p:.4}")
    }
}

/// An axis label: at most three decimals, no trailing zeros, never `-0`.
pub fn tick(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A signed estimate for prose and tables: `+0.125`, `−0.031` (a true
/// minus sign), three decimals.
pub fn signed(v: f64) -> String {
    let s = format!("{:.3}", v.abs());
    if s.trim_start_matches(['0', '.']).is_empty() {
        return s;
    }
    if v < 0.0 {
        format!("−{s}")
    } else {
        format!("+{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_precision_round_trips() {
        assert_eq!(full(0.1015040550260096), "0.1015040550260096");
        assert_eq!(full(3.900451436834676e-8), "0.00000003900451436834676");
        assert_eq!(full_exp(8.006328081833659e-8), "8.006328081833659e-8");
        assert_eq!(full_exp(0.0), "0");
        assert_eq!(full_opt(None), "");
    }

    #[test]
    fn people_get_rounded_numbers() {
        assert_eq!(p_value(Some(3e-9)), "<0.0001");
        assert_eq!(p_value(Some(0.41224)), "0.4122");
        assert_eq!(p_text(0.5), "p = 0.5000");
        assert_eq!(tick(0.6000000000000001), "0.6");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(signed(-0.0312), "−0.031");
        assert_eq!(signed(0.125), "+0.125");
        assert_eq!(signed(-0.0001), "0.000");
        assert_eq!(fixed(Some(0.08924), 4), "0.0892");
        assert_eq!(fixed(Some(-1.5e308), 4), "-1.500e308");
        assert_eq!(rounded(-900719925474099.4, 2), "-9.0e14");
        assert_eq!(rounded(999_999.0, 2), "999999.00");
        assert_eq!(rounded(f64::INFINITY, 4), "inf");
    }
}
