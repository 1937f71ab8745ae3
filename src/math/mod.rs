//! The numerical functions of the crate, in one place: special functions
//! of the sampler and its hyperparameter updates ([`ln_gamma`],
//! [`digamma_diff`]), the normal, F and chi-square distribution functions of
//! the conjoint estimators, and Student's t of estimates pooled over θ
//! draws.

mod distributions;
mod special;
mod student_t;

pub use distributions::{
    chi2_sf, f_sf, normal_quantile, normal_sf, normal_two_sided_p, regularized_beta,
};
pub use special::{digamma_diff, ln_gamma};
pub use student_t::{t_quantile_upper, t_two_sided_p};
