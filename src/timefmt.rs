//! Times from the network shown to the user: every timestamp is clamped into a range chrono
//! can convert and format in any time zone (a far-future `created_at` used to panic inside
//! `date_naive()`), and `ui.time_format` is checked once when the config loads.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, FixedOffset, TimeZone};

/// 0001-01-02T00:00:00Z: a day inside the first year, so no offset can push it below year 1.
pub const MIN_MS: i64 = -62_135_510_400_000;
/// 9999-12-30T00:00:00Z: a day before the end of year 9999, for the same reason.
pub const MAX_MS: i64 = 253_402_041_600_000;

/// `ms` since the epoch pulled into [`MIN_MS`, `MAX_MS`].
pub fn clamp_ms(ms: i64) -> i64 {
    ms.clamp(MIN_MS, MAX_MS)
}

/// A timestamp in the zone the user sees (local, or UTC when configured). Never panics.
pub fn local(ms: i64, utc: bool) -> Option<DateTime<FixedOffset>> {
    let ms = clamp_ms(ms);
    if utc {
        chrono::Utc
            .timestamp_millis_opt(ms)
            .single()
            .map(|t| t.fixed_offset())
    } else {
        chrono::Local
            .timestamp_millis_opt(ms)
            .single()
            .map(|t| t.fixed_offset())
    }
}

/// Formats `ms` with a strftime pattern already checked by [`check_format`]; an unchecked
/// bad pattern gives an empty string instead of a panic.
pub fn format(ms: i64, utc: bool, pattern: &str) -> String {
    if check_format(pattern).is_err() {
        return String::new();
    }
    local(ms, utc)
        .map(|t| t.format(pattern).to_string())
        .unwrap_or_default()
}

/// True when two timestamps fall on the same calendar day for the user.
pub fn same_day(a: i64, b: i64, utc: bool) -> bool {
    match (local(a, utc), local(b, utc)) {
        (Some(a), Some(b)) => a.date_naive() == b.date_naive(),
        _ => true,
    }
}

/// The start of day `date` (`YYYY-MM-DD`) for the user, in ms; `None` when it is no date.
pub fn day_start(date: &str, utc: bool) -> Option<i64> {
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let midnight = day.and_hms_opt(0, 0, 0)?;
    let ms = if utc {
        midnight.and_utc().timestamp_millis()
    } else {
        chrono::Local
            .from_local_datetime(&midnight)
            .earliest()?
            .timestamp_millis()
    };
    Some(clamp_ms(ms))
}

/// Rejects strftime patterns chrono cannot format (they panic when displayed).
pub fn check_format(pattern: &str) -> Result<(), String> {
    if StrftimeItems::new(pattern).any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "{pattern:?} is not a valid time format (see strftime: %H:%M, %I:%M %p, …)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_to_their_first_millisecond() {
        assert_eq!(day_start("2026-12-02", true), Some(1_796_169_600_000));
        assert_eq!(day_start("2026-13-02", true), None);
        assert_eq!(day_start("yesterday", true), None);
    }

    #[test]
    fn out_of_range_times_format_without_panicking() {
        for ms in [
            8_210_266_876_799_999,
            i64::MAX,
            i64::MIN,
            -8_210_266_876_799_999,
            0,
        ] {
            for utc in [true, false] {
                let t = local(ms, utc).expect("clamped times convert");
                let _ = t.date_naive();
                assert!(!format(ms, utc, "%H:%M %A, %-d %B %Y").is_empty());
                assert!(same_day(ms, ms, utc));
            }
        }
        // Every fixed offset chrono allows, at both ends of the range.
        for hours in [-23, -12, 0, 12, 23] {
            let tz = FixedOffset::east_opt(hours * 3600).unwrap();
            for ms in [MIN_MS, MAX_MS] {
                let t = tz.timestamp_millis_opt(ms).single().unwrap();
                let _ = t.date_naive();
                let _ = t.format("%A %Y").to_string();
            }
        }
    }

    #[test]
    fn bad_time_formats_are_reported() {
        assert!(check_format("%H:%M").is_ok());
        assert!(check_format("%I:%M %p").is_ok());
        let err = check_format("%H:%Q").unwrap_err();
        assert!(err.contains("%H:%Q"), "{err}");
        assert!(check_format("%").is_err());
        assert_eq!(format(0, true, "%Q"), "");
    }
}
