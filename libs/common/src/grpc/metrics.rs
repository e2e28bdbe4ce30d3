//! Request rate, latency and errors of a gRPC server, by method and status code.

use crate::metrics::{GrpcLabel, Metrics};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tonic::Code;

/// Counts and times every call a server answers: `Server::builder().layer(MetricsLayer::new(..))`.
#[derive(Clone)]
pub struct MetricsLayer {
    metrics: Metrics,
}

impl MetricsLayer {
    #[must_use]
    pub fn new(metrics: Metrics) -> Self {
        Self { metrics }
    }
}

impl<S> tower::Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MetricsService {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

#[derive(Clone)]
pub struct MetricsService<S> {
    inner: S,
    metrics: Metrics,
}

impl<S, B, R> tower::Service<http::Request<B>> for MetricsService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        let metrics = self.metrics.clone();
        let started = Instant::now();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let answer = answer.await;
            let code = match &answer {
                Ok(response) => code_of(response.headers()),
                Err(_) => Code::Unavailable,
            };
            // Paths a caller made up would each become a series of their own.
            let method = if code == Code::Unimplemented {
                "unknown".to_owned()
            } else {
                path
            };
            metrics
                .grpc_requests
                .get_or_create(&GrpcLabel {
                    method,
                    code: format!("{code:?}"),
                })
                .inc();
            metrics
                .grpc_duration
                .observe(started.elapsed().as_secs_f64());
            answer
        })
    }
}

/// A refused call is answered trailers-only, so its status is in the headers; a unary call that
/// succeeded has no status there (its `grpc-status: 0` comes in the trailers).
fn code_of(headers: &http::HeaderMap) -> Code {
    headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map_or(Code::Ok, Code::from_i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_is_read_from_a_trailers_only_answer() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(code_of(&headers), Code::Ok);
        headers.insert("grpc-status", http::HeaderValue::from_static("5"));
        assert_eq!(code_of(&headers), Code::NotFound);
        headers.insert("grpc-status", http::HeaderValue::from_static("7"));
        assert_eq!(code_of(&headers), Code::PermissionDenied);
    }
}
