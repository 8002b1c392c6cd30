//! A parsed cron expression and its fire times.
//!
//! Five fields (`minute hour day-of-month month day-of-week`) or six with seconds first,
//! always in UTC, and the shorthands `@yearly`, `@annually`, `@monthly`, `@weekly`,
//! `@daily`, `@midnight` and `@hourly`. When both day fields are restricted a day matches
//! either of them, as in Vixie cron; when one of them starts with `*` only the other counts.

use super::error::{CronError, CronErrorKind};
use super::field::{self, Bits, FieldSpec};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// A valid cron expression, ready to compute fire times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    text: String,
    seconds: Bits,
    minutes: Bits,
    hours: Bits,
    days: Bits,
    months: Bits,
    weekdays: Bits,
    /// Either day field starts with `*`: a day must match both (else either).
    days_and: bool,
}

/// How far ahead a fire time is searched. 28 years hold every combination of weekday,
/// month length and leap day, so an expression without a fire in that span never fires.
const SEARCH_YEARS: i32 = 29;

impl Cron {
    /// Parses `text`, or says which field is wrong and where.
    pub fn parse(text: &str) -> Result<Cron, CronError> {
        let expanded = match text.trim() {
            t if t.starts_with('@') => shorthand(t).ok_or_else(|| {
                let at = text.len() - text.trim_start().len();
                CronError::new(
                    CronErrorKind::FieldCount,
                    format!("unknown schedule shorthand `{t}`"),
                    at..at + t.len(),
                    "the shorthands are @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly"
                        .into(),
                )
            })?,
            _ => text,
        };
        // Offsets point into `text` unless a shorthand was expanded (then at the whole text).
        let fields = split_fields(expanded);
        let specs: &[&FieldSpec] = match fields.len() {
            5 => &[&field::MINUTE, &field::HOUR, &field::DAY_OF_MONTH, &field::MONTH, &field::DAY_OF_WEEK],
            6 => &[
                &field::SECOND,
                &field::MINUTE,
                &field::HOUR,
                &field::DAY_OF_MONTH,
                &field::MONTH,
                &field::DAY_OF_WEEK,
            ],
            n => {
                return Err(CronError::new(
                    CronErrorKind::FieldCount,
                    format!("a schedule has 5 fields, or 6 with seconds first; this one has {n}"),
                    0..text.len(),
                    "write `minute hour day-of-month month day-of-week`, e.g. `0 9 * * MON-FRI`".into(),
                ));
            }
        };
        let mut bits = [0; 6];
        let offset = 6 - specs.len();
        bits[0] = 1; // second 0 in five-field expressions
        for (i, (spec, (at, text))) in specs.iter().zip(&fields).enumerate() {
            bits[offset + i] = spec.parse(text, *at)?;
        }
        // Day of week 7 is Sunday.
        if bits[5] & (1 << 7) != 0 {
            bits[5] = (bits[5] | 1) & !(1 << 7);
        }
        let day_fields = &fields[fields.len() - 3..];
        let cron = Cron {
            text: text.to_string(),
            seconds: bits[0],
            minutes: bits[1],
            hours: bits[2],
            days: bits[3],
            months: bits[4],
            weekdays: bits[5],
            days_and: day_fields[0].1.starts_with('*') || day_fields[2].1.starts_with('*'),
        };
        let from = PrimitiveDateTime::new(date(2000, 1, 1), Time::MIDNIGHT).assume_utc();
        if cron.next_after(from).is_none() {
            return Err(CronError::new(
                CronErrorKind::NeverFires,
                "this schedule never fires: no date matches its day and month fields".into(),
                day_fields[0].0..day_fields[1].0 + day_fields[1].1.len(),
                "check the day of month against the month's length (February has at most 29 days)".into(),
            ));
        }
        Ok(cron)
    }

    /// The expression as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The first fire time strictly after `after`, or `None` past the search horizon (which a
    /// parsed expression never reaches).
    pub fn next_after(&self, after: OffsetDateTime) -> Option<OffsetDateTime> {
        let mut c = Cursor::at(after);
        c.next_second();
        let limit = (c.year + SEARCH_YEARS).min(9999);
        while c.year <= limit {
            if !has(self.months, c.month) {
                c.next_month();
                continue;
            }
            if !self.day_matches(&c) {
                c.next_day();
                continue;
            }
            let Some(hour) = first_from(self.hours, c.hour) else {
                c.next_day();
                continue;
            };
            if hour != c.hour {
                (c.hour, c.minute, c.second) = (hour, 0, 0);
            }
            let Some(minute) = first_from(self.minutes, c.minute) else {
                c.next_hour();
                continue;
            };
            if minute != c.minute {
                (c.minute, c.second) = (minute, 0);
            }
            let Some(second) = first_from(self.seconds, c.second) else {
                c.next_minute();
                continue;
            };
            c.second = second;
            return Some(c.to_datetime());
        }
        None
    }

    /// The next `n` fire times after `after`.
    pub fn upcoming(&self, after: OffsetDateTime, n: usize) -> Vec<OffsetDateTime> {
        let mut out = Vec::with_capacity(n);
        let mut t = after;
        while out.len() < n {
            match self.next_after(t) {
                Some(next) => {
                    out.push(next);
                    t = next;
                }
                None => break,
            }
        }
        out
    }

    /// True when `t` (to the second, in UTC) is one of the expression's fire times.
    pub fn matches(&self, t: OffsetDateTime) -> bool {
        let c = Cursor::at(t);
        has(self.months, c.month)
            && self.day_matches(&c)
            && has(self.hours, c.hour)
            && has(self.minutes, c.minute)
            && has(self.seconds, c.second)
    }

    fn day_matches(&self, c: &Cursor) -> bool {
        if c.day > days_in_month(c.year, c.month) {
            return false;
        }
        let weekday = date(c.year, c.month, c.day).weekday().number_days_from_sunday();
        let (dom, dow) = (has(self.days, c.day), has(self.weekdays, u32::from(weekday)));
        if self.days_and { dom && dow } else { dom || dow }
    }
}

impl std::fmt::Display for Cron {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Cron {
    type Err = CronError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cron::parse(s)
    }
}

/// The five-field form of a shorthand.
fn shorthand(text: &str) -> Option<&'static str> {
    Some(match text.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => return None,
    })
}

/// The whitespace-separated fields with their byte offsets.
fn split_fields(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (ch.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

fn has(bits: Bits, v: u32) -> bool {
    bits & (1 << v) != 0
}

/// The smallest allowed value at or above `from`.
fn first_from(bits: Bits, from: u32) -> Option<u32> {
    let rest = bits.checked_shr(from).unwrap_or(0);
    (rest != 0).then(|| from + rest.trailing_zeros())
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// A calendar date the search has made valid (month 1-12, day within the month).
fn date(year: i32, month: u32, day: u32) -> Date {
    let month = Month::try_from(month as u8).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, day as u8).unwrap_or(Date::MIN)
}

/// The search position, in plain numbers so carrying is explicit.
struct Cursor {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Cursor {
    fn at(t: OffsetDateTime) -> Cursor {
        let t = t.to_offset(time::UtcOffset::UTC);
        Cursor {
            year: t.year(),
            month: t.month() as u32,
            day: u32::from(t.day()),
            hour: u32::from(t.hour()),
            minute: u32::from(t.minute()),
            second: u32::from(t.second()),
        }
    }

    fn next_month(&mut self) {
        (self.day, self.hour, self.minute, self.second) = (1, 0, 0, 0);
        self.month += 1;
        if self.month > 12 {
            self.month = 1;
            self.year += 1;
        }
    }

    fn next_day(&mut self) {
        (self.hour, self.minute, self.second) = (0, 0, 0);
        self.day += 1;
        if self.day > days_in_month(self.year, self.month) {
            self.next_month();
        }
    }

    fn next_hour(&mut self) {
        (self.minute, self.second) = (0, 0);
        self.hour += 1;
        if self.hour > 23 {
            self.next_day();
        }
    }

    fn next_minute(&mut self) {
        self.second = 0;
        self.minute += 1;
        if self.minute > 59 {
            self.next_hour();
        }
    }

    fn next_second(&mut self) {
        self.second += 1;
        if self.second > 59 {
            self.next_minute();
        }
    }

    fn to_datetime(&self) -> OffsetDateTime {
        let time =
            Time::from_hms(self.hour as u8, self.minute as u8, self.second as u8).unwrap_or(Time::MIDNIGHT);
        PrimitiveDateTime::new(date(self.year, self.month, self.day), time).assume_utc()
    }
}
