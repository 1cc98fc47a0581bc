//! Pull cursors: opaque to clients. To us a feed position, and (`v2`) where the feed began
//! (`retained_from`) when the device's pull from the start began: a device that started after
//! the last pruning has every row it needs, whatever its position (see `kasir_store::sync::pull`).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

/// The cursor of feed position `seq`, in a pull that began when the feed began at `floor`
/// (`None`: not known, as in a `SYNC_CHANGES` notice).
pub fn encode(seq: i64, floor: Option<i64>) -> String {
    match floor {
        Some(f) => URL_SAFE_NO_PAD.encode(format!("v2:{seq}:{f}")),
        None => URL_SAFE_NO_PAD.encode(format!("v1:{seq}")),
    }
}

/// `(seq, floor)` of a cursor this server issued.
pub fn decode(raw: &str) -> Option<(i64, Option<i64>)> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let number = |s: &str| s.parse::<i64>().ok().filter(|n| *n >= 0);
    if let Some(rest) = text.strip_prefix("v2:") {
        let (seq, floor) = rest.split_once(':')?;
        return Some((number(seq)?, Some(number(floor)?)));
    }
    Some((number(text.strip_prefix("v1:")?)?, None))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(super::decode(&super::encode(42, None)), Some((42, None)));
        assert_eq!(super::decode(&super::encode(42, Some(7))), Some((42, Some(7))));
        assert_eq!(super::decode("not-a-cursor"), None);
        assert_eq!(super::decode(&super::encode(-1, None)), None);
        assert_eq!(super::decode(&super::encode(3, Some(-1))), None);
    }
}
