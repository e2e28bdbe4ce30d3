//! JSON log lines with the request's `trace_id` at the top level, whichever span the line was
//! written in. Only the spans that start a request (HTTP, gRPC, event, outbox relay) hold the trace
//! id, as a field; a line written deeper, in a handler's own span, would otherwise not carry it and
//! could not be found from the trace.

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

pub struct JsonWithTraceId {
    inner: Format<Json>,
}

impl JsonWithTraceId {
    #[must_use]
    pub fn new() -> Self {
        Self {
            inner: tracing_subscriber::fmt::format()
                .json()
                .with_current_span(true)
                .with_span_list(false),
        }
    }
}

impl Default for JsonWithTraceId {
    fn default() -> Self {
        Self::new()
    }
}

/// The nearest `trace_id` field among the event's spans, innermost first.
fn trace_id<S>(ctx: &FmtContext<'_, S, JsonFields>) -> Option<String>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    ctx.event_scope()?.find_map(|span| {
        let extensions = span.extensions();
        let fields = extensions.get::<FormattedFields<JsonFields>>()?;
        let value: serde_json::Value = serde_json::from_str(fields.as_str()).ok()?;
        value.get("trace_id")?.as_str().map(str::to_owned)
    })
}

impl<S> FormatEvent<S, JsonFields> for JsonWithTraceId
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let mut line = String::new();
        self.inner
            .format_event(ctx, Writer::new(&mut line), event)?;
        match (trace_id(ctx), line.strip_prefix('{')) {
            (Some(id), Some(rest)) => {
                let id = serde_json::Value::String(id);
                write!(writer, "{{\"trace_id\":{id},{rest}")
            }
            _ => writer.write_str(&line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(f: impl FnOnce()) -> Vec<serde_json::Value> {
        let lines = Lines::default();
        let out = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .event_format(JsonWithTraceId::new())
            .with_writer(move || out.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn a_line_written_in_a_child_span_carries_the_requests_trace_id() {
        let lines = logged(|| {
            let request = tracing::info_span!("grpc", trace_id = tracing::field::Empty);
            request.record("trace_id", "0af7651916cd43dd8448eb211c80319c");
            let _request = request.enter();
            let _handler = tracing::info_span!("create_post", urgent = true).entered();
            tracing::info!(posts = 1, "posted");
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["trace_id"], "0af7651916cd43dd8448eb211c80319c");
        assert_eq!(lines[0]["fields"]["message"], "posted");
        assert_eq!(lines[0]["span"]["name"], "create_post");
    }

    #[test]
    fn a_line_outside_any_request_has_no_trace_id() {
        let lines = logged(|| tracing::info!("started"));
        assert_eq!(lines.len(), 1);
        assert!(lines[0].get("trace_id").is_none());
        assert_eq!(lines[0]["fields"]["message"], "started");
    }
}
