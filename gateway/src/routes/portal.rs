use crate::views::{self, Portal};
use axum::response::Html;

pub async fn home() -> Html<String> {
    views::render(&Portal {})
}
