//! identity's use cases: accounts made by the city, a device enrolled once from its code, logins
//! locked after failures, a password changed, sessions ended by idleness or another certificate.

use crate::{clock, database, outbox, subjects};
use chrono::Duration;
use common::clock::{ManualClock, SharedClock};
use common::ids::{CertSerial, OfficeId, UserId};
use identity::domain::access::Actor;
use identity::domain::ca::Kek;
use identity::domain::password::Weakness;
use identity::domain::session::SessionPolicy;
use identity::domain::{DomainError, Role};
use identity::error::Error;
use identity::service::accounts::UserInput;
use identity::service::{CpuPool, Identity, Rules, load_or_create_ca};
use std::sync::Arc;
use system_tests::scratch::ScratchDb;

const IDLE: Duration = Duration::minutes(30);
const PASSWORD: &str = "kawa no asa wa shizuka desu";

/// identity as `identity::serve` builds it (its CA created in the fresh database), over `db`,
/// with `clock`.
pub(crate) async fn identity(db: &ScratchDb, clock: &ManualClock) -> Identity {
    let clock: SharedClock = Arc::new(clock.clone());
    let store = identity::store::Store::new(db.pool.clone(), Arc::new(tokio::sync::Notify::new()));
    let kek = Kek::from_bytes(&[7u8; 32]).unwrap();
    let ca = load_or_create_ca(&store, &kek, &clock).await.unwrap();
    Identity::new(
        store,
        clock,
        Rules {
            session: SessionPolicy {
                idle: IDLE,
                absolute: Duration::hours(12),
            },
            cert_validity: Duration::days(365),
            code_days: 14,
        },
        ca,
        kek,
        CpuPool::new(2),
    )
}

pub(crate) fn operator() -> Actor {
    Actor {
        user_id: UserId::new_v7(),
        office_id: OfficeId::new_v7(),
        role: Role::Operator,
        cert_serial: "0a1b".parse().ok(),
    }
}

fn refused_as(result: Result<impl Sized, Error>, expected: &DomainError) {
    match result {
        Err(Error::Domain(e)) => assert_eq!(&e, expected),
        Err(other) => panic!("expected {expected:?}, got {other:?}"),
        Ok(_) => panic!("expected {expected:?}, got a success"),
    }
}

/// An office's device, enrolled from a code the city issued: its certificate's serial.
async fn device(identity: &Identity, office: OfficeId) -> CertSerial {
    let (number, secret, _) = identity
        .issue_code(
            &operator(),
            office,
            "高萩訪問看護ステーション",
            "houkan@example.jp",
        )
        .await
        .unwrap();
    identity
        .enroll(
            &number,
            &secret,
            "事務所PC",
            "file password",
            false,
            "192.0.2.1",
        )
        .await
        .unwrap()
        .serial
        .parse()
        .unwrap()
}

/// What the city types for a new account of `office`.
fn account<'a>(name: &'a str, kana: &'a str, email: &'a str) -> UserInput<'a> {
    UserInput {
        name,
        kana,
        profession: "看護師",
        email,
        office_admin: false,
    }
}

/// identity on a fresh database, a nurse the city created and her office's enrolled device.
struct Desk {
    db: ScratchDb,
    clock: ManualClock,
    identity: Identity,
    office: OfficeId,
    /// The device's certificate serial.
    serial: CertSerial,
    login: String,
    initial: String,
}

async fn desk() -> Desk {
    let db = database(&identity::MIGRATOR).await;
    let clock = clock();
    let identity = identity(&db, &clock).await;
    let office = OfficeId::new_v7();
    let serial = device(&identity, office).await;
    let (user, initial) = identity
        .create_user(
            &operator(),
            Some(office),
            "ns.sato",
            &account("佐藤 花子", "ｻﾄｳ ﾊﾅｺ", "sato@example.jp"),
        )
        .await
        .unwrap();
    Desk {
        db,
        clock,
        identity,
        office,
        serial,
        login: user.login_id,
        initial,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_city_creates_an_account_whose_first_password_must_change() {
    let db = database(&identity::MIGRATOR).await;
    let identity = identity(&db, &clock()).await;
    let office = OfficeId::new_v7();
    let (user, initial) = identity
        .create_user(
            &operator(),
            Some(office),
            "ns.sato",
            &account(" 佐藤 花子 ", "ｻﾄｳ ﾊﾅｺ", "sato@example.jp"),
        )
        .await
        .unwrap();
    assert_eq!(user.name, "佐藤 花子");
    assert_eq!(user.kana, "サトウ ハナコ", "half-width kana normalised");
    assert_eq!((user.office_id, user.role.as_str()), (office, "staff"));
    assert!(user.must_change_password);
    assert_ne!(user.password_hash, initial, "only a hash is kept");
    assert!(
        subjects(&db.pool)
            .await
            .contains(&"audit.identity.user.create".to_owned())
    );

    let again = identity
        .create_user(
            &operator(),
            Some(office),
            "NS.Sato",
            &account("佐藤 次郎", "サトウ ジロウ", "jiro@example.jp"),
        )
        .await;
    refused_as(again, &DomainError::LoginIdTaken);
    let staff = Actor {
        role: Role::Staff,
        office_id: office,
        ..operator()
    };
    let by_staff = identity
        .create_user(
            &staff,
            None,
            "ns.tanaka",
            &account("田中 恵", "タナカ メグミ", "tanaka@example.jp"),
        )
        .await;
    refused_as(by_staff, &DomainError::Forbidden);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enrollment_code_buys_one_certificate_once_and_not_after_it_expires() {
    let db = database(&identity::MIGRATOR).await;
    let clock = clock();
    let identity = identity(&db, &clock).await;
    let office = OfficeId::new_v7();
    let city = operator();
    let (number, secret, expires) = identity
        .issue_code(&city, office, "高萩薬局", "yakkyoku@example.jp")
        .await
        .unwrap();
    assert_eq!(expires, crate::morning() + Duration::days(14));
    // The event asking notify to mail the code carries no secret.
    let events = outbox(&db.pool).await;
    let issued = events
        .iter()
        .find(|(s, _)| s == "identity.enrollment_code.issued")
        .expect("the code's mail is asked for by an event");
    assert!(!issued.1.to_string().contains(&secret));
    assert!(!issued.1.to_string().contains(&secret.replace('-', "")));

    let enrolled = identity
        .enroll(
            &number,
            &secret.to_lowercase(),
            "受付PC",
            "file password",
            false,
            "192.0.2.1",
        )
        .await
        .unwrap();
    assert_eq!(enrolled.office_name, "高萩薬局");
    assert_eq!(enrolled.not_after, crate::morning() + Duration::days(365));
    let again = identity
        .enroll(
            &number,
            &secret,
            "二台目",
            "file password",
            false,
            "192.0.2.1",
        )
        .await;
    refused_as(again, &DomainError::EnrollmentRefused);

    let (late_number, late_secret, _) = identity
        .issue_code(&city, office, "高萩薬局", "yakkyoku@example.jp")
        .await
        .unwrap();
    clock.advance(Duration::days(14));
    let late = identity
        .enroll(
            &late_number,
            &late_secret,
            "受付PC",
            "file password",
            false,
            "192.0.2.1",
        )
        .await;
    refused_as(late, &DomainError::EnrollmentRefused);
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_passwords_lock_the_login_for_a_minute() {
    // The database is held to the end: dropped, it leaves the cluster.
    let Desk {
        db: _db,
        clock,
        identity,
        serial,
        login,
        initial,
        ..
    } = desk().await;
    for attempt in 1..=4 {
        let wrong = identity.login(&login, "not her password", &serial).await;
        refused_as(wrong, &DomainError::BadCredentials);
        clock.advance(Duration::seconds(attempt));
    }
    let fifth = identity.login(&login, "not her password", &serial).await;
    refused_as(fifth, &DomainError::Locked);
    // Locked: the right password too is refused until the minute has passed.
    refused_as(
        identity.login(&login, &initial, &serial).await,
        &DomainError::Locked,
    );
    clock.advance(Duration::seconds(59));
    refused_as(
        identity.login(&login, &initial, &serial).await,
        &DomainError::Locked,
    );
    clock.advance(Duration::seconds(2));
    let opened = identity.login(&login, &initial, &serial).await.unwrap();
    assert_eq!(opened.user.login_id, login);
    // An unknown ID locks exactly like a real one, so locking tells nothing of who exists.
    for _ in 1..=4 {
        refused_as(
            identity.login("ns.nobody", "whatever it is", &serial).await,
            &DomainError::BadCredentials,
        );
    }
    refused_as(
        identity.login("ns.nobody", "whatever it is", &serial).await,
        &DomainError::Locked,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_password_replaces_the_initial_one() {
    let Desk {
        db,
        identity,
        serial,
        login,
        initial,
        ..
    } = desk().await;
    let first = identity.login(&login, &initial, &serial).await.unwrap();
    assert!(first.user.must_change_password);
    refused_as(
        identity
            .change_password(&first.token, &serial, "not the initial one", PASSWORD)
            .await,
        &DomainError::WrongCurrentPassword,
    );
    refused_as(
        identity
            .change_password(&first.token, &serial, &initial, "password1234")
            .await,
        &DomainError::WeakPassword(Weakness::Common),
    );
    identity
        .change_password(&first.token, &serial, &initial, PASSWORD)
        .await
        .unwrap();
    refused_as(
        identity.login(&login, &initial, &serial).await,
        &DomainError::BadCredentials,
    );
    let opened = identity.login(&login, PASSWORD, &serial).await.unwrap();
    assert!(!opened.user.must_change_password);
    assert!(
        subjects(&db.pool)
            .await
            .contains(&"audit.identity.user.password_change".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_ends_when_idle_or_shown_another_certificate() {
    let Desk {
        db,
        clock,
        identity,
        office,
        serial,
        login,
        initial,
    } = desk().await;
    let opened = identity.login(&login, &initial, &serial).await.unwrap();
    let auth = identity.authenticate(&opened.token, &serial).await.unwrap();
    assert_eq!(auth.ends_at, crate::morning() + IDLE);

    // Used within the idle time, the session goes on from the last use.
    clock.advance(IDLE - Duration::minutes(1));
    let auth = identity.authenticate(&opened.token, &serial).await.unwrap();
    assert_eq!(
        auth.ends_at,
        crate::morning() + IDLE - Duration::minutes(1) + IDLE
    );
    clock.advance(IDLE);
    refused_as(
        identity.authenticate(&opened.token, &serial).await,
        &DomainError::SessionInvalid,
    );
    let ended = outbox(&db.pool)
        .await
        .into_iter()
        .filter(|(s, _)| s == "identity.session.ended")
        .count();
    assert_eq!(ended, 1, "the gateways are told to close its streams");

    // Another certificate kills the session outright, even for its own one afterwards.
    let second = identity.login(&login, &initial, &serial).await.unwrap();
    let other = device(&identity, office).await;
    refused_as(
        identity.authenticate(&second.token, &other).await,
        &DomainError::SessionInvalid,
    );
    refused_as(
        identity.authenticate(&second.token, &serial).await,
        &DomainError::SessionInvalid,
    );
    assert!(
        subjects(&db.pool)
            .await
            .contains(&"audit.identity.session.other_certificate".to_owned())
    );
}
