//! The instruction set the sampling kernels run on.
//!
//! By default the best one the CPU has. The environment variable
//! `TOPICS_SIMD=portable|avx2|avx512` picks another, for benchmarks (the
//! AVX2 path can be timed on a CPU that also has AVX-512) and for checking
//! the paths against each other. Every path computes the same bits, so the
//! variable changes speed only, never a result. It is read once per process.

use std::sync::OnceLock;

/// The code paths of the kernels, in increasing order of what they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InstructionSet {
    /// Plain Rust, no x86 intrinsics: what aarch64 (Apple Silicon) and
    /// x86 CPUs without AVX2 run.
    Portable,
    /// 256-bit vectors (x86_64 with AVX2).
    Avx2,
    /// 512-bit vectors (x86_64 with AVX-512F and AVX2).
    Avx512,
}

/// The environment variable that overrides the detected instruction set.
pub const OVERRIDE_VARIABLE: &str = "TOPICS_SIMD";

impl InstructionSet {
    /// The name `TOPICS_SIMD` takes for this instruction set.
    pub fn name(self) -> &'static str {
        match self {
            InstructionSet::Portable => "portable",
            InstructionSet::Avx2 => "avx2",
            InstructionSet::Avx512 => "avx512",
        }
    }

    /// The instruction set a `TOPICS_SIMD` value names, if any.
    pub fn parse(name: &str) -> Option<InstructionSet> {
        [
            InstructionSet::Portable,
            InstructionSet::Avx2,
            InstructionSet::Avx512,
        ]
        .into_iter()
        .find(|isa| isa.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The best instruction set this CPU supports.
    pub fn detected() -> InstructionSet {
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = std::arch::is_x86_feature_detected!("avx2");
            if avx2 && std::arch::is_x86_feature_detected!("avx512f") {
                return InstructionSet::Avx512;
            }
            if avx2 {
                return InstructionSet::Avx2;
            }
        }
        InstructionSet::Portable
    }
}

/// The instruction set the kernels use in this process: the detected one,
/// or the one `TOPICS_SIMD` asks for when the CPU has it. A value that
/// names no instruction set, or one the CPU lacks, is reported once on
/// standard error and the detected one is used (the results are the same
/// either way; only the speed differs).
pub fn instruction_set() -> InstructionSet {
    static CHOSEN: OnceLock<InstructionSet> = OnceLock::new();
    *CHOSEN.get_or_init(|| {
        let detected = InstructionSet::detected();
        let requested = std::env::var(OVERRIDE_VARIABLE).ok();
        choose(requested.as_deref(), detected).unwrap_or_else(|problem| {
            eprintln!("warning: {problem}");
            detected
        })
    })
}

/// The instruction set for an override value (`None`: not set) on a CPU
/// whose best is `detected`, or why the value cannot be honoured.
fn choose(requested: Option<&str>, detected: InstructionSet) -> Result<InstructionSet, String> {
    let Some(name) = requested.filter(|name| !name.trim().is_empty()) else {
        return Ok(detected);
    };
    match InstructionSet::parse(name) {
        None => Err(format!(
            "{OVERRIDE_VARIABLE}={name:?} is not one of portable, avx2, avx512; using {}",
            detected.name()
        )),
        Some(isa) if isa > detected => Err(format!(
            "{OVERRIDE_VARIABLE}={name}: this CPU lacks it; using {}",
            detected.name()
        )),
        Some(isa) => Ok(isa),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_picks_a_supported_set_or_says_why_not() {
        use InstructionSet::*;
        assert_eq!(choose(None, Avx512), Ok(Avx512));
        assert_eq!(choose(Some(""), Avx2), Ok(Avx2));
        assert_eq!(choose(Some("avx2"), Avx512), Ok(Avx2));
        assert_eq!(choose(Some(" Portable "), Avx2), Ok(Portable));
        assert_eq!(
            choose(Some("avx512"), Avx2),
            Err("TOPICS_SIMD=avx512: this CPU lacks it; using avx2".to_string())
        );
        assert_eq!(
            choose(Some("sse4"), Portable),
            Err(
                "TOPICS_SIMD=\"sse4\" is not one of portable, avx2, avx512; using portable"
                    .to_string()
            )
        );
    }
}
