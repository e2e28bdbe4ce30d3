//! The registry's OpenMetrics text turned into OTLP metrics, the way a collector's Prometheus
//! receiver would: counters become cumulative monotonic sums (named without `_total`), gauges stay
//! gauges, histograms become explicit-bucket histograms. Other kinds are not used here and are
//! skipped.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, Sum,
    metric, number_data_point,
};

/// Nanoseconds since the epoch: when the process started counting, and now.
#[derive(Clone, Copy, Debug)]
pub struct Times {
    pub start: u64,
    pub now: u64,
}

type Labels = Vec<(String, String)>;

#[derive(Debug, PartialEq)]
struct Sample {
    suffix: String,
    labels: Labels,
    value: f64,
}

#[derive(Debug, Default)]
struct FamilyText {
    name: String,
    help: String,
    kind: String,
    samples: Vec<Sample>,
}

/// Every family in `text` that has an OTLP counterpart.
#[must_use]
pub fn to_otlp(text: &str, times: Times) -> Vec<Metric> {
    parse(text)
        .into_iter()
        .filter_map(|family| convert(family, times))
        .collect()
}

fn parse(text: &str) -> Vec<FamilyText> {
    let mut families: Vec<FamilyText> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            families.push(FamilyText {
                name: name.to_owned(),
                help: unescape(help),
                ..FamilyText::default()
            });
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, ""));
            match families.last_mut() {
                Some(family) if family.name == name => kind.clone_into(&mut family.kind),
                _ => families.push(FamilyText {
                    name: name.to_owned(),
                    kind: kind.to_owned(),
                    ..FamilyText::default()
                }),
            }
        } else if !line.starts_with('#')
            && let Some(family) = families.last_mut()
            && let Some(sample) = parse_sample(line, &family.name)
        {
            family.samples.push(sample);
        }
    }
    families
}

/// `name_suffix{a="x",b="y"} 1.5 [timestamp]`, for a sample of the family `family`.
fn parse_sample(line: &str, family: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let suffix = line[..name_end].strip_prefix(family)?.to_owned();
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(body) = rest.strip_prefix('{') {
        let (parsed, after) = parse_labels(body)?;
        labels = parsed;
        rest = after;
    }
    let value = rest.split_whitespace().next()?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().ok()?,
    };
    Some(Sample {
        suffix,
        labels,
        value,
    })
}

/// Labels up to the closing brace, and what follows it.
fn parse_labels(mut body: &str) -> Option<(Labels, &str)> {
    let mut labels = Vec::new();
    loop {
        body = body.trim_start_matches([',', ' ']);
        if let Some(after) = body.strip_prefix('}') {
            return Some((labels, after));
        }
        let (key, after_key) = body.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after_key.char_indices();
        let end = loop {
            match chars.next()? {
                (i, '"') => break i,
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    c => value.push(c),
                },
                (_, c) => value.push(c),
            }
        };
        labels.push((key.trim().to_owned(), value));
        body = &after_key[end + 1..];
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn convert(family: FamilyText, times: Times) -> Option<Metric> {
    let data = match family.kind.as_str() {
        "counter" => metric::Data::Sum(Sum {
            data_points: number_points(&family.samples, "_total", times),
            aggregation_temporality: AggregationTemporality::Cumulative.into(),
            is_monotonic: true,
        }),
        "gauge" => metric::Data::Gauge(Gauge {
            data_points: number_points(&family.samples, "", times),
        }),
        "histogram" => metric::Data::Histogram(Histogram {
            data_points: histogram_points(&family.samples, times),
            aggregation_temporality: AggregationTemporality::Cumulative.into(),
        }),
        _ => return None,
    };
    let unit = if family.name.ends_with("_seconds") {
        "s"
    } else {
        ""
    };
    Some(Metric {
        name: family.name,
        description: family.help,
        unit: unit.to_owned(),
        data: Some(data),
        ..Metric::default()
    })
}

fn number_points(samples: &[Sample], suffix: &str, times: Times) -> Vec<NumberDataPoint> {
    samples
        .iter()
        .filter(|s| s.suffix == suffix)
        .map(|s| NumberDataPoint {
            attributes: attributes(&s.labels),
            start_time_unix_nano: times.start,
            time_unix_nano: times.now,
            value: Some(number_data_point::Value::AsDouble(s.value)),
            ..NumberDataPoint::default()
        })
        .collect()
}

/// One point per label set; Prometheus buckets are cumulative, OTLP's are not, and `+Inf` is
/// OTLP's overflow bucket past the last explicit bound.
fn histogram_points(samples: &[Sample], times: Times) -> Vec<HistogramDataPoint> {
    // Per label set: the point being built and its cumulative bucket counts.
    let mut points: Vec<(Labels, HistogramDataPoint, Vec<f64>)> = Vec::new();
    for sample in samples {
        let (le, labels): (Vec<_>, Vec<_>) = sample
            .labels
            .iter()
            .cloned()
            .partition(|(key, _)| key == "le");
        let index = if let Some(i) = points.iter().position(|(l, _, _)| *l == labels) {
            i
        } else {
            points.push((
                labels.clone(),
                HistogramDataPoint {
                    attributes: attributes(&labels),
                    start_time_unix_nano: times.start,
                    time_unix_nano: times.now,
                    ..HistogramDataPoint::default()
                },
                Vec::new(),
            ));
            points.len() - 1
        };
        let (_, point, cumulative) = &mut points[index];
        match sample.suffix.as_str() {
            "_count" => point.count = as_count(sample.value),
            "_sum" => point.sum = Some(sample.value),
            "_bucket" => {
                let bound = le.first().map_or(f64::INFINITY, |(_, v)| {
                    if v == "+Inf" {
                        f64::INFINITY
                    } else {
                        v.parse().unwrap_or(f64::INFINITY)
                    }
                });
                if bound.is_finite() {
                    point.explicit_bounds.push(bound);
                }
                cumulative.push(sample.value);
            }
            _ => {}
        }
    }
    points
        .into_iter()
        .map(|(_, mut point, cumulative)| {
            let mut previous = 0.0;
            point.bucket_counts = cumulative
                .iter()
                .map(|&c| {
                    let count = as_count(c - previous);
                    previous = c;
                    count
                })
                .collect();
            point
        })
        .collect()
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "counts are whole and non-negative; a negative difference means a torn read and is 0"
)]
fn as_count(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.round() as u64
    } else {
        0
    }
}

fn attributes(labels: &[(String, String)]) -> Vec<KeyValue> {
    labels
        .iter()
        .map(|(key, value)| KeyValue {
            key: key.clone(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue(value.clone())),
            }),
            ..KeyValue::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{HttpLabel, Metrics, ResultLabel};

    const TIMES: Times = Times { start: 1, now: 2 };

    fn find<'a>(metrics: &'a [Metric], name: &str) -> &'a metric::Data {
        metrics
            .iter()
            .find(|m| m.name == name)
            .and_then(|m| m.data.as_ref())
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    fn string_attr(attrs: &[KeyValue], key: &str) -> Option<String> {
        attrs.iter().find(|kv| kv.key == key).and_then(|kv| {
            match kv.value.as_ref()?.value.as_ref()? {
                any_value::Value::StringValue(s) => Some(s.clone()),
                _ => None,
            }
        })
    }

    #[test]
    fn the_registry_becomes_sums_gauges_and_histograms() {
        let metrics = Metrics::new();
        metrics
            .http_requests
            .get_or_create(&HttpLabel {
                method: "POST".into(),
                status: "3xx",
            })
            .inc_by(3);
        metrics.outbox_backlog.set(7);
        metrics.http_duration.observe(0.0015);
        metrics.http_duration.observe(0.0015);
        metrics.http_duration.observe(20.0);
        let sent = metrics.result_counter("emails", "Emails by result");
        sent.get_or_create(&ResultLabel { result: "sent" }).inc();

        let otlp = to_otlp(&metrics.encode(), TIMES);

        let metric::Data::Sum(sum) = find(&otlp, "renrakucho_http_requests") else {
            panic!("requests are a sum");
        };
        assert!(sum.is_monotonic);
        let point = &sum.data_points[0];
        assert_eq!(point.value, Some(number_data_point::Value::AsDouble(3.0)));
        assert_eq!(
            string_attr(&point.attributes, "method").as_deref(),
            Some("POST")
        );
        assert_eq!(
            string_attr(&point.attributes, "status").as_deref(),
            Some("3xx")
        );
        assert_eq!((point.start_time_unix_nano, point.time_unix_nano), (1, 2));

        let metric::Data::Gauge(gauge) = find(&otlp, "renrakucho_outbox_backlog") else {
            panic!("backlog is a gauge");
        };
        assert_eq!(
            gauge.data_points[0].value,
            Some(number_data_point::Value::AsDouble(7.0))
        );

        let metric::Data::Histogram(histogram) =
            find(&otlp, "renrakucho_http_request_duration_seconds")
        else {
            panic!("durations are a histogram");
        };
        let point = &histogram.data_points[0];
        assert_eq!(point.count, 3);
        assert_eq!(point.explicit_bounds.len() + 1, point.bucket_counts.len());
        assert_eq!(point.bucket_counts.iter().sum::<u64>(), 3);
        // 1.5 ms falls in (1 ms, 2 ms]; 20 s is past the last bound.
        assert_eq!(point.bucket_counts[1], 2);
        assert_eq!(point.bucket_counts.last(), Some(&1));
        assert!((point.sum.unwrap_or_default() - 20.003).abs() < 1e-9);

        let metric::Data::Sum(emails) = find(&otlp, "renrakucho_emails") else {
            panic!("emails are a sum");
        };
        assert_eq!(
            string_attr(&emails.data_points[0].attributes, "result").as_deref(),
            Some("sent")
        );
    }

    #[test]
    fn escaped_label_values_and_help_come_back_whole() {
        let text = "# HELP x_things A \\\"quoted\\\" help\n# TYPE x_things gauge\n\
                    x_things{a=\"one, \\\"two\\\"\",b=\"back\\\\slash\\nline\"} 4.5\n# EOF\n";
        let otlp = to_otlp(text, TIMES);
        assert_eq!(otlp[0].description, "A \"quoted\" help");
        let metric::Data::Gauge(gauge) = find(&otlp, "x_things") else {
            panic!("a gauge");
        };
        let attrs = &gauge.data_points[0].attributes;
        assert_eq!(string_attr(attrs, "a").as_deref(), Some("one, \"two\""));
        assert_eq!(
            string_attr(attrs, "b").as_deref(),
            Some("back\\slash\nline")
        );
    }

    #[test]
    fn unknown_kinds_and_malformed_lines_are_skipped() {
        let text =
            "# TYPE x_info info\nx_info{v=\"1\"} 1\n# TYPE x_up gauge\nx_up{broken 1\nx_up 1\n";
        let otlp = to_otlp(text, TIMES);
        assert_eq!(otlp.len(), 1);
        let metric::Data::Gauge(gauge) = find(&otlp, "x_up") else {
            panic!("a gauge");
        };
        assert_eq!(gauge.data_points.len(), 1);
    }
}
