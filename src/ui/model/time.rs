//! Times as the pages show them. Shared by the server render and the browser, so both produce
//! the same text and hydration matches.

/// "just now", "4 min ago", "3 h ago", "2 d ago". A time in the future reads as "just now".
pub fn relative_time(now_ms: i64, then_ms: i64) -> String {
    let seconds = (now_ms - then_ms).max(0) / 1000;
    match seconds {
        0..=44 => "just now".to_owned(),
        45..=89 => "1 min ago".to_owned(),
        90..=3_599 => format!("{} min ago", (seconds + 30) / 60),
        3_600..=86_399 => format!("{} h ago", seconds / 3_600),
        _ => format!("{} d ago", seconds / 86_400),
    }
}

/// A duration in words: "45 min", "2 h 5 min", "3 d".
pub fn duration_words(ms: u64) -> String {
    let minutes = ms / 60_000;
    match minutes {
        0 => format!("{} s", ms / 1000),
        1..=59 => format!("{minutes} min"),
        60..=1_439 if minutes.is_multiple_of(60) => format!("{} h", minutes / 60),
        60..=1_439 => format!("{} h {} min", minutes / 60, minutes % 60),
        _ => format!("{} d", minutes / 1_440),
    }
}

/// `2026-01-10 09:30 UTC`: stable on the server and in the browser, whatever the time zone.
pub fn utc_minutes(ms: i64) -> String {
    let (date, seconds_of_day) = split_day(ms);
    format!(
        "{date} {:02}:{:02} UTC",
        seconds_of_day / 3_600,
        seconds_of_day % 3_600 / 60
    )
}

/// `2026-01-10T09:30:00Z`, for `<time datetime>`.
pub fn iso_utc(ms: i64) -> String {
    let (date, s) = split_day(ms);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        s / 3_600,
        s % 3_600 / 60,
        s % 60
    )
}

fn split_day(ms: i64) -> (String, i64) {
    let seconds = ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (format!("{y:04}-{m:02}-{d:02}"), seconds.rem_euclid(86_400))
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, days since 1970-01-01).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        let now = 10_000_000_000;
        assert_eq!(relative_time(now, now), "just now");
        assert_eq!(relative_time(now, now + 5_000), "just now");
        assert_eq!(relative_time(now, now - 60_000), "1 min ago");
        assert_eq!(relative_time(now, now - 7 * 60_000), "7 min ago");
        assert_eq!(relative_time(now, now - 3 * 3_600_000), "3 h ago");
        assert_eq!(relative_time(now, now - 49 * 3_600_000), "2 d ago");
    }

    #[test]
    fn durations() {
        assert_eq!(duration_words(30 * 60_000), "30 min");
        assert_eq!(duration_words(2 * 3_600_000), "2 h");
        assert_eq!(duration_words(125 * 60_000), "2 h 5 min");
        assert_eq!(duration_words(5_000), "5 s");
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minutes(1_768_037_400_000), "2026-01-10 09:30 UTC");
        assert_eq!(iso_utc(1_768_037_400_000), "2026-01-10T09:30:00Z");
        assert_eq!(utc_minutes(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc_minutes(-1), "1969-12-31 23:59 UTC");
    }
}
