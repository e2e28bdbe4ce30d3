//! The two offices, their people and the helpers every careboard scenario shares.

use proto::careboard as pb;
use proto::careboard::board_files_client::BoardFilesClient;
use proto::careboard::careboard_client::CareboardClient;
use proto::common::{Actor, Role};
use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::people::{self, NewPerson, Office, Person};
use system_tests::s3::S3Server;
use system_tests::{Stack, StackOptions};
use tonic::transport::Channel;

/// Two offices and the people of the scenarios: a care manager who registers the recipient (the
/// representative), a visiting nurse from the other office, and people around them.
pub struct World {
    pub stack: Stack,
    pub op: Session,
    pub care: Office,
    pub nursing: Office,
    pub care_manager: Person,
    pub nurse: Person,
    pub outsider: Person,
    pub leaver: Person,
    pub other_admin: Person,
    pub helper: Person,
    /// The S3-compatible store careboard keeps its files in, when the world runs on one.
    pub s3: Option<S3Server>,
    /// The stack's directory (its local object store is `objects/` in it).
    pub dir: tempfile::TempDir,
}

/// Where careboard keeps the board's files in a world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// A directory of the stack's (`file://`), as on a developer's machine.
    Directory,
    /// A real S3-compatible server, as in production.
    S3,
}

pub async fn world(prefix: &str) -> World {
    world_with(prefix, &[]).await
}

/// A world whose binaries run with `env` besides the test defaults.
pub async fn world_with(prefix: &str, env: &[(&str, &str)]) -> World {
    world_on(prefix, env, Store::Directory).await
}

/// A world whose binaries run with `env`, careboard keeping its files in `store`.
pub async fn world_on(prefix: &str, env: &[(&str, &str)], store: Store) -> World {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
    let mut options = StackOptions::for_test(dir.path()).with_env(env);
    let s3 = match store {
        Store::Directory => None,
        Store::S3 => Some(S3Server::start(dir.path()).await.unwrap()),
    };
    options.env.extend(s3.iter().flat_map(S3Server::env));
    let stack = Stack::start(options).await.unwrap();
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
        s3,
        dir,
    }
}

impl World {
    /// careboard's gRPC endpoint, reached with the gateway's service certificate: what a
    /// compromised or buggy gateway could send.
    pub fn careboard(&self) -> CareboardClient<Channel> {
        Self::careboard_of(&self.stack)
    }

    /// The same, for a stack started with its own options.
    pub fn careboard_of(stack: &Stack) -> CareboardClient<Channel> {
        CareboardClient::new(Self::channel_of(stack))
    }

    fn channel_of(stack: &Stack) -> Channel {
        system_tests::grpc::as_gateway(stack, "careboard").unwrap()
    }

    /// careboard's board files, reached as `careboard()` is.
    pub fn board_files(&self) -> BoardFilesClient<Channel> {
        BoardFilesClient::new(Self::channel_of(&self.stack))
    }

    /// The directory whose files are the objects careboard stored, whichever the store.
    pub fn objects_dir(&self) -> std::path::PathBuf {
        self.s3
            .as_ref()
            .map_or_else(|| self.dir.path().join("objects"), S3Server::bucket_dir)
    }

    /// How many objects the store holds: files under its directory (the S3 server keeps each
    /// object as a file in its bucket's folder, its own bookkeeping beside that folder). A put
    /// cut short by a kill leaves the local store's staging file (named with `#`), which is
    /// never an object: no read or listing sees it.
    pub fn objects(&self) -> usize {
        fn walk(p: &std::path::Path) -> usize {
            std::fs::read_dir(p).map_or(0, |entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| {
                        if e.path().is_dir() {
                            walk(&e.path())
                        } else {
                            usize::from(!e.file_name().to_string_lossy().contains('#'))
                        }
                    })
                    .sum()
            })
        }
        walk(&self.objects_dir())
    }

    pub fn actor(person: &Person, office: &Office, role: Role) -> Actor {
        Actor {
            user_id: person.id.clone(),
            office_id: office.id.clone(),
            role: role.into(),
            cert_serial: String::new(),
        }
    }

    pub async fn operator_actor(&self) -> Actor {
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

    pub async fn session(&self, office: &Office, person: &Person) -> Session {
        people::session(&self.stack, office, person).await.unwrap()
    }

    /// The city suspends `person`, and careboard has heard of it (by identity's event).
    pub async fn suspend_and_wait_for_careboard(&self, person: &Person) {
        self.suspend(person).await;
        let db = self.stack.database("careboard").await.unwrap();
        wait_until(Duration::from_secs(10), async || {
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM inactive_users WHERE user_id = $1::uuid)",
            )
            .bind(&person.id)
            .fetch_one(&db)
            .await
            .unwrap()
        })
        .await;
    }

    /// The city suspends `person` (利用停止), as after a lost tablet.
    pub async fn suspend(&self, person: &Person) {
        let answer = self
            .op
            .post(
                &format!("/api/v1/operator/users/{}/suspension", person.id),
                &serde_json::json!({"suspended": true, "reason": "端末紛失"}),
            )
            .await
            .unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
}

pub fn consent() -> pb::ConsentFields {
    pb::ConsentFields {
        obtained_on: "2026-11-01".into(),
        obtained_by: "ケアマネジャー 鈴木".into(),
        office_keeps_copy: true,
        recipient_keeps_original: true,
    }
}

pub fn fields(name: &str, kana: &str) -> pb::RecipientFields {
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

pub async fn register(
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

pub fn member(actor: &Actor, recipient: &str, user: &str) -> pb::MemberRequest {
    pb::MemberRequest {
        actor: Some(actor.clone()),
        recipient_id: recipient.into(),
        user_id: user.into(),
    }
}

pub async fn wait_until(limit: Duration, mut check: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !check().await {
        assert!(
            start.elapsed() < limit,
            "condition not reached within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The form fields of a good registration, as the page posts them.
pub fn good_form() -> Vec<(&'static str, String)> {
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

pub fn with(
    form: &[(&'static str, String)],
    field: &str,
    value: &str,
) -> Vec<(&'static str, String)> {
    form.iter()
        .filter(|(k, _)| *k != field)
        .cloned()
        .chain((!value.is_empty()).then(|| (leak(field), value.to_owned())))
        .collect()
}

pub fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

pub async fn post_form(
    s: &Session,
    path: &str,
    form: &[(&'static str, String)],
) -> system_tests::api::Answer {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.post_form(path, &fields).await.unwrap()
}

pub fn html(a: &system_tests::api::Answer) -> &str {
    a.body.as_str().unwrap_or_default()
}

pub async fn count(db: &sqlx::PgPool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(db)
        .await
        .unwrap()
}
