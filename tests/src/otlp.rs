//! An OTLP/gRPC receiver that keeps every span and metric point it is sent, for tests that follow
//! one trace across the services and see what each exported.

use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use opentelemetry_proto::tonic::resource::v1::Resource;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    pub service: String,
    pub trace_id: String,
    pub name: String,
}

/// One data point of a sum or gauge (its value) or of a histogram (its count).
#[derive(Debug, Clone)]
pub struct ReceivedPoint {
    pub service: String,
    pub metric: String,
    pub attributes: Vec<(String, String)>,
    pub value: f64,
}

#[derive(Clone, Default)]
struct Collector {
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
    points: Arc<Mutex<Vec<ReceivedPoint>>>,
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::StringValue(s)) => s.clone(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn service_name(resource: Option<&Resource>) -> String {
    text(
        resource
            .and_then(|r| r.attributes.iter().find(|a| a.key == "service.name"))
            .and_then(|a| a.value.as_ref()?.value.as_ref()),
    )
}

fn pairs(attributes: &[KeyValue]) -> Vec<(String, String)> {
    attributes
        .iter()
        .map(|kv| {
            let value = text(kv.value.as_ref().and_then(|v| v.value.as_ref()));
            (kv.key.clone(), value)
        })
        .collect()
}

fn number(value: Option<&number_data_point::Value>) -> f64 {
    match value {
        Some(number_data_point::Value::AsDouble(v)) => *v,
        #[allow(clippy::cast_precision_loss)]
        Some(number_data_point::Value::AsInt(v)) => *v as f64,
        None => f64::NAN,
    }
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self
            .spans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for rs in request.into_inner().resource_spans {
            let service = service_name(rs.resource.as_ref());
            for ss in rs.scope_spans {
                for span in ss.spans {
                    spans.push(ReceivedSpan {
                        service: service.clone(),
                        trace_id: hex::encode(&span.trace_id),
                        name: span.name,
                    });
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

#[tonic::async_trait]
impl MetricsService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let mut points = self
            .points
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for rm in request.into_inner().resource_metrics {
            let service = service_name(rm.resource.as_ref());
            for metric in rm.scope_metrics.into_iter().flat_map(|sm| sm.metrics) {
                let found: Vec<(Vec<(String, String)>, f64)> = match &metric.data {
                    Some(metric::Data::Sum(sum)) => sum
                        .data_points
                        .iter()
                        .map(|p| (pairs(&p.attributes), number(p.value.as_ref())))
                        .collect(),
                    Some(metric::Data::Gauge(gauge)) => gauge
                        .data_points
                        .iter()
                        .map(|p| (pairs(&p.attributes), number(p.value.as_ref())))
                        .collect(),
                    #[allow(clippy::cast_precision_loss)]
                    Some(metric::Data::Histogram(histogram)) => histogram
                        .data_points
                        .iter()
                        .map(|p| (pairs(&p.attributes), p.count as f64))
                        .collect(),
                    _ => Vec::new(),
                };
                for (attributes, value) in found {
                    points.push(ReceivedPoint {
                        service: service.clone(),
                        metric: metric.name.clone(),
                        attributes,
                        value,
                    });
                }
            }
        }
        Ok(tonic::Response::new(ExportMetricsServiceResponse {
            partial_success: None,
        }))
    }
}

pub struct OtlpReceiver {
    pub port: u16,
    spans: Collector,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for OtlpReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl OtlpReceiver {
    pub async fn start(port: u16) -> anyhow::Result<Self> {
        let spans = Collector::default();
        let server = tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(spans.clone()))
            .add_service(MetricsServiceServer::new(spans.clone()));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let incoming = tonic::transport::server::TcpIncoming::from(listener);
        let task = tokio::spawn(async move {
            let _ = server.serve_with_incoming(incoming).await;
        });
        Ok(Self { port, spans, task })
    }

    #[must_use]
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    #[must_use]
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans
            .spans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    #[must_use]
    pub fn points(&self) -> Vec<ReceivedPoint> {
        self.spans
            .points
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}
