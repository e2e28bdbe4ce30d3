//! 連絡帳 across offices: recipients registered with consent, teams, posts, 既読 and 確認, the
//! urgent email, closing, and who may do what — checked in careboard itself, not only at the
//! gateway.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use proto::careboard as pb;
use proto::careboard::careboard_client::CareboardClient;
use proto::common::{Actor, Role};
use serde_json::json;
use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::people::{self, NewPerson, Office, Person};
use system_tests::{Stack, StackOptions};
use tonic::Code;
use tonic::transport::Channel;

/// Two offices and the people of the scenarios: a care manager who registers the recipient (the
/// representative), a visiting nurse from the other office, and people around them.
struct World {
    stack: Stack,
    op: Session,
    care: Office,
    nursing: Office,
    care_manager: Person,
    nurse: Person,
    outsider: Person,
    leaver: Person,
    other_admin: Person,
    helper: Person,
    _dir: tempfile::TempDir,
}

async fn world(prefix: &str) -> World {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let certs = dir.path().join("devices");
    let people::TwoOffices {
        care,
        nursing,
        care_manager,
        nurse,
    } = people::two_offices(&stack, &op, &certs).await.unwrap();
    let person = async |office: &Office,
                        login_id: &str,
                        name: &str,
                        kana: &str,
                        profession: &str,
                        office_admin: bool| {
        people::person(
            &stack,
            &op,
            office,
            &NewPerson {
                login_id,
                name,
                kana,
                profession,
                office_admin,
            },
        )
        .await
        .unwrap()
    };
    let outsider = person(
        &nursing,
        "ns.tanaka",
        "田中 次郎",
        "タナカ ジロウ",
        "看護師",
        false,
    )
    .await;
    let leaver = person(
        &care,
        "cm.kato",
        "加藤 三郎",
        "カトウ サブロウ",
        "ケアマネジャー",
        false,
    )
    .await;
    let other_admin = person(
        &nursing,
        "ns.admin",
        "山本 管理",
        "ヤマモト カンリ",
        "看護師",
        true,
    )
    .await;
    let helper = person(
        &care,
        "hp.ito",
        "伊藤 ヘルパー",
        "イトウ ヘルパー",
        "ヘルパー",
        false,
    )
    .await;
    World {
        stack,
        op,
        care,
        nursing,
        care_manager,
        nurse,
        outsider,
        leaver,
        other_admin,
        helper,
        _dir: dir,
    }
}

impl World {
    /// careboard's gRPC endpoint, reached with the gateway's service certificate: what a
    /// compromised or buggy gateway could send.
    fn careboard(&self) -> CareboardClient<Channel> {
        let url = self
            .stack
            .service_env("gateway")
            .into_iter()
            .find(|(k, _)| k == "CAREBOARD_URL")
            .unwrap()
            .1;
        let files = self.stack.pki.files("gateway");
        let tls = common::config::TlsFiles {
            ca: self.stack.pki.ca.clone(),
            cert: files.cert,
            key: files.key,
        };
        CareboardClient::new(common::grpc::channel(&url, &tls).unwrap())
    }

    fn actor(person: &Person, office: &Office, role: Role) -> Actor {
        Actor {
            user_id: person.id.clone(),
            office_id: office.id.clone(),
            role: role.into(),
            cert_serial: String::new(),
        }
    }

    async fn operator_actor(&self) -> Actor {
        let db = self.stack.database("identity").await.unwrap();
        let (id, office): (uuid::Uuid, uuid::Uuid) =
            sqlx::query_as("SELECT id, office_id FROM users WHERE login_id = $1")
                .bind(&self.stack.bootstrap.operator.login_id)
                .fetch_one(&db)
                .await
                .unwrap();
        Actor {
            user_id: id.to_string(),
            office_id: office.to_string(),
            role: Role::Operator.into(),
            cert_serial: String::new(),
        }
    }

    async fn session(&self, office: &Office, person: &Person) -> Session {
        people::session(&self.stack, office, person).await.unwrap()
    }
}

fn consent() -> pb::ConsentFields {
    pb::ConsentFields {
        obtained_on: "2026-11-01".into(),
        obtained_by: "ケアマネジャー 鈴木".into(),
        office_keeps_copy: true,
        recipient_keeps_original: true,
    }
}

fn fields(name: &str, kana: &str) -> pb::RecipientFields {
    pb::RecipientFields {
        name: name.into(),
        kana: kana.into(),
        birth_date: "1938-04-01".into(),
        sex: "女性".into(),
        address: "茨城県高萩市本町1-100".into(),
        phone: "0293-22-0000".into(),
        insured_number: "0123456789".into(),
        medical_insurance: "後期高齢者医療".into(),
        care_level: "要介護2".into(),
        primary_doctor: "高萩クリニック 医師".into(),
        key_notes: "ペニシリンアレルギー".into(),
    }
}

async fn register(
    grpc: &mut CareboardClient<Channel>,
    actor: &Actor,
    name: &str,
    kana: &str,
) -> String {
    let r = grpc
        .register_recipient(pb::RegisterRecipientRequest {
            actor: Some(actor.clone()),
            consent: Some(consent()),
            fields: Some(fields(name, kana)),
            allow_duplicate: true,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!r.recipient_id.is_empty());
    r.recipient_id
}

fn member(actor: &Actor, recipient: &str, user: &str) -> pb::MemberRequest {
    pb::MemberRequest {
        actor: Some(actor.clone()),
        recipient_id: recipient.into(),
        user_id: user.into(),
    }
}

async fn wait_until(limit: Duration, mut check: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !check().await {
        assert!(
            start.elapsed() < limit,
            "condition not reached within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A role of the matrix: its name, the actor careboard sees, and who logs in for the pages.
type Row<'a> = (&'static str, Actor, Option<(&'a Office, &'a Person)>);

/// Every careboard RPC that takes an actor (`ListBoardChoices` takes none: it answers the fixed
/// lists of the forms), and the gateway's pages and streams of a board.
const ENDPOINTS: [&str; 27] = [
    "ListMyRecipients",
    "RegisterRecipient",
    "GetRecipient",
    "UpdateRecipient",
    "ListRecipientHistory",
    "ListPosts",
    "GetPost",
    "CreatePost",
    "MarkRead",
    "AcknowledgePost",
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
        })
        .await
        .unwrap()
        .into_inner();
    let suspended =
        w.op.post(
            &format!("/api/v1/operator/users/{}/suspension", w.helper.id),
            &json!({"suspended": true, "reason": "端末紛失"}),
        )
        .await
        .unwrap();
    assert_eq!(suspended.status, 200, "{}", suspended.body);
    let careboard_db = w.stack.database("careboard").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM inactive_users WHERE user_id = $1::uuid)",
        )
        .bind(&w.helper.id)
        .fetch_one(&careboard_db)
        .await
        .unwrap()
    })
    .await;
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
            })
            .await
            .map(drop),
        ),
        "MarkRead" => code(grpc.mark_read(post()).await.map(drop)),
        "AcknowledgePost" => code(grpc.acknowledge_post(post()).await.map(drop)),
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
            let status = if path.ends_with("/events") {
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

/// The form fields of a good registration, as the page posts them.
fn good_form() -> Vec<(&'static str, String)> {
    [
        ("obtained_on", "2026-11-01"),
        ("obtained_by", "ケアマネジャー 鈴木"),
        ("office_keeps_copy", "1"),
        ("recipient_keeps_original", "1"),
        ("name", "高萩 梅子"),
        ("kana", "ﾀｶﾊｷﾞ ｳﾒｺ"),
        ("birth_date", "1935/7/7"),
        ("sex", "女性"),
        ("address", "茨城県高萩市春日町2-3"),
        ("phone", "0293-23-1111"),
        ("insured_number", "１２３４５６７８９０"),
        ("medical_insurance", "後期高齢者医療"),
        ("care_level", "要介護３"),
        ("primary_doctor", "春日内科 医師"),
        // As a browser sends a textarea's line breaks.
        ("key_notes", "糖尿病\r\n自宅で過ごしたいとの希望"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn with(form: &[(&'static str, String)], field: &str, value: &str) -> Vec<(&'static str, String)> {
    form.iter()
        .filter(|(k, _)| *k != field)
        .cloned()
        .chain((!value.is_empty()).then(|| (leak(field), value.to_owned())))
        .collect()
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

async fn post_form(
    s: &Session,
    path: &str,
    form: &[(&'static str, String)],
) -> system_tests::api::Answer {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.post_form(path, &fields).await.unwrap()
}

fn html(a: &system_tests::api::Answer) -> &str {
    a.body.as_str().unwrap_or_default()
}

async fn count(db: &sqlx::PgPool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_is_checked_and_a_refused_form_stores_nothing() {
    let w = world("rk-board-input-").await;
    let cm = w.session(&w.care, &w.care_manager).await;
    let db = w.stack.database("careboard").await.unwrap();
    let good = good_form();
    let bad: [(&str, &str); 15] = [
        ("obtained_on", "2099-01-01"),
        ("obtained_by", ""),
        ("office_keeps_copy", ""),
        ("recipient_keeps_original", ""),
        ("name", ""),
        ("kana", "梅子"),
        ("birth_date", "1880-01-01"),
        ("sex", "不明"),
        ("address", ""),
        ("phone", "12"),
        ("insured_number", "12345"),
        ("medical_insurance", &"長".repeat(201)),
        ("care_level", "要介護6"),
        ("primary_doctor", &"長".repeat(101)),
        ("key_notes", &"長".repeat(2001)),
    ];
    for (field, value) in bad {
        let a = post_form(&cm, "/recipients", &with(&good, field, value)).await;
        assert_eq!(a.status, 422, "{field}={value:.20}");
        let page = html(&a);
        assert!(
            page.contains(&format!("data-field=\"{field}\"")),
            "{field} is pointed out"
        );
        assert!(
            page.contains("高萩 梅子") || field == "name",
            "what was typed comes back"
        );
        assert_eq!(
            count(&db, "recipients").await,
            0,
            "nothing stored after a wrong {field}"
        );
    }
    println!(
        "recipient form: {} wrong fields refused, nothing stored",
        bad.len()
    );

    let saved = post_form(&cm, "/recipients", &good).await;
    assert_eq!(saved.status, 303, "{}", html(&saved));
    let (id, kana, insured): (uuid::Uuid, String, String) =
        sqlx::query_as("SELECT id, kana, insured_number FROM recipients")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(kana, "タカハギ ウメコ", "half-width kana is normalised");
    assert_eq!(insured, "1234567890");
    let consent: (String, bool, bool, bool) = sqlx::query_as(
        "SELECT obtained_by, fax_received_at IS NULL, office_keeps_copy, recipient_keeps_original \
         FROM consents WHERE recipient_id = $1",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        consent,
        ("ケアマネジャー 鈴木".to_owned(), true, true, true)
    );
    let notes: String = sqlx::query_scalar("SELECT key_notes FROM recipients WHERE id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(notes, "糖尿病\n自宅で過ごしたいとの希望");
    let info = cm.get(&format!("/recipients/{id}")).await.unwrap();
    assert!(html(&info).contains("事業所で保管") && html(&info).contains("ご本人が保管"));

    // The same kana and birth date again: pointed out before saving.
    let again = post_form(&cm, "/recipients", &with(&good, "kana", "タカハギウメコ")).await;
    assert_eq!(again.status, 409);
    assert!(html(&again).contains("同じ方が既に登録されている可能性があります"));
    assert_eq!(count(&db, "recipients").await, 1);
    // Showing the possible duplicate is recorded as a read of that recipient.
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'recipient.duplicate_shown' AND target_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(&identity)
        .await
        .unwrap()
            == 1
    })
    .await;
    let anyway = post_form(
        &cm,
        "/recipients",
        &with(
            &with(&good, "kana", "タカハギウメコ"),
            "allow_duplicate",
            "1",
        ),
    )
    .await;
    assert_eq!(anyway.status, 303);
    assert_eq!(count(&db, "recipients").await, 2);

    // Posts: 1,000 characters pass, 1,001 are refused with the text kept, nothing stored.
    let board = format!("/boards/{id}");
    let long = "あ".repeat(1001);
    let refused = cm
        .post_form(
            &format!("{board}/posts"),
            &[("body", &long), ("category", "")],
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 422);
    assert!(html(&refused).contains("1,000文字以内"));
    assert!(
        html(&refused).contains(&long),
        "the refused text is shown again"
    );
    assert_eq!(count(&db, "posts").await, 0);
    for (body, category) in [("", ""), ("食事量が減っています", "料理")] {
        let a = cm
            .post_form(
                &format!("{board}/posts"),
                &[("body", body), ("category", category)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 422, "{body:?} {category:?}");
    }
    assert_eq!(count(&db, "posts").await, 0);
    let fits = cm
        .post_form(
            &format!("{board}/posts"),
            &[("body", &"あ".repeat(1000)), ("category", "その他")],
        )
        .await
        .unwrap();
    assert_eq!(fits.status, 303);
    assert_eq!(count(&db, "posts").await, 1);

    // Basic info: every change is kept, before and after.
    let edited = post_form(
        &cm,
        &format!("/recipients/{id}/edit"),
        &with(&good, "care_level", "要介護4"),
    )
    .await;
    assert_eq!(edited.status, 303, "{}", html(&edited));
    let history = cm.get(&format!("/recipients/{id}/history")).await.unwrap();
    let history = html(&history);
    assert!(
        history.contains("要介護度") && history.contains("要介護3") && history.contains("要介護4")
    );
    assert!(history.contains("鈴木 一郎"), "who changed it");

    // Closing: a reason from the list; then read-only and off the home list, but kept.
    let wrong = cm
        .post_form(&format!("/recipients/{id}/close"), &[("reason", "飽きた")])
        .await
        .unwrap();
    assert_eq!(wrong.status, 422);
    let closed = cm
        .post_form(
            &format!("/recipients/{id}/close"),
            &[("reason", "転居"), ("note", "11月に県外の家族宅へ")],
        )
        .await
        .unwrap();
    assert_eq!(closed.status, 303);
    let late = cm
        .post_form(&format!("{board}/posts"), &[("body", "追記")])
        .await
        .unwrap();
    assert_eq!(late.status, 409);
    assert_eq!(count(&db, "posts").await, 1);
    let home = cm.get("/home").await.unwrap();
    assert!(
        !html(&home).contains(&id.to_string()),
        "a closed board leaves the home list"
    );
    // Listing one's recipients on the home page is recorded too.
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'recipient.list' AND actor_user_id = $1::uuid",
        )
        .bind(&w.care_manager.id)
        .fetch_one(&identity)
        .await
        .unwrap()
            >= 1
    })
    .await;
    let kept = cm.get(&board).await.unwrap();
    assert_eq!(kept.status, 200);
    assert!(html(&kept).contains("共有を終了しました"));
    let info = cm.get(&format!("/recipients/{id}")).await.unwrap();
    assert!(
        html(&info).contains("11月に県外の家族宅へ"),
        "the closing note is shown"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_urgent_post_while_notify_is_down_is_mailed_once_it_is_back() {
    let mut w = world("rk-board-urgent-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 松子", "タカハギ マツコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    w.stack.stop_binary("notify");
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let text = "夜間に38.5℃の発熱。主治医に報告済み";
    let posted = nurse
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", text), ("category", "バイタル"), ("urgent", "1")],
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 303);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let to_cm = |stack: &Stack| {
        stack
            .mails()
            .into_iter()
            .filter(|m| m.contains(&w.care_manager.email))
            .collect::<Vec<_>>()
    };
    assert!(
        to_cm(&w.stack).is_empty(),
        "nothing is sent while notify is down"
    );
    w.stack.start_binary("notify").unwrap();
    wait_until(Duration::from_secs(20), async || {
        !to_cm(&w.stack).is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mails = to_cm(&w.stack);
    assert_eq!(mails.len(), 1, "exactly one email");
    let mail = &mails[0];
    assert!(
        mail.contains(&format!("/boards/{board}")),
        "the link to the board"
    );
    for secret in ["高萩 松子", "タカハギ", text, "発熱", "佐藤"] {
        assert!(
            !mail.contains(secret),
            "the email must not contain {secret}"
        );
    }
    assert!(
        w.stack.mails().iter().all(|m| !m.contains(&w.nurse.email)),
        "the author is not mailed"
    );

    // The board closes before the care manager got to it: the post, shown on its own as a live
    // page asks for it, offers neither 既読 nor 確認 any more.
    let cm = w.session(&w.care, &w.care_manager).await;
    let db = w.stack.database("careboard").await.unwrap();
    let post: uuid::Uuid = sqlx::query_scalar("SELECT id FROM posts WHERE urgent")
        .fetch_one(&db)
        .await
        .unwrap();
    let fragment = format!("/boards/{board}/posts/{post}");
    let open = cm.get(&fragment).await.unwrap();
    assert!(
        html(&open).contains("確認しました</button>"),
        "{}",
        html(&open)
    );
    grpc.close_board(pb::CloseBoardRequest {
        actor: Some(rep.clone()),
        recipient_id: board.clone(),
        reason: "転居".into(),
        note: String::new(),
    })
    .await
    .unwrap();
    let closed = cm.get(&fragment).await.unwrap();
    assert_eq!(closed.status, 200);
    assert!(html(&closed).contains(text), "still readable");
    assert!(
        !html(&closed).contains("</button>"),
        "no marks on a closed board: {}",
        html(&closed)
    );
}

/// What a live stream says until it ends, or `None` if it is still open after `limit`.
async fn until_end(stream: &mut reqwest::Response, limit: Duration) -> Option<String> {
    let mut said = String::new();
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.chunk()).await {
            Err(_) => return None,
            Ok(Ok(Some(bytes))) => said.push_str(&String::from_utf8_lossy(&bytes)),
            Ok(_) => return Some(said),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_stream_ends_when_its_reader_is_removed_or_suspended() {
    let w = world("rk-board-live-end-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    for p in [&w.nurse, &w.helper] {
        grpc.add_member(member(&rep, &board, &p.id)).await.unwrap();
    }
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let helper = w.session(&w.care, &w.helper).await;
    let events = format!("/boards/{board}/events");
    let mut nurse_stream = nurse.stream(&events).await.unwrap();
    let mut helper_stream = helper.stream(&events).await.unwrap();
    assert_eq!(nurse_stream.status(), 200);
    assert_eq!(helper_stream.status(), 200);

    // Removed: the nurse's stream ends at once; the helper's goes on.
    grpc.remove_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let said = until_end(&mut nurse_stream, Duration::from_secs(10))
        .await
        .expect("the removed member's stream is still open");
    assert!(!said.contains("高萩"), "{said}");
    assert!(
        until_end(&mut helper_stream, Duration::from_secs(1))
            .await
            .is_none(),
        "a member's stream ended with another's removal"
    );
    let again = nurse.get(&events).await.unwrap();
    assert_ne!(
        again.status, 200,
        "a removed member opened the stream again"
    );

    // Suspended by the city: every stream of theirs ends.
    let suspended =
        w.op.post(
            &format!("/api/v1/operator/users/{}/suspension", w.helper.id),
            &json!({"suspended": true, "reason": "端末紛失"}),
        )
        .await
        .unwrap();
    assert_eq!(suspended.status, 200, "{}", suspended.body);
    assert!(
        until_end(&mut helper_stream, Duration::from_secs(10))
            .await
            .is_some(),
        "the suspended user's stream is still open"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_consent_register_pages_through_every_registration_and_confirms_faxes() {
    let w = world("rk-consents-").await;
    let db = w.stack.database("careboard").await.unwrap();
    // Earlier registrations than the one made below (recipient ids are UUIDv7s).
    let earlier: Vec<uuid::Uuid> = (0..250).map(|_| uuid::Uuid::now_v7()).collect();
    let office: uuid::Uuid = w.care.id.parse().unwrap();
    let registrar: uuid::Uuid = w.care_manager.id.parse().unwrap();
    sqlx::query(
        "INSERT INTO recipients (id, display_name, kana, birth_date, sex, address, care_level, status, \
         created_at, updated_at, registered_by, registered_office) \
         SELECT id, '試験 ' || n, 'シケン', date '1940-01-01', '女性', '茨城県高萩市', '要介護1', 'active', \
         now(), now(), $2, $3 FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)",
    )
    .bind(&earlier)
    .bind(registrar)
    .bind(office)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO consents (recipient_id, obtained_on, obtained_by, office_id, office_name, recorded_by, \
         recorded_by_name, recorded_at, office_keeps_copy, recipient_keeps_original, fax_received_at) \
         SELECT id, date '2026-10-01', '試験 一郎', $2, '試験事業所', $3, '試験 一郎', now(), true, true, now() \
         FROM unnest($1::uuid[]) AS t(id)",
    )
    .bind(&earlier)
    .bind(office)
    .bind(registrar)
    .execute(&db)
    .await
    .unwrap();
    let cm = w.session(&w.care, &w.care_manager).await;
    assert_eq!(
        post_form(&cm, "/recipients", &good_form()).await.status,
        303
    );
    let newest: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM recipients WHERE display_name = '高萩 梅子'")
            .fetch_one(&db)
            .await
            .unwrap();

    // Every registration is reachable, page after page, each once.
    let rows = |page: &str| -> Vec<String> {
        page.split("<tr data-recipient=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().to_owned())
            .collect()
    };
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut path = "/operator/consents".to_owned();
    loop {
        let page = w.op.get(&path).await.unwrap();
        assert_eq!(page.status, 200);
        let body = html(&page);
        pages.push(rows(body).len());
        seen.extend(rows(body));
        match body.split("id=\"consents-older\" href=\"").nth(1) {
            Some(rest) => path = rest.split('"').next().unwrap().replace("&amp;", "&"),
            None => break,
        }
    }
    assert_eq!(pages, vec![200, 51], "pages of 200");
    assert_eq!(seen.len(), 251, "every registration is listed");
    assert_eq!(seen[0], newest.to_string(), "the newest registration first");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 251, "no registration twice");
    println!("consent register: 251 registrations over pages of 200");

    // The FAX copy of the new one arrives: confirmed, and it leaves the pending list.
    let pending = w.op.get("/operator/consents?pending=1").await.unwrap();
    assert_eq!(rows(html(&pending)), vec![newest.to_string()]);
    let confirmed =
        w.op.post_form(&format!("/operator/consents/{newest}/fax"), &[])
            .await
            .unwrap();
    assert_eq!(confirmed.status, 303);
    let pending = w.op.get("/operator/consents?pending=1").await.unwrap();
    assert!(rows(html(&pending)).is_empty());
    assert!(html(&pending).contains("該当する同意書はありません"));
    let received: bool = sqlx::query_scalar(
        "SELECT fax_received_at IS NOT NULL FROM consents WHERE recipient_id = $1",
    )
    .bind(newest)
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(received);
}
