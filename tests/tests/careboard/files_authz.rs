//! Who may upload and read a board's files: every file endpoint, gRPC and HTTP, against every kind
//! of caller. Files are the post's: only current members, never the city's operator.

use crate::world::{World, member, register, world};
use proto::careboard as pb;
use proto::common::{Actor, Role};
use system_tests::api::Session;
use system_tests::people;
use system_tests::samples::sideways_photo;
use tonic::Code;

const ENDPOINTS: [&str; 6] = [
    "UploadFile",
    "ReadFile thumb",
    "ReadFile original",
    "page GET /boards/{id}/files/{file}/thumb",
    "api POST /api/v1/boards/{id}/files",
    "api GET /api/v1/boards/{id}/files/{file}",
];

fn upload_chunks(actor: &Actor, board: &str) -> Vec<pb::UploadFileChunk> {
    vec![
        pb::UploadFileChunk {
            head: Some(pb::UploadFileHead {
                actor: Some(actor.clone()),
                recipient_id: board.into(),
                name: "褥瘡.jpg".into(),
            }),
            data: Vec::new(),
        },
        pb::UploadFileChunk {
            head: None,
            data: sideways_photo(),
        },
    ]
}

/// An HTTP status as the matrix counts it: success, or a refusal.
fn http(status: u16) -> Code {
    match status {
        200 | 201 => Code::Ok,
        401 | 403 | 303 => Code::PermissionDenied,
        other => panic!("neither allowed nor refused: {other}"),
    }
}

async fn call(
    w: &World,
    endpoint: &str,
    actor: &Actor,
    session: Option<&Session>,
    board: &str,
    file: &str,
) -> Code {
    let mut files = w.board_files();
    let read = |variant: pb::FileVariant| pb::ReadFileRequest {
        actor: Some(actor.clone()),
        recipient_id: board.into(),
        file_id: file.into(),
        variant: variant.into(),
    };
    let code = |r: Result<(), tonic::Status>| r.err().map_or(Code::Ok, |s| s.code());
    match endpoint {
        "UploadFile" => code(
            files
                .upload_file(futures::stream::iter(upload_chunks(actor, board)))
                .await
                .map(drop),
        ),
        "ReadFile thumb" => code(
            files
                .read_file(read(pb::FileVariant::Thumb))
                .await
                .map(drop),
        ),
        "ReadFile original" => code(
            files
                .read_file(read(pb::FileVariant::Original))
                .await
                .map(drop),
        ),
        _ => {
            let Some(s) = session else {
                return Code::PermissionDenied;
            };
            let status = match endpoint {
                "page GET /boards/{id}/files/{file}/thumb" => s
                    .get_raw(&format!("/boards/{board}/files/{file}/thumb"))
                    .await
                    .unwrap()
                    .status()
                    .as_u16(),
                "api POST /api/v1/boards/{id}/files" => {
                    s.upload(
                        &format!("/api/v1/boards/{board}/files"),
                        "a.jpg",
                        sideways_photo(),
                    )
                    .await
                    .unwrap()
                    .status
                }
                _ => {
                    s.get(&format!("/api/v1/boards/{board}/files/{file}"))
                        .await
                        .unwrap()
                        .status
                }
            };
            http(status)
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_board_file_endpoints() {
    let w = world("rk-files-authz-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 守子", "タカハギ モリコ").await;
    for p in [&w.nurse, &w.leaver, &w.helper] {
        grpc.add_member(member(&rep, &board, &p.id)).await.unwrap();
    }
    grpc.remove_member(member(&rep, &board, &w.leaver.id))
        .await
        .unwrap();
    let uploaded = w
        .board_files()
        .upload_file(futures::stream::iter(upload_chunks(&rep, &board)))
        .await
        .unwrap()
        .into_inner();
    grpc.create_post(pb::CreatePostRequest {
        actor: Some(rep.clone()),
        recipient_id: board.clone(),
        body: "仙骨部の写真です".into(),
        category: String::new(),
        urgent: false,
        file_ids: vec![uploaded.id.clone()],
    })
    .await
    .unwrap();
    let helper = World::actor(&w.helper, &w.care, Role::Staff);
    w.suspend_and_wait_for_careboard(&w.helper).await;
    let roles = [
        (
            "non-member",
            World::actor(&w.outsider, &w.nursing, Role::Staff),
            Some((&w.nursing, &w.outsider)),
        ),
        (
            "removed member",
            World::actor(&w.leaver, &w.care, Role::Staff),
            Some((&w.care, &w.leaver)),
        ),
        (
            "other office's admin",
            World::actor(&w.other_admin, &w.nursing, Role::OfficeAdmin),
            Some((&w.nursing, &w.other_admin)),
        ),
        ("operator", w.operator_actor().await, None),
        ("suspended", helper, None),
        ("member", nurse, Some((&w.nursing, &w.nurse))),
        ("representative", rep, Some((&w.care, &w.care_manager))),
    ];
    println!(
        "board files authorization matrix ({} endpoints × {} roles):",
        ENDPOINTS.len(),
        roles.len()
    );
    for (role, actor, login) in &roles {
        let session = match login {
            Some((office, person)) => Some(w.session(office, person).await),
            None if *role == "operator" => Some(people::operator(&w.stack).await.unwrap()),
            None => None,
        };
        let mut allowed = 0;
        for endpoint in ENDPOINTS {
            let got = call(&w, endpoint, actor, session.as_ref(), &board, &uploaded.id).await;
            let want = if matches!(*role, "member" | "representative") {
                Code::Ok
            } else {
                Code::PermissionDenied
            };
            assert_eq!(got, want, "{role} calling {endpoint}");
            allowed += usize::from(got == Code::Ok);
        }
        println!(
            "  {role}: {allowed} allowed, {} refused",
            ENDPOINTS.len() - allowed
        );
    }
}
