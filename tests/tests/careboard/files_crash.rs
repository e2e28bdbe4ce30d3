//! careboard killed (SIGKILL) while photos are being uploaded and posts are attaching them: a
//! post is there with all its files or not at all, every acknowledged post keeps them, and
//! whatever the dead process had stored for a post that never came is swept, objects included.

use crate::world::{World, member, register, wait_until, world_with};
use proto::common::Role;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use system_tests::samples::sideways_photo;

#[tokio::test(flavor = "multi_thread")]
async fn a_kill_mid_upload_and_mid_post_leaves_no_post_without_its_files_and_sweeps_the_rest() {
    let mut w = world_with("rk-files-kill-", &[("BOARD_FILE_PENDING_SECONDS", "3")]).await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 落子", "タカハギ オチコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let nurse = Arc::new(w.session(&w.nursing, &w.nurse).await);
    let files_path = format!("/api/v1/boards/{board}/files");
    let mut ready = Vec::new();
    for i in 0..6 {
        let a = nurse
            .upload(&files_path, &format!("{i}.jpg"), sideways_photo())
            .await
            .unwrap();
        assert_eq!(a.status, 201, "{}", a.body);
        ready.push(a.body["id"].as_str().unwrap().to_owned());
    }

    // Posts attaching the ready files and fresh uploads race the kill.
    let mut inflight = Vec::new();
    for (i, pair) in ready.chunks(2).enumerate() {
        let (nurse, board, pair) = (nurse.clone(), board.clone(), pair.to_vec());
        inflight.push(tokio::spawn(async move {
            let body = json!({ "body": format!("経過写真 {i}"), "files": pair });
            let a = nurse
                .post(&format!("/api/v1/boards/{board}/posts"), &body)
                .await;
            a.map(|a| {
                (
                    a.status,
                    a.body["id"].as_str().unwrap_or_default().to_owned(),
                )
            })
        }));
    }
    for i in 0..4 {
        let (nurse, path) = (nurse.clone(), files_path.clone());
        inflight.push(tokio::spawn(async move {
            let a = nurse
                .upload(&path, &format!("late-{i}.jpg"), sideways_photo())
                .await;
            a.map(|a| (a.status, String::new()))
        }));
    }
    tokio::time::sleep(Duration::from_millis(15)).await;
    w.stack.kill_binary("careboard");
    let mut acknowledged = Vec::new();
    for task in inflight {
        if let Ok(Ok((200, id))) = task.await {
            acknowledged.push(id);
        }
    }
    w.stack.start_binary("careboard").unwrap();
    w.stack
        .wait_binary_ready("careboard", Duration::from_mins(1))
        .await
        .unwrap();

    // A post is there with every file it names attached to it, and an acknowledged post is there.
    let db = w.stack.database("careboard").await.unwrap();
    let posts: Vec<(uuid::Uuid, serde_json::Value)> =
        sqlx::query_as("SELECT id, files FROM posts WHERE files <> '[]'::jsonb")
            .fetch_all(&db)
            .await
            .unwrap();
    for id in &acknowledged {
        assert!(
            posts.iter().any(|(p, _)| p.to_string() == *id),
            "acknowledged post {id} is kept"
        );
    }
    for (post, files) in &posts {
        for f in files.as_array().unwrap() {
            let attached: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM board_files WHERE id = $1::uuid AND post_id = $2 \
                 AND state = 'attached')",
            )
            .bind(f["id"].as_str().unwrap())
            .bind(post)
            .fetch_one(&db)
            .await
            .unwrap();
            assert!(attached, "post {post} has its file {f}");
        }
    }
    let attached: i64 =
        sqlx::query_scalar("SELECT count(*) FROM board_files WHERE post_id IS NOT NULL")
            .fetch_one(&db)
            .await
            .unwrap();
    let listed: usize = posts
        .iter()
        .map(|(_, f)| f.as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(
        usize::try_from(attached).unwrap(),
        listed,
        "no file attached to a post that does not list it"
    );

    // What no post took is swept, objects first: what remains is exactly the posts' files.
    wait_until(Duration::from_secs(30), async || {
        let unattached: i64 =
            sqlx::query_scalar("SELECT count(*) FROM board_files WHERE post_id IS NULL")
                .fetch_one(&db)
                .await
                .unwrap();
        unattached == 0 && w.objects() == listed * 3
    })
    .await;
    println!(
        "careboard killed mid-flight: {} of 3 posts acknowledged, {} posts kept with {listed} files, \
         the rest swept",
        acknowledged.len(),
        posts.len()
    );
}
