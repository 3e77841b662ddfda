//! Voice messages (`vocechat/audio`, newer-servers §12): what their properties may say of
//! their length. The web client learns it by decoding the file; what the server or the
//! sending app puts in `properties` is not documented, so a `duration` is taken in seconds
//! and `duration_ms` in milliseconds; a whole `duration` is read as milliseconds only when it
//! cannot be seconds (more than a day of them), and anything else is no duration at all.

use serde_json::Value;

/// The longest a voice message is taken to be (a day); longer is nonsense, not a duration.
const MAX_MS: f64 = 86_400_000.0;

/// A whole `duration` above this is read as milliseconds: more seconds than a day has cannot
/// be a voice message's length, while a long memo (`duration: 720`, twelve minutes) can.
const SECONDS_UP_TO: f64 = 86_400.0;

/// The length a voice message's properties give, in milliseconds, if they give one.
pub fn duration_ms(properties: Option<&Value>) -> Option<u64> {
    let p = properties?;
    let number = |k: &str| p.get(k).and_then(as_number);
    let ms = match (number("duration_ms"), number("duration")) {
        (Some(ms), _) => ms,
        (None, Some(d)) if d.fract() == 0.0 && d > SECONDS_UP_TO => d,
        (None, Some(secs)) => secs * 1000.0,
        (None, None) => return None,
    };
    (ms.is_finite() && ms > 0.0 && ms <= MAX_MS).then(|| ms.round() as u64)
}

/// A JSON number, or a string holding one (`"7.5"`).
fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.len() <= 32 => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(p: Value) -> Option<u64> {
        duration_ms(Some(&p))
    }

    #[test]
    fn seconds_or_milliseconds_are_read() {
        assert_eq!(d(json!({"duration": 7})), Some(7_000));
        assert_eq!(d(json!({"duration": 7.4})), Some(7_400));
        assert_eq!(d(json!({"duration": 600})), Some(600_000));
        // A twelve-minute memo is twelve minutes, not 720 ms.
        assert_eq!(d(json!({"duration": 720})), Some(720_000));
        assert_eq!(d(json!({"duration": 7_250})), Some(7_250_000));
        assert_eq!(d(json!({"duration": 86_400})), Some(86_400_000));
        // More seconds than a day has: milliseconds.
        assert_eq!(d(json!({"duration": 90_000})), Some(90_000));
        assert_eq!(d(json!({"duration_ms": 950})), Some(950));
        assert_eq!(d(json!({"duration": "12"})), Some(12_000));
    }

    #[test]
    fn anything_else_is_no_duration() {
        for p in [
            json!({}),
            json!({"duration": null}),
            json!({"duration": -3}),
            json!({"duration": 0}),
            json!({"duration": "soon"}),
            json!({"duration": [1]}),
            json!({"duration": 1e300}),
            json!({"duration_ms": 1e12}),
            json!("duration"),
        ] {
            assert_eq!(d(p.clone()), None, "{p}");
        }
        assert_eq!(duration_ms(None), None);
    }
}
