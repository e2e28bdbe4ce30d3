//! The pages, as askama templates in `templates/`. Escaping is on for every value.

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
#[template(path = "portal.html")]
pub struct Portal {}

#[derive(Template)]
#[template(path = "certificate_required.html")]
pub struct CertificateRequired {}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub message: &'a str,
    pub login_link: bool,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct Login<'a> {
    pub login_id: &'a str,
    pub error: Option<&'a str>,
}

pub struct RecipientLine {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct Home<'a> {
    pub name: &'a str,
    pub office: &'a str,
    pub role_label: &'a str,
    pub is_operator: bool,
    pub csrf: &'a str,
    pub recipients: Vec<RecipientLine>,
}

pub struct OfficeLine {
    pub name: String,
    pub kind: String,
    pub created_at: String,
}

#[derive(Template)]
#[template(path = "operator_offices.html")]
pub struct OperatorOffices<'a> {
    pub csrf: &'a str,
    pub kinds: &'a [&'a str],
    pub offices: Vec<OfficeLine>,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
    pub form_name: &'a str,
    pub form_kind: &'a str,
    pub form_email: &'a str,
}
