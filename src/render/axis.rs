//! Axis ticks shared by every figure.

/// Round axis tick positions covering `[lo, hi]`: steps of 1, 2, 2.5 or 5
/// × 10ⁿ, the smallest giving at most `max_ticks` ticks. Values are
/// rounded to the step's precision, so labels read `0.6`, never
/// `0.6000000000000001`.
pub fn ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    let max_ticks = max_ticks.max(2) as f64;
    let magnitude = 10f64.powf((span / max_ticks).log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0, 20.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| (hi / s).floor() - (lo / s).ceil() + 1.0 <= max_ticks)
        .unwrap_or(20.0 * magnitude);
    let digits = (-step.log10().floor()).max(0.0) as i32 + 1;
    let scale = 10f64.powi(digits);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| {
            let v = ((i as f64 * step) * scale).round() / scale;
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_bounded() {
        assert_eq!(ticks(0.0, 1.0, 6), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(-0.12, 0.31, 6), vec![-0.1, 0.0, 0.1, 0.2, 0.3]);
        assert_eq!(ticks(-0.13, 0.07, 5), vec![-0.1, -0.05, 0.0, 0.05]);
        assert_eq!(ticks(0.38, 0.66, 5), vec![0.4, 0.5, 0.6]);
        assert_eq!(ticks(0.3, 0.3, 5), vec![0.3]);
        for (lo, hi, n) in [(0.0, 7.3, 5), (-2.0, 1e-3, 4), (0.41, 0.43, 6)] {
            let t = ticks(lo, hi, n);
            assert!(t.len() >= 2 && t.len() <= n, "{lo} {hi}: {t:?}");
            assert!(t.iter().all(|v| *v >= lo - 1e-12 && *v <= hi + 1e-12));
        }
    }
}
