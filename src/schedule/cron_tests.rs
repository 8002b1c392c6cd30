//! Cron parsing and fire times against hand-checked calendar dates (UTC).

use super::{Cron, CronErrorKind};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn at(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).expect("test time is RFC 3339")
}

fn next(expr: &str, after: &str) -> String {
    let cron = Cron::parse(expr).expect("expression is valid");
    cron.next_after(at(after)).expect("fires").format(&Rfc3339).expect("formats")
}

fn error(expr: &str) -> (CronErrorKind, String, &str) {
    let e = Cron::parse(expr).expect_err("expression is refused");
    (e.kind, e.message, &expr[e.span])
}

#[test]
fn five_fields_fire_on_the_minute_strictly_after() {
    assert_eq!(next("*/15 * * * *", "2026-12-03T12:07:30Z"), "2026-12-03T12:15:00Z");
    assert_eq!(next("*/15 * * * *", "2026-12-03T12:15:00Z"), "2026-12-03T12:30:00Z");
    assert_eq!(next("* * * * *", "2026-12-03T12:15:00.5Z"), "2026-12-03T12:16:00Z");
    assert_eq!(next("59 23 31 12 *", "2026-12-31T23:59:00Z"), "2027-12-31T23:59:00Z");
    assert_eq!(next("0 0 1 1 *", "2026-12-31T23:59:59Z"), "2027-01-01T00:00:00Z");
}

#[test]
fn six_fields_have_seconds_first() {
    assert_eq!(next("30 * * * * *", "2026-12-03T12:00:30Z"), "2026-12-03T12:01:30Z");
    assert_eq!(next("*/10 * * * * *", "2026-12-03T12:00:55Z"), "2026-12-03T12:01:00Z");
    assert_eq!(next("0 0 9 * * *", "2026-12-03T09:00:00Z"), "2026-12-04T09:00:00Z");
}

#[test]
fn weekdays_by_number_and_name_and_seven_is_sunday() {
    // 2026-12-04 is a Friday.
    assert_eq!(next("0 9 * * MON-FRI", "2026-12-04T09:00:00Z"), "2026-12-07T09:00:00Z");
    assert_eq!(next("0 9 * * 1-5", "2026-12-04T08:00:00Z"), "2026-12-04T09:00:00Z");
    assert_eq!(next("0 0 * * 7", "2026-12-03T00:00:00Z"), "2026-12-06T00:00:00Z");
    assert_eq!(next("0 0 * * sun", "2026-12-03T00:00:00Z"), "2026-12-06T00:00:00Z");
    assert_eq!(next("0 0 * * 5-7", "2026-12-05T01:00:00Z"), "2026-12-06T00:00:00Z");
}

#[test]
fn both_day_fields_restricted_match_either_one_with_a_star_both() {
    // Friday the 4th matches `5` (Friday) although the 13th is later.
    assert_eq!(next("0 0 13 * 5", "2026-12-03T00:00:00Z"), "2026-12-04T00:00:00Z");
    // `*/1` in day of week counts as `*`: only the 13th.
    assert_eq!(next("0 0 13 * */1", "2026-12-03T00:00:00Z"), "2026-12-13T00:00:00Z");
    // A day of month led by `*` makes both count: an odd day that is a Friday.
    assert_eq!(next("0 0 */2 * 5", "2026-12-03T00:00:00Z"), "2026-12-11T00:00:00Z");
    assert_eq!(next("0 0 * * 5", "2026-12-03T00:00:00Z"), "2026-12-04T00:00:00Z");
}

#[test]
fn months_by_name_lists_ranges_and_steps() {
    assert_eq!(next("0 0 1 JAN,jul *", "2026-12-03T00:00:00Z"), "2027-01-01T00:00:00Z");
    assert_eq!(next("0 0 1 jul *", "2026-12-03T00:00:00Z"), "2027-07-01T00:00:00Z");
    assert_eq!(next("10-50/20 * * * *", "2026-12-03T12:31:00Z"), "2026-12-03T12:50:00Z");
    assert_eq!(next("5/20 * * * *", "2026-12-03T12:46:00Z"), "2026-12-03T13:05:00Z");
    assert_eq!(next("0 0 31 * *", "2026-11-01T00:00:00Z"), "2026-12-31T00:00:00Z");
}

#[test]
fn leap_day_waits_for_a_leap_year() {
    assert_eq!(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
}

#[test]
fn shorthands_expand_to_five_fields() {
    assert_eq!(next("@hourly", "2026-12-03T12:07:00Z"), "2026-12-03T13:00:00Z");
    assert_eq!(next("@daily", "2026-12-03T12:07:00Z"), "2026-12-04T00:00:00Z");
    assert_eq!(next("@weekly", "2026-12-03T12:07:00Z"), "2026-12-06T00:00:00Z");
    assert_eq!(next("@yearly", "2026-12-03T12:07:00Z"), "2027-01-01T00:00:00Z");
    assert_eq!(error("@reboot").0, CronErrorKind::FieldCount);
}

#[test]
fn upcoming_lists_consecutive_fires() {
    let cron = Cron::parse("0 */6 * * *").expect("valid");
    let times: Vec<String> = cron
        .upcoming(at("2026-12-03T05:00:00Z"), 3)
        .iter()
        .map(|t| t.format(&Rfc3339).expect("formats"))
        .collect();
    assert_eq!(times, ["2026-12-03T06:00:00Z", "2026-12-03T12:00:00Z", "2026-12-03T18:00:00Z"]);
}

#[test]
fn errors_name_the_field_and_point_at_the_culprit() {
    assert_eq!(
        error("60 * * * *"),
        (CronErrorKind::OutOfRange, "minute 60 is out of range (0-59)".into(), "60")
    );
    assert_eq!(
        error("0 24 * * *"),
        (CronErrorKind::OutOfRange, "hour 24 is out of range (0-23)".into(), "24")
    );
    assert_eq!(error("0 0 0 * *").2, "0");
    assert_eq!(error("0 0 0 * *").1, "day of month 0 is out of range (1-31)");
    assert_eq!(error("0 0 * 13 *").1, "month 13 is out of range (1-12)");
    assert_eq!(error("0 0 * * 8").1, "day of week 8 is out of range (0-7)");
    assert_eq!(error("61 0 0 * * *").1, "second 61 is out of range (0-59)");
    assert_eq!(error("0 0 * * 1-8").2, "8");
    assert_eq!(
        error("*/0 * * * *"),
        (CronErrorKind::Malformed, "a step of 0 in the minute field".into(), "0")
    );
    assert_eq!(error("*/90 * * * *").0, CronErrorKind::OutOfRange);
    assert_eq!(
        error("5-1 * * * *"),
        (CronErrorKind::Malformed, "the range 5-1 runs backwards in the minute field".into(), "5-1")
    );
    assert_eq!(error("1,,2 * * * *").0, CronErrorKind::Malformed);
    assert_eq!(
        error("0 0 * JNA *"),
        (CronErrorKind::Malformed, "`JNA` is not a month value in the month field".into(), "JNA")
    );
    assert_eq!(error("0 0 ? * *").1, "`?` is not standard cron in the day of month field");
    assert_eq!(
        error("0 0 L * *").1,
        "`L` is not standard cron (no `L`, `W` or `#`) in the day of month field"
    );
    assert_eq!(error("0 0 * * 5#3").2, "5#3");
}

#[test]
fn wrong_field_counts_cover_the_whole_text() {
    let (kind, message, culprit) = error("* * * *");
    assert_eq!(kind, CronErrorKind::FieldCount);
    assert_eq!(message, "a schedule has 5 fields, or 6 with seconds first; this one has 4");
    assert_eq!(culprit, "* * * *");
    assert_eq!(error("0 0 0 1 1 * 2027").0, CronErrorKind::FieldCount);
    assert_eq!(error("").0, CronErrorKind::FieldCount);
}

#[test]
fn impossible_dates_never_fire() {
    assert_eq!(error("0 0 30 2 *"), (CronErrorKind::NeverFires, error("0 0 30 2 *").1, "30 2"));
    assert_eq!(error("0 0 31 4,6,9,11 *").0, CronErrorKind::NeverFires);
    // Either day field may match when both are restricted: this one fires on Mondays.
    assert!(Cron::parse("0 0 30 2 1").is_ok());
}

#[test]
fn schedules_of_a_file_are_keyed_by_agent_and_trigger_name() {
    let parsed = crate::syntax::parse(
        "agent A {\n on schedule \"@hourly\" { }\n on schedule \"0 3 * * *\" as \"nightly\" { }\n on trigger \"t\" { }\n}\n",
    );
    let keys: Vec<(String, String, String)> = super::schedules_of(&parsed.file)
        .into_iter()
        .map(|(k, c)| (k.agent, k.trigger, c.text().to_string()))
        .collect();
    assert_eq!(
        keys,
        [
            ("A".into(), "@hourly".into(), "@hourly".into()),
            ("A".into(), "nightly".into(), "0 3 * * *".into())
        ]
    );
}

/// The search agrees with a plain scan, second by second (3 days) or minute by minute
/// (40 days), from several starting points: month and year ends, a leap day, odd seconds.
#[test]
fn the_search_finds_what_a_plain_scan_finds() {
    let exprs = [
        "*/7 * * * *",
        "5,35 8-18/2 1,15 JAN-jun,12 0,7",
        "0 0 13 * 5",
        "0 0 */2 * 5",
        "59 23 28-31 * *",
        "0 12 29 2 *",
        "30 30 1-3 * * MON",
        "*/20 59 23 31 12 *",
        "0 0 1 * 1-5",
        "@weekly",
    ];
    let starts =
        ["2026-12-31T23:58:30Z", "2028-02-28T23:59:59Z", "2026-06-14T07:33:17Z", "2027-02-27T00:00:00Z"];
    for expr in exprs {
        let cron = Cron::parse(expr).expect("valid");
        let seconds = expr.split_whitespace().count() == 6;
        for start in starts {
            let begin = at(start);
            let step = if seconds { time::Duration::SECOND } else { time::Duration::MINUTE };
            // The first whole step after `begin`, then every step, up to 40 days.
            let mut t = begin.replace_second(0).expect("valid")
                + if seconds { time::Duration::seconds(i64::from(begin.second()) + 1) } else { step };
            let end = begin + time::Duration::days(if seconds { 3 } else { 40 });
            let scanned = loop {
                if t > end {
                    break None;
                }
                if cron.matches(t) {
                    break Some(t);
                }
                t += step;
            };
            let searched = cron.next_after(begin).filter(|t| *t <= end);
            assert_eq!(searched, scanned, "{expr} after {start}");
        }
    }
}

/// Any text is refused or accepted without a panic; a refusal's span is a valid range of
/// the text (the checker slices with it) and an accepted expression fires.
#[test]
fn arbitrary_text_never_panics_and_spans_stay_inside() {
    const PIECES: [&str; 16] =
        ["*", "/", "-", ",", " ", "0", "7", "59", "60", "MON", "jan", "?", "L", "é", "\t", "@daily"];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let from = at("2026-12-03T12:00:00Z");
    for _ in 0..20_000 {
        let mut text = String::new();
        // xorshift: a fixed, reproducible stream of piece choices.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bits = state;
        for _ in 0..(bits % 14) {
            bits = bits.rotate_right(4);
            text.push_str(PIECES[(bits % 16) as usize]);
        }
        match Cron::parse(&text) {
            Ok(cron) => assert!(cron.next_after(from).is_some(), "{text:?} parses but never fires"),
            Err(e) => {
                assert!(text.get(e.span.clone()).is_some(), "{text:?}: span {:?} is not inside", e.span)
            }
        }
    }
}
