//! Who may call what: every careboard endpoint against every kind of caller.

use crate::world::{World, consent, fields, member, register, wait_until, world};
use proto::careboard as pb;
use proto::careboard::careboard_client::CareboardClient;
use proto::common::{Actor, Role};
use std::time::Duration;
use system_tests::api::Session;
use system_tests::people::{self, Office, Person};
use tonic::Code;
use tonic::transport::Channel;

/// A role of the matrix: its name, the actor careboard sees, and who logs in for the pages.
type Row<'a> = (&'static str, Actor, Option<(&'a Office, &'a Person)>);

/// Every careboard RPC that takes an actor (`ListBoardChoices` takes none: it answers the fixed
/// lists of the forms), and the gateway's pages and streams of a board.
const ENDPOINTS: [&str; 40] = [
    "ListMyRecipients",
    "RegisterRecipient",
    "GetRecipient",
    "UpdateRecipient",
    "ListRecipientHistory",
    "ListPosts",
    "GetPost",
    "CreatePost",
    "MarkRead",
    "MarkPostsRead",
    "AcknowledgePost",
    "CreateReply",
    "EditPost",
    "WithdrawPost",
    "ListPostHistory",
    "SearchPosts",
    "PrintBoard",
    "ListConsents",
    "ConfirmConsentFax",
    "AddMember",
    "RemoveMember",
    "HandOver",
    "CloseBoard",
    "FileIncident",
    "ListIncidents",
    "GetIncident",
    "UpdateIncident",
    "GetBoardStats",
    "page /boards/{id}",
    "page /boards/{id}/posts/{post}",
    "page /boards/{id}/events",
    "page /boards/{id}/search?q=転倒",
    "page /boards/{id}/print",
    "page /boards/{id}/export.csv",
    "page /api/v1/recipients/{id}/fhir",
    "page /boards/{id}/posts/{post}/history",
    "page POST /boards/{id}/reads",
    "page /recipients/{id}",
    "page /recipients/{id}/history",
    "page /recipients/{id}/team",
];

/// What each role may do: members read and write, the representative also manages, the operator
/// keeps the consent register and nothing else; everyone else is refused.
fn expected(role: &str, endpoint: &str) -> Code {
    if role.starts_with("suspended") {
        return Code::PermissionDenied;
    }
    let member = matches!(role, "member" | "representative");
    let allowed = match endpoint {
        "ListMyRecipients" | "RegisterRecipient" | "FileIncident" => role != "operator",
        // Everyone sees the incidents they may (their own, their office's, all for the city).
        "ListIncidents" => true,
        // The representative filed it; the other office's admin is not theirs.
        "GetIncident" => matches!(role, "representative" | "operator"),
        "ListConsents" | "ConfirmConsentFax" | "UpdateIncident" | "GetBoardStats" => {
            role == "operator"
        }
        "AddMember" | "RemoveMember" | "HandOver" | "CloseBoard" => role == "representative",
        _ => member,
    };
    if allowed {
        Code::Ok
    } else {
        Code::PermissionDenied
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_careboard_endpoints() {
    let w = world("rk-board-authz-").await;
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
    let urgent = grpc
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
        .into_inner();
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
    let operator = w.operator_actor().await;
    let roles: [Row; 8] = [
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
        ("operator", operator, None),
        ("suspended", helper.clone(), None),
        // A caller claiming the city's role with a suspended account: careboard itself refuses.
        (
            "suspended, as operator",
            World::actor(&w.helper, &w.care, Role::Operator),
            None,
        ),
        ("member", nurse.clone(), Some((&w.nursing, &w.nurse))),
        // Last: its writes (closing the board) would change the others' answers.
        (
            "representative",
            rep.clone(),
            Some((&w.care, &w.care_manager)),
        ),
    ];
    let mut counts = Vec::new();
    for (role, actor, login) in &roles {
        let session = match login {
            Some((office, person)) => Some(w.session(office, person).await),
            None if *role == "operator" => Some(people::operator(&w.stack).await.unwrap()),
            None => None,
        };
        let (mut allowed, mut denied) = (0, 0);
        for endpoint in ENDPOINTS {
            let got = call(
                &mut grpc,
                endpoint,
                actor,
                &Targets {
                    board: &board,
                    urgent_post: &urgent.id,
                    incident: &incident,
                },
                &w,
                session.as_ref(),
                &nurse,
                &rep,
            )
            .await;
            let want = expected(role, endpoint);
            // A page refused at the gateway for want of a login counts as refused.
            let got = if endpoint.starts_with("page") && session.is_none() {
                Code::PermissionDenied
            } else {
                got
            };
            assert_eq!(got, want, "{role} calling {endpoint}");
            if got == Code::Ok {
                allowed += 1;
            } else {
                denied += 1;
            }
        }
        counts.push(format!("{role}: {allowed} allowed, {denied} refused"));
    }
    println!(
        "careboard authorization matrix ({} endpoints × {} roles):",
        ENDPOINTS.len(),
        roles.len()
    );
    for c in &counts {
        println!("  {c}");
    }

    // No leak through the home list: only members see the board.
    for (role, actor, _) in &roles[..3] {
        let mine = grpc
            .list_my_recipients(pb::ListMyRecipientsRequest {
                actor: Some(actor.clone()),
            })
            .await
            .unwrap()
            .into_inner();
        assert!(
            mine.recipients.iter().all(|r| r.id != board),
            "{role} sees the board on the home list"
        );
    }
    // The suspended user can no longer log in at all.
    assert!(people::session(&w.stack, &w.care, &w.helper).await.is_err());
    // Every refusal left an audit record in identity's trail.
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'board.read' AND outcome = 'denied'",
        )
        .fetch_one(&identity)
        .await
        .unwrap()
            >= 4
    })
    .await;
}

/// What the matrix calls the endpoints on.
#[derive(Clone, Copy)]
struct Targets<'a> {
    board: &'a str,
    urgent_post: &'a str,
    incident: &'a str,
}

/// One cell of the matrix: the endpoint called as `actor`; the code it answered with.
#[allow(clippy::too_many_arguments)]
async fn call(
    grpc: &mut CareboardClient<Channel>,
    endpoint: &str,
    actor: &Actor,
    targets: &Targets<'_>,
    w: &World,
    session: Option<&Session>,
    nurse: &Actor,
    rep: &Actor,
) -> Code {
    let Targets {
        board,
        urgent_post,
        incident,
    } = *targets;
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
    let code = |result: Result<(), tonic::Status>| result.err().map_or(Code::Ok, |s| s.code());
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
                grpc.add_member(member(actor, board, &w.outsider.id))
                    .await
                    .map(drop),
            );
            if c == Code::Ok {
                grpc.remove_member(member(rep, board, &w.outsider.id))
                    .await
                    .unwrap();
            }
            c
        }
        "RemoveMember" => {
            let c = code(
                grpc.remove_member(member(actor, board, &w.nurse.id))
                    .await
                    .map(drop),
            );
            if c == Code::Ok {
                grpc.add_member(member(rep, board, &w.nurse.id))
                    .await
                    .unwrap();
            }
            c
        }
        "HandOver" => {
            let c = code(
                grpc.hand_over(member(actor, board, &w.nurse.id))
                    .await
                    .map(drop),
            );
            if c == Code::Ok {
                grpc.hand_over(member(nurse, board, &w.care_manager.id))
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
                status: "対応中".into(),
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
        page => {
            let Some(s) = session else {
                return Code::PermissionDenied;
            };
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
    }
}

/// The matrix above stays whole: every RPC of the careboard contract is in it, but the one that
/// takes no actor.
#[test]
fn the_matrix_names_every_careboard_rpc() {
    const CONTRACT: &str = include_str!("../../../proto/renrakucho/careboard.proto");
    let mut rpcs: Vec<&str> = CONTRACT
        .lines()
        .filter_map(|l| l.trim().strip_prefix("rpc "))
        .filter_map(|l| l.split('(').next())
        .filter(|name| *name != "ListBoardChoices")
        .collect();
    let mut in_matrix: Vec<&str> = ENDPOINTS
        .iter()
        .copied()
        .filter(|e| !e.starts_with("page "))
        .collect();
    assert_eq!(rpcs.len(), 28, "the contract was read: {rpcs:?}");
    rpcs.sort_unstable();
    in_matrix.sort_unstable();
    assert_eq!(rpcs, in_matrix, "the matrix lists the contract's RPCs");
}
