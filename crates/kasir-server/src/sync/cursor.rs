//! Pull cursors: opaque to clients, a feed position to us.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

/// The cursor of feed position `seq`.
pub fn encode(seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{seq}"))
}

pub fn decode(raw: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("v1:")?.parse::<i64>().ok().filter(|s| *s >= 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(super::decode(&super::encode(42)), Some(42));
        assert_eq!(super::decode("not-a-cursor"), None);
        assert_eq!(super::decode(&super::encode(-1)), None);
    }
}
