//! Calendar days (`YYYY-MM-DD`, proleptic Gregorian, UTC) as day numbers, for usage windows: no
//! time zones, no date library needed for adding and subtracting days.

/// A day, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(i64);

impl Day {
    /// `YYYY-MM-DD` with a real month and day (2024-02-30 is refused), years 1000 to 9999.
    pub fn parse(text: &str) -> Option<Day> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Day(days_from_civil(year, month, day)))
    }

    /// The day of a time in milliseconds since the epoch (UTC).
    pub fn of_millis(millis: i64) -> Day {
        Day(millis.div_euclid(86_400_000))
    }

    pub fn minus(self, days: i64) -> Day {
        Day(self.0 - days)
    }

    /// `YYYY-MM-DD`.
    pub fn text(self) -> String {
        let (year, month, day) = civil_from_days(self.0);
        format!("{year:04}-{month:02}-{day:02}")
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_step_across_months_and_leap_years() {
        for text in ["1970-01-01", "2024-02-29", "2026-12-05", "2000-03-01", "9999-12-31", "1000-01-01"] {
            assert_eq!(Day::parse(text).unwrap().text(), text);
        }
        assert_eq!(Day::parse("2024-03-01").unwrap().minus(1).text(), "2024-02-29");
        assert_eq!(Day::parse("2025-01-05").unwrap().minus(29).text(), "2024-12-07");
        assert_eq!(Day::of_millis(0).text(), "1970-01-01");
        assert_eq!(Day::of_millis(1_764_892_800_000).text(), "2025-12-05");
        for bad in ["2025-02-29", "2025-13-01", "2025-00-10", "25-01-01", "2025/01/01", "2025-1-1", "abcd-ef-gh", ""] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }
}
