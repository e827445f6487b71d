//! How article bodies are kept: a one-byte codec tag, then the bytes. Small bodies stay raw;
//! the rest are LZ4-compressed (block format, uncompressed size prepended).

use super::StoreError;

const RAW: u8 = 0;
const LZ4: u8 = 1;
/// Below this, compression saves too little to be worth a codec.
const COMPRESS_FROM: usize = 128;
/// A stored body never expands to more than this (the refresh cap is 16 MiB by default).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Encodes a body for storage.
pub fn encode(html: &str) -> Vec<u8> {
    if html.len() < COMPRESS_FROM {
        let mut out = Vec::with_capacity(html.len() + 1);
        out.push(RAW);
        out.extend_from_slice(html.as_bytes());
        return out;
    }
    let compressed = lz4_flex::block::compress_prepend_size(html.as_bytes());
    let mut out = Vec::with_capacity(compressed.len() + 1);
    out.push(LZ4);
    out.extend_from_slice(&compressed);
    out
}

/// Decodes a stored body.
pub fn decode(blob: &[u8]) -> Result<String, StoreError> {
    let corrupt = |why: &str| StoreError::Corrupt(format!("article body: {why}"));
    let (&codec, bytes) = blob.split_first().ok_or_else(|| corrupt("empty"))?;
    let raw = match codec {
        RAW => bytes.to_vec(),
        LZ4 => {
            let (size, _) = lz4_flex::block::uncompressed_size(bytes).map_err(|e| corrupt(&e.to_string()))?;
            if size > MAX_BODY {
                return Err(corrupt("claims an impossible size"));
            }
            lz4_flex::block::decompress_size_prepended(bytes).map_err(|e| corrupt(&e.to_string()))?
        }
        other => return Err(corrupt(&format!("unknown codec {other}"))),
    };
    String::from_utf8(raw).map_err(|_| corrupt("not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_small_and_large() {
        for text in ["", "<p>short</p>", &"<p>Ünïcödé text, repeated. </p>".repeat(200)] {
            let blob = encode(text);
            assert_eq!(decode(&blob).unwrap(), text);
        }
        assert!(encode(&"abc ".repeat(1000)).len() < 200, "compressible text shrinks");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode(&[]).is_err());
        assert!(decode(&[9, 1, 2]).is_err());
        assert!(decode(&[LZ4, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]).is_err());
        assert!(decode(&[LZ4, 10, 0, 0, 0, 0xf0]).is_err());
        assert!(decode(&[RAW, 0xff, 0xfe]).is_err());
    }
}
