use super::views::Portal;
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::extract::State;
use axum::response::Html;

/// The portal works even when offices does not answer: the announcements are then left out.
pub async fn home(State(state): State<AppState>) -> Html<String> {
    let announcements = match crate::areas::announcements::handlers::published(&state).await {
        Ok(list) => list
            .into_iter()
            .take(20)
            .map(crate::areas::announcements::handlers::line)
            .collect(),
        Err(e) => {
            tracing::warn!(code = e.code, "announcements unavailable");
            Vec::new()
        }
    };
    pieces::render(&Portal {
        announcements,
        contact_lines: &state.contact,
    })
}
