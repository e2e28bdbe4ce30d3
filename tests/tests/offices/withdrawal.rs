//! 利用廃止: an office withdraws and its people and certificates go with it; history stays.

use crate::world::{
    Enrolled, application, apply, approve_and_enroll, count, operator, public, stack,
};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn withdrawal_disables_the_offices_users_and_certificates_and_keeps_its_history() {
    let (dir, stack) = stack().await;
    let op = operator(&stack).await;
    let id = apply(&stack, &application("もみじ訪問介護", "momiji@example.jp")).await;
    let Enrolled { office, admin, .. } =
        approve_and_enroll(&stack, &op, &id, "momiji-admin", dir.path()).await;
    assert_eq!(admin.get("/api/v1/me").await.unwrap().status, 200);
    assert_eq!(
        public(&stack)
            .get("/api/v1/public/offices")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let w = op
        .post(
            &format!("/api/v1/offices/{office}/withdraw"),
            &json!({"reason": "事業所の廃止"}),
        )
        .await
        .unwrap();
    assert_eq!(w.body["status"], "withdrawn", "{}", w.body);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if admin.get("/api/v1/me").await.unwrap().code() == "certificate_revoked" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the withdrawn office's certificate still works"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        public(&stack)
            .get("/api/v1/public/offices")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let users = op
        .get(&format!("/api/v1/users?office_id={office}"))
        .await
        .unwrap();
    assert_eq!(users.body[0]["status"], "deactivated", "{}", users.body);
    assert_eq!(
        count(
            &stack,
            "SELECT count(*) FROM offices WHERE status = 'withdrawn'"
        )
        .await,
        1,
        "history kept"
    );
}
