//! One cell of the gRPC matrix: an RPC called straight at careboard as an actor.

use super::Scene;
use crate::world::{consent, fields, member};
use proto::careboard as pb;
use proto::common::Actor;
use tonic::Code;

/// `endpoint` called as `actor` on the scene's board, post and incident; the code it answered.
pub async fn call(scene: &Scene, endpoint: &str, actor: &Actor) -> Code {
    let mut grpc = scene.grpc.clone();
    let (board, urgent_post, incident) = (&*scene.board, &*scene.urgent_post, &*scene.incident);
    let (people, nurse, rep) = (&scene.w, &scene.nurse, &scene.rep);
    let a = || Some(actor.clone());
    let r = || pb::RecipientRef {
        actor: a(),
        recipient_id: board.into(),
    };
    let post = || pb::PostRef {
        actor: a(),
        recipient_id: board.into(),
        post_id: urgent_post.into(),
    };
    let code =
        |result: Result<(), tonic::Status>| result.err().map_or(Code::Ok, |status| status.code());
    match endpoint {
        "ListMyRecipients" => code(
            grpc.list_my_recipients(pb::ListMyRecipientsRequest { actor: a() })
                .await
                .map(drop),
        ),
        "RegisterRecipient" => code(
            grpc.register_recipient(pb::RegisterRecipientRequest {
                actor: a(),
                consent: Some(consent()),
                fields: Some(fields("別人 太郎", "ベツジン タロウ")),
                allow_duplicate: true,
            })
            .await
            .map(drop),
        ),
        "GetRecipient" => code(grpc.get_recipient(r()).await.map(drop)),
        "UpdateRecipient" => code(
            grpc.update_recipient(pb::UpdateRecipientRequest {
                actor: a(),
                recipient_id: board.into(),
                fields: Some(pb::RecipientFields {
                    care_level: "要介護3".into(),
                    ..fields("高萩 花子", "タカハギ ハナコ")
                }),
            })
            .await
            .map(drop),
        ),
        "ListRecipientHistory" => code(grpc.list_recipient_history(r()).await.map(drop)),
        "ListPosts" => code(
            grpc.list_posts(pb::ListPostsRequest {
                actor: a(),
                recipient_id: board.into(),
                cursor: String::new(),
                limit: 0,
                category: String::new(),
            })
            .await
            .map(drop),
        ),
        "GetPost" => code(grpc.get_post(post()).await.map(drop)),
        "CreatePost" => code(
            grpc.create_post(pb::CreatePostRequest {
                actor: a(),
                recipient_id: board.into(),
                body: "血圧 128/76、食事は半分".into(),
                category: "バイタル".into(),
                urgent: false,
                file_ids: Vec::new(),
            })
            .await
            .map(drop),
        ),
        "MarkRead" => code(grpc.mark_read(post()).await.map(drop)),
        "MarkPostsRead" => code(
            grpc.mark_posts_read(pb::MarkPostsReadRequest {
                actor: a(),
                recipient_id: board.into(),
                post_ids: vec![urgent_post.into()],
            })
            .await
            .map(drop),
        ),
        "AcknowledgePost" => code(grpc.acknowledge_post(post()).await.map(drop)),
        "CreateReply" => code(
            grpc.create_reply(pb::CreateReplyRequest {
                actor: a(),
                recipient_id: board.into(),
                post_id: urgent_post.into(),
                body: "了解しました".into(),
                file_ids: Vec::new(),
            })
            .await
            .map(drop),
        ),
        "EditPost" | "WithdrawPost" => {
            // One's own post where one may write, else someone else's: only its author may.
            let own = grpc
                .create_post(pb::CreatePostRequest {
                    actor: a(),
                    recipient_id: board.into(),
                    body: "訂正する書き込み".into(),
                    category: String::new(),
                    urgent: false,
                    file_ids: Vec::new(),
                })
                .await
                .map_or_else(|_| urgent_post.to_owned(), |p| p.into_inner().id);
            let target = pb::PostRef {
                post_id: own.clone(),
                ..post()
            };
            if endpoint == "EditPost" {
                code(
                    grpc.edit_post(pb::EditPostRequest {
                        actor: a(),
                        recipient_id: board.into(),
                        post_id: own,
                        body: "訂正後".into(),
                        category: String::new(),
                    })
                    .await
                    .map(drop),
                )
            } else {
                code(grpc.withdraw_post(target).await.map(drop))
            }
        }
        "ListPostHistory" => code(grpc.list_post_history(post()).await.map(drop)),
        "SearchPosts" => code(
            grpc.search_posts(pb::SearchPostsRequest {
                actor: a(),
                recipient_id: board.into(),
                words: "転倒".into(),
                category: String::new(),
                urgent_only: false,
                cursor: String::new(),
                limit: 0,
            })
            .await
            .map(drop),
        ),
        "PrintBoard" => code(
            grpc.print_board(pb::PrintBoardRequest {
                actor: a(),
                recipient_id: board.into(),
                from: "2026-01-01".into(),
                to: "2026-12-31".into(),
                export: false,
            })
            .await
            .map(drop),
        ),
        "ListConsents" => code(
            grpc.list_consents(pb::ListConsentsRequest {
                actor: a(),
                fax_pending_only: false,
                cursor: String::new(),
            })
            .await
            .map(drop),
        ),
        "ConfirmConsentFax" => code(grpc.confirm_consent_fax(r()).await.map(drop)),
        "AddMember" => {
            let c = code(
                grpc.add_member(member(actor, board, &people.outsider.id))
                    .await
                    .map(drop),
            );
            if c == Code::Ok {
                grpc.remove_member(member(rep, board, &people.outsider.id))
                    .await
                    .unwrap();
            }
            c
        }
        "RemoveMember" => {
            let c = code(
                grpc.remove_member(member(actor, board, &people.nurse.id))
                    .await
                    .map(drop),
            );
            if c == Code::Ok {
                grpc.add_member(member(rep, board, &people.nurse.id))
                    .await
                    .unwrap();
            }
            c
        }
        "HandOver" => {
            let c = code(
                grpc.hand_over(member(actor, board, &people.nurse.id))
                    .await
                    .map(drop),
            );
            if c == Code::Ok {
                grpc.hand_over(member(nurse, board, &people.care_manager.id))
                    .await
                    .unwrap();
            }
            c
        }
        "CloseBoard" => code(
            grpc.close_board(pb::CloseBoardRequest {
                actor: a(),
                recipient_id: board.into(),
                reason: "転居".into(),
                note: String::new(),
            })
            .await
            .map(drop),
        ),
        "FileIncident" => code(
            grpc.file_incident(pb::FileIncidentRequest {
                actor: a(),
                occurred_at: "2026-11-21T14:00".into(),
                device: "事務所PC".into(),
                what_happened: "パスワードを書いた紙を机に置いていた".into(),
                action_taken: "回収しパスワードを変更".into(),
            })
            .await
            .map(drop),
        ),
        "ListIncidents" => code(
            grpc.list_incidents(pb::ListIncidentsRequest { actor: a() })
                .await
                .map(drop),
        ),
        "GetIncident" => code(
            grpc.get_incident(pb::IncidentRef {
                actor: a(),
                incident_id: incident.into(),
            })
            .await
            .map(drop),
        ),
        "UpdateIncident" => code(
            grpc.update_incident(pb::UpdateIncidentRequest {
                actor: a(),
                incident_id: incident.into(),
                status: pb::IncidentStatus::InProgress.into(),
                note: "確認しています".into(),
            })
            .await
            .map(drop),
        ),
        "GetBoardStats" => code(
            grpc.get_board_stats(proto::common::StatsRequest {
                actor: a(),
                from_month: String::new(),
                to_month: String::new(),
            })
            .await
            .map(drop),
        ),
        other => panic!("no RPC {other}"),
    }
}
