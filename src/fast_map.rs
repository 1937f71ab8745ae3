//! A string-keyed hash map with FNV-1a hashing, for the maps that intern
//! the words of an input file (corpus terms, conjoint levels and
//! respondent ids): the keys are short, SipHash's protection against
//! crafted keys buys nothing for a local file, and hashing would otherwise
//! be most of the reading time. Iteration order is never relied on.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap<String, V>` hashed with [`Fnv`].
pub(crate) type FastMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// FNV-1a, 64 bits.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_1a_reference_values() {
        // The published FNV-1a 64 test vectors.
        let hash = |s: &str| {
            let mut h = Fnv::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn finds_what_was_inserted() {
        let mut m: FastMap<u32> = FastMap::default();
        m.insert("word".into(), 7);
        assert_eq!(m.get("word"), Some(&7));
        assert_eq!(m.get("words"), None);
    }
}
