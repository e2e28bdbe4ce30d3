//! One cell of the page matrix: a page, stream or form of the board opened with a session.

use super::Scene;
use system_tests::api::Session;
use tonic::Code;

/// `page` ("page /path" or "page POST /path", `{id}` and `{post}` the scene's) opened as
/// `session`; the code its status stands for. Without a session the gateway refuses it.
pub async fn call(scene: &Scene, page: &str, session: Option<&Session>) -> Code {
    let Some(s) = session else {
        return Code::PermissionDenied;
    };
    let (board, urgent_post) = (&scene.board, &scene.urgent_post);
    let path = page
        .trim_start_matches("page ")
        .replace("{id}", board)
        .replace("{post}", urgent_post);
    // A live stream never ends: only its status is read.
    let status = if let Some(form) = path.strip_prefix("POST ") {
        // A form's answer is the way back to the board.
        match s
            .post_form(form, &[("post_ids", urgent_post)])
            .await
            .unwrap()
        {
            a if a.status == 303
                && a.location.as_deref() == Some(format!("/boards/{board}").as_str()) =>
            {
                200
            }
            a => a.status,
        }
    } else if path.ends_with("/events") {
        s.stream(&path).await.unwrap().status().as_u16()
    } else {
        s.get(&path).await.unwrap().status
    };
    match status {
        200 => Code::Ok,
        403 => Code::PermissionDenied,
        other => panic!("{path} answered {other}"),
    }
}
