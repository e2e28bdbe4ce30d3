//! A refused form drawn again on the board: the reply put back on the card it answers, and the
//! files a form's script attached.

use super::views::{PostCard, Reading, ReplyDraft};
use crate::areas::board::reads;
use crate::edge::auth::Principal;
use crate::edge::error::Failure;
use crate::edge::state::AppState;
use crate::kit::pieces::FieldError;

/// Puts a refused reply back on the card of the post it answers, fetching that post when the
/// first page does not show it. False when the board has no such post to reply to.
pub(super) async fn reply_again(
    state: &AppState,
    user: &Principal,
    id: &str,
    (posts, reading): (&mut Vec<PostCard>, &mut Reading),
    post: &str,
    body: &str,
    failure: &Failure,
) -> bool {
    let field = FieldError::row_field("reply", post);
    let hint = failure
        .fields
        .first()
        .map_or_else(|| failure.message.clone(), |(_, hint)| (*hint).to_owned());
    let draft = ReplyDraft {
        body: body.to_owned(),
        message: None,
        errors: vec![FieldError::new(field, hint)],
    };
    let shown = reading
        .pinned
        .iter_mut()
        .chain(posts.iter_mut())
        .chain(reading.linked.iter_mut())
        .find(|c| c.id == post);
    if let Some(card) = shown {
        card.reply = Some(draft);
        return true;
    }
    match reads::one_post(state, user, id, post).await {
        Ok(p) if p.parent_id.is_empty() => {
            let mut card = PostCard::new(p, &user.user_id);
            card.reply = Some(draft);
            reading.linked = Some(card);
            true
        }
        _ => false,
    }
}

/// The ids a form's script wrote into its `file_ids` field.
pub(super) fn file_ids(field: &str) -> Vec<String> {
    field
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
