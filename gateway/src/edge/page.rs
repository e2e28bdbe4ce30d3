//! The pages the edge itself answers with (an error, a missing certificate), and how every page
//! is rendered.

use askama::Template;
use axum::response::Html;

pub fn render(page: &impl Template) -> Html<String> {
    match page.render() {
        Ok(html) => Html(html),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            Html("<!doctype html><meta charset=utf-8><p>システムエラーが発生しました。</p>".into())
        }
    }
}

#[derive(Template)]
#[template(path = "certificate_required.html")]
pub struct CertificateRequired {}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub message: &'a str,
    pub login_link: bool,
}
