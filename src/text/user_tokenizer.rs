//! `--tokenizer FILE`: a user's Hugging Face `tokenizer.json` pipeline.
//!
//! The JSON text itself is stored in [`super::TextOptions`] so a saved model
//! re-runs the same pipeline on new answers without the original file.

use tokenizers::Tokenizer;

use crate::error::{Error, Result};

/// A loaded `tokenizer.json`.
pub struct UserTokenizer {
    tokenizer: Tokenizer,
}

impl std::fmt::Debug for UserTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserTokenizer").finish_non_exhaustive()
    }
}

impl UserTokenizer {
    /// Parses the JSON content of a `tokenizer.json` file.
    pub fn from_json(json: &str) -> Result<UserTokenizer> {
        let tokenizer: Tokenizer = json
            .parse()
            .map_err(|e| Error::Tokenizer(format!("cannot load tokenizer.json: {e}")))?;
        Ok(UserTokenizer { tokenizer })
    }

    /// The (token, original text) pairs of `text`: the pipeline's tokens
    /// without special tokens, each with the slice of `text` it covers.
    /// Returns an empty list if the pipeline fails on this text (it then
    /// fails the same way on every run, so results stay reproducible).
    pub fn tokens(&self, text: &str) -> Vec<(String, String)> {
        let Ok(encoding) = self.tokenizer.encode(text, false) else {
            return Vec::new();
        };
        encoding
            .get_tokens()
            .iter()
            .zip(encoding.get_offsets())
            .zip(encoding.get_special_tokens_mask())
            .filter(|(_, special)| **special == 0)
            .map(|((token, &(start, end)), _)| {
                let original = text.get(start..end).unwrap_or(token.as_str());
                (token.clone(), original.to_string())
            })
            .collect()
    }
}
