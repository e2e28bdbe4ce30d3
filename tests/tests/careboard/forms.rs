//! Registration, posting, info history and closing through the pages: every field checked.

use crate::world::{count, good_form, html, post_form, wait_until, with, world};
use std::time::Duration;
use system_tests::api::Session;
use system_tests::markup::{error_of, field_error, summary};

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
    let beside = error_of(html(&refused), "post-body", "post").unwrap();
    assert!(beside.contains("1,000文字以内"), "{beside}");
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
    let posts = refused_replies(&cm, &db, &id).await;

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
        .post_form(
            &format!("/recipients/{id}/close"),
            &[("reason", "飽きた"), ("note", "残る備考")],
        )
        .await
        .unwrap();
    assert_eq!(wrong.status, 422);
    field_error(html(&wrong), "reason").unwrap();
    assert!(
        html(&wrong).contains("value=\"残る備考\""),
        "the note is kept"
    );
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
    assert_eq!(count(&db, "posts").await, posts);
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

/// A refused reply: the board again (4xx), that post's reply box open with the text kept and the
/// error beside it; a reply to a post this board does not hold keeps its text in the composer.
/// Nothing is stored. Returns the posts there are afterwards.
async fn refused_replies(cm: &Session, db: &sqlx::PgPool, board: &uuid::Uuid) -> i64 {
    let first: uuid::Uuid = sqlx::query_scalar("SELECT id FROM posts")
        .fetch_one(db)
        .await
        .unwrap();
    let reply = |post: uuid::Uuid, body: String| async move {
        cm.post_form(
            &format!("/boards/{board}/posts/{post}/replies"),
            &[("body", &body)],
        )
        .await
        .unwrap()
    };
    let long = "い".repeat(1001);
    for (body, says, what) in [
        ("  ".to_owned(), "連絡内容を入力", "empty"),
        (long.clone(), "1,000文字以内", "too long"),
        ("熱が\0あります".to_owned(), "使えない文字", "NUL"),
    ] {
        let a = reply(first, body.clone()).await;
        assert!((400..500).contains(&a.status), "{what}: {}", a.status);
        let page = html(&a);
        let error = field_error(page, &format!("reply-{first}"))
            .unwrap_or_else(|e| panic!("{what}: {e}\n{page}"));
        assert!(error.contains(says), "{what}: {error}");
        assert!(
            page.contains("class=\"reply-box\" open"),
            "{what}: the box is open"
        );
        let kept = body.replace('\0', "");
        assert!(page.contains(kept.trim()), "{what}: the text is kept");
    }

    // The composer and a correction refuse the same bytes beside their box, the text kept.
    let composer = cm
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", "熱が\0あります")],
        )
        .await
        .unwrap();
    assert_eq!(composer.status, 400);
    assert!(
        error_of(html(&composer), "post-body", "post")
            .unwrap()
            .contains("使えない文字")
    );
    assert!(html(&composer).contains(">熱があります</textarea>"));
    for (body, status, says) in [
        ("訂正\0します", 400, "使えない文字"),
        ("  ", 422, "連絡内容を入力"),
    ] {
        let a = cm
            .post_form(
                &format!("/boards/{board}/posts/{first}/edit"),
                &[("body", body), ("category", "")],
            )
            .await
            .unwrap();
        assert_eq!(a.status, status, "{body:?}");
        let error = field_error(html(&a), "body").unwrap();
        assert!(error.contains(says), "{body:?}: {error}");
        assert!(html(&a).contains(body.replace('\0', "").trim()));
    }

    // A withdrawn post: its box again, the text kept, why beside it.
    let withdrawn = cm
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", "取り消す書き込み")],
        )
        .await
        .unwrap();
    assert_eq!(withdrawn.status, 303);
    let gone: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM posts WHERE body = '取り消す書き込み'")
            .fetch_one(db)
            .await
            .unwrap();
    let w = cm
        .post_form(
            &format!("/boards/{board}/posts/{gone}/withdraw"),
            &[("confirm", "1")],
        )
        .await
        .unwrap();
    assert_eq!(w.status, 303, "{}", html(&w));
    let late = reply(gone, "了解しました".to_owned()).await;
    assert_eq!(late.status, 409);
    let error = field_error(html(&late), &format!("reply-{gone}")).unwrap();
    assert!(error.contains("取り消されています"), "{error}");
    assert!(html(&late).contains("了解しました"));

    // A post of another board: no box for it here, the text in the composer, why in the summary.
    let other: uuid::Uuid = sqlx::query_scalar("SELECT id FROM recipients WHERE id <> $1")
        .bind(board)
        .fetch_one(db)
        .await
        .unwrap();
    let elsewhere = cm
        .post_form(&format!("/boards/{other}/posts"), &[("body", "別の連絡帳")])
        .await
        .unwrap();
    assert_eq!(elsewhere.status, 303);
    let foreign: uuid::Uuid = sqlx::query_scalar("SELECT id FROM posts WHERE recipient_id = $1")
        .bind(other)
        .fetch_one(db)
        .await
        .unwrap();
    let astray = reply(foreign, "どちらの連絡帳へ".to_owned()).await;
    assert_eq!(astray.status, 404);
    let page = html(&astray);
    assert!(
        summary(page).is_some_and(|s| s.contains("書き込み欄に残しています")),
        "{page}"
    );
    assert!(page.contains(">どちらの連絡帳へ</textarea>"), "{page}");

    let posts = count(db, "posts").await;
    let replies: i64 = sqlx::query_scalar("SELECT count(*) FROM posts WHERE parent_id IS NOT NULL")
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(replies, 0, "no refused reply is stored");
    posts
}
