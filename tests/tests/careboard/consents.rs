//! The city's consent register (同意書の受付).

use crate::world::{good_form, html, post_form, world};

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
