//! Who may call what: every careboard endpoint against every kind of caller, over gRPC (what the
//! gateway or anything holding its certificate could send), the board's pages, and the JSON API
//! as a program with a session calls it; and a check that the API matrices leave no operation out.

mod api;
mod api_calls;
mod pages;
mod rpc_calls;
mod rpcs;
mod whole;

use crate::world::{World, member, register, world};
use proto::careboard as pb;
use proto::careboard::careboard_client::CareboardClient;
use proto::common::{Actor, Role};
use system_tests::api::Session;
use tonic::transport::Channel;

/// The board every matrix calls on, and the people around it: the care manager registered it
/// (the representative), the visiting nurse is a member, the leaver was one, the helper wrote an
/// urgent post and was then suspended by the city, and the care manager filed an incident.
pub struct Scene {
    pub w: World,
    pub grpc: CareboardClient<Channel>,
    pub rep: Actor,
    pub nurse: Actor,
    pub helper: Actor,
    pub board: String,
    pub urgent_post: String,
    pub incident: String,
    /// The helper's session, signed in before the suspension (which ends it).
    pub suspended: Session,
}

pub async fn scene(prefix: &str) -> Scene {
    let w = world(prefix).await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 花子", "タカハギ ハナコ").await;
    for p in [&w.nurse, &w.leaver, &w.helper] {
        grpc.add_member(member(&rep, &board, &p.id)).await.unwrap();
    }
    grpc.remove_member(member(&rep, &board, &w.leaver.id))
        .await
        .unwrap();
    // The helper writes an urgent post, then identity suspends them.
    let helper = World::actor(&w.helper, &w.care, Role::Staff);
    let suspended = w.session(&w.care, &w.helper).await;
    let urgent_post = grpc
        .create_post(pb::CreatePostRequest {
            actor: Some(helper.clone()),
            recipient_id: board.clone(),
            body: "転倒あり。至急連絡ください".into(),
            category: "連絡".into(),
            urgent: true,
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .id;
    w.suspend_and_wait_for_careboard(&w.helper).await;
    let incident = grpc
        .file_incident(pb::FileIncidentRequest {
            actor: Some(rep.clone()),
            occurred_at: "2026-11-20T09:30".into(),
            device: "訪問用タブレット".into(),
            what_happened: "訪問先に端末を置き忘れた".into(),
            action_taken: "回収し画面ロックを確認".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .id;
    Scene {
        w,
        grpc,
        rep,
        nurse,
        helper,
        board,
        urgent_post,
        incident,
        suspended,
    }
}
