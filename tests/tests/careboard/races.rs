//! Checks and writes in one transaction: concurrent edits of a recipient chain in the history,
//! and a post racing the board's closing is refused or made before the close, never after.

use crate::world::{World, fields, member, register, world};
use proto::careboard as pb;
use proto::common::Role;

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_updates_chain_in_the_history() {
    let w = world("rk-board-race-update-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let mut grpc = grpc.clone();
        let actor = if i % 2 == 0 {
            rep.clone()
        } else {
            nurse.clone()
        };
        let board = board.clone();
        tasks.spawn(async move {
            let mut f = fields("高萩 梅子", "タカハギ ウメコ");
            f.key_notes = format!("申し送り {i}");
            grpc.update_recipient(pb::UpdateRecipientRequest {
                actor: Some(actor),
                recipient_id: board,
                fields: Some(f),
            })
            .await
            .unwrap();
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let db = w.stack.database("careboard").await.unwrap();
    let history: Vec<sqlx::types::Json<serde_json::Value>> = sqlx::query_scalar(
        "SELECT changes FROM recipient_changes WHERE recipient_id = $1 ORDER BY changed_at, id",
    )
    .bind(board.parse::<uuid::Uuid>().unwrap())
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(history.len(), 10, "every update changed something");
    let mut expected_before = "ペニシリンアレルギー".to_owned();
    for entry in &history {
        let change = entry
            .0
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"] == "key_notes")
            .unwrap();
        assert_eq!(
            change["before"], expected_before,
            "each entry's before is the previous entry's after: {history:?}"
        );
        expected_before = change["after"].as_str().unwrap().to_owned();
    }
    let now: String = sqlx::query_scalar("SELECT key_notes FROM recipients WHERE id = $1")
        .bind(board.parse::<uuid::Uuid>().unwrap())
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(now, expected_before, "the last entry's after is the record");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_racing_the_close_is_refused_or_made_before_it() {
    let w = world("rk-board-race-close-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let db = w.stack.database("careboard").await.unwrap();
    for round in 0..3 {
        let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
        grpc.add_member(member(&rep, &board, &w.nurse.id))
            .await
            .unwrap();
        // Posters that keep posting until the board refuses them, and the close among them.
        let mut posts = tokio::task::JoinSet::new();
        for poster in 0..8 {
            let (mut grpc, nurse, board) = (grpc.clone(), nurse.clone(), board.clone());
            posts.spawn(async move {
                let mut made = 0;
                loop {
                    let answer = grpc
                        .create_post(pb::CreatePostRequest {
                            actor: Some(nurse.clone()),
                            recipient_id: board.clone(),
                            body: format!("訪問記録 {round}-{poster}-{made}"),
                            category: String::new(),
                            urgent: false,
                            file_ids: Vec::new(),
                        })
                        .await;
                    match answer {
                        Ok(_) => made += 1,
                        Err(status) => {
                            assert_eq!(status.message(), "board_closed", "{status:?}");
                            return made;
                        }
                    }
                }
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        grpc.close_board(pb::CloseBoardRequest {
            actor: Some(rep.clone()),
            recipient_id: board.clone(),
            reason: "転居".into(),
            note: String::new(),
        })
        .await
        .unwrap();
        let mut made = 0;
        while let Some(answer) = posts.join_next().await {
            made += answer.unwrap();
        }
        let id = board.parse::<uuid::Uuid>().unwrap();
        let after_close: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM posts p JOIN recipients r ON r.id = p.recipient_id \
             WHERE r.id = $1 AND p.created_at > r.closed_at",
        )
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
        let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM posts WHERE recipient_id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(after_close, 0, "no post after the close (round {round})");
        assert_eq!(stored, made, "every post answered as made is stored");
        println!("round {round}: {made} posts made before the close, then each poster refused");
    }
}
