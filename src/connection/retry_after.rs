//! The `Retry-After` header: delay-seconds, or an HTTP-date read against
//! the wall clock.

use crate::parser::mul_add;

/// A `Retry-After` header value as a delay in milliseconds: delay-seconds,
/// or an HTTP-date (any of the three forms HTTP allows: `Sun, 06 Nov 1994
/// 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37
/// 1994`) measured from `wall_clock_ms`, the current time in milliseconds
/// since the Unix epoch (a date in the past gives 0). `None` for anything
/// else. Both drivers call this with the header as received.
#[cfg_attr(npm_size, optimize(size))]
pub fn retry_after_ms(value: &str, wall_clock_ms: u64) -> Option<u64> {
    parse_retry_after_seconds(value).or_else(|| {
        let at = http_date_ms(value.trim_ascii().as_bytes(), wall_clock_ms)?;
        Some(at.saturating_sub(wall_clock_ms))
    })
}

/// An HTTP-date (RFC 9110, section 5.6.7) as milliseconds since the Unix
/// epoch, read against a template of its form (`w` a letter of the weekday,
/// which is not checked further; `N` the month's name; `D`, `Y`, `h`, `i`,
/// `s` digits of the day, year, hour, minute and second, a day's first
/// digit possibly a space; anything else as it is). A two-digit year (the obsolete RFC 850 form) is
/// the latest year with those digits that is at most 50 years ahead of
/// `wall_clock_ms`, as the RFC asks.
#[cfg_attr(npm_size, optimize(size))]
fn http_date_ms(value: &[u8], wall_clock_ms: u64) -> Option<u64> {
    let (value, template): (&[u8], &[u8]) = match value.iter().position(|&b| b == b',') {
        // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`.
        Some(comma) if value.len() == comma + 24 => {
            (value.get(comma..)?, b", DD-NNN-YY hh:ii:ss GMT")
        }
        // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
        Some(_) => (value, b"www, DD NNN YYYY hh:ii:ss GMT"),
        // asctime: `Sun Nov  6 08:49:37 1994`.
        None => (value, b"www NNN DD hh:ii:ss YYYY"),
    };
    if value.len() != template.len() {
        return None;
    }
    // Day, year, hour, minute, second; the month's name.
    let mut numbers = [0u64; 5];
    let mut name = [0u8; 3];
    let mut letters = 0;
    for (&b, &t) in value.iter().zip(template) {
        match t {
            b'w' if b.is_ascii_alphabetic() => {}
            b'N' => {
                name[letters % 3] = b;
                letters += 1;
            }
            b'D' if b == b' ' && numbers[0] == 0 => {}
            b'D' | b'Y' | b'h' | b'i' | b's' if b.is_ascii_digit() => {
                let i = b"DYhis".iter().position(|&x| x == t)?;
                numbers[i] = numbers[i] * 10 + u64::from(b - b'0');
            }
            _ if b == t && !b"wNDYhis".contains(&t) => {}
            _ => return None,
        }
    }
    let [day, mut year, hh, mm, ss] = numbers;
    let month = MONTHS.iter().position(|m| m[..] == name[..])? as u64 + 1;
    if !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    if template.len() == 24 && template[0] == b',' {
        let this_year = 1970 + wall_clock_ms / 31_556_952_000; // mean Gregorian year
        year += this_year / 100 * 100;
        if year > this_year + 50 {
            year -= 100;
        }
    }
    let days = days_from_civil(year, month, day)?;
    // A four-digit year keeps these far from overflowing.
    Some((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1000)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar
/// (none before 1970: a `Retry-After` date that early is long past).
#[cfg_attr(npm_size, optimize(size))]
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    // Years start in March, so that the leap day ends them.
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let (era, year_of_era) = (y / 400, y % 400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era).checked_sub(719_468)
}

/// Parses a `Retry-After` header value given as delay-seconds (the form
/// servers use for 429 and 503); `None` for anything else (see
/// [`retry_after_ms`] for dates too).
pub(crate) fn parse_retry_after_seconds(value: &str) -> Option<u64> {
    let value = value.trim_ascii();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds = value
        .bytes()
        .fold(0, |acc, d| mul_add(acc, 10, u64::from(d - b'0')));
    Some(mul_add(seconds, 1000, 0))
}

#[cfg(test)]
mod tests {
    use super::parse_retry_after_seconds;

    #[test]
    fn retry_after_seconds_parsing() {
        assert_eq!(parse_retry_after_seconds("120"), Some(120_000));
        assert_eq!(parse_retry_after_seconds(" 5 "), Some(5000));
        assert_eq!(parse_retry_after_seconds("0"), Some(0));
        assert_eq!(parse_retry_after_seconds("-1"), None);
        assert_eq!(parse_retry_after_seconds("1.5"), None);
        assert_eq!(
            parse_retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"),
            None
        );
        assert_eq!(
            parse_retry_after_seconds("99999999999999999999999"),
            Some(u64::MAX)
        );
    }
}
