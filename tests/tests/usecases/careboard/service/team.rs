//! 支援対象者 and 支援チーム: a recipient registered by someone identity knows, who becomes the
//! board's representative; members added from the directory; everyone else refused, on the trail.

use super::{Town, recipient, refused_as, town};
use careboard::domain::team::TeamRule;
use careboard::domain::{DomainError, Membership};
use careboard::service::{NewPost, Registered};
use common::ids::{RecipientId, UserId};
use serde_json::Value;

/// The audit records of `action` with `outcome` in careboard's outbox, oldest first.
async fn audited(t: &Town, action: &str, outcome: &str) -> Vec<Value> {
    let records = t.events(&format!("audit.careboard.{action}")).await;
    records
        .into_iter()
        .filter(|e| e["data"]["outcome"] == outcome)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recipient_is_registered_by_a_person_the_directory_knows_as_the_representative() {
    let t = town().await;
    let id = t.register(&t.cm, "高萩 はな", "タカハギ ハナ").await;
    let view = t.careboard.recipient(&t.cm, id).await.unwrap();
    assert_eq!(view.membership, Membership::Representative);
    assert_eq!(view.recipient.display_name, "高萩 はな");
    assert_eq!(
        view.recipient.care_level, "要介護3",
        "as the register normalised it"
    );
    assert!(view.consent.is_some(), "registered with its consent");
    let [me] = view.members.as_slice() else {
        panic!("one member: {}", view.members.len());
    };
    assert_eq!(
        (me.user_id, me.office_id, me.is_representative),
        (t.cm.user_id, t.cm.office_id, true)
    );
    assert_eq!(
        (
            me.name.as_str(),
            me.profession.as_str(),
            me.office_name.as_str()
        ),
        ("鈴木 一郎", "ケアマネジャー", "高萩ケアプランセンター"),
        "as identity and offices know him"
    );

    // The same person again is pointed out, not registered twice; pointing out is a read.
    let (consent, same) = recipient("高萩 はな", "タカハギ ハナ");
    let again = t
        .careboard
        .register(None, &t.cm, &consent, &same, false)
        .await
        .unwrap();
    let Registered::Duplicates(found) = again else {
        panic!("registered twice");
    };
    assert_eq!(found.iter().map(|d| d.id).collect::<Vec<_>>(), [id]);
    assert_eq!(
        crate::subjects(&t.db.pool).await,
        [
            "audit.careboard.recipient.register",
            "audit.careboard.recipient.read",
            "audit.careboard.recipient.duplicate_shown",
        ]
    );
    let registered = &t.events("audit.careboard.recipient.register").await[0];
    assert_eq!(
        registered["data"]["actor_user_id"],
        t.cm.user_id.to_string()
    );
    assert_eq!(registered["data"]["target_id"], id.to_string());

    // identity suspended the pharmacist since the gateway let him in: he registers no one.
    t.identity
        .set_suspended(
            &crate::identity::operator(),
            t.pharmacist.user_id,
            true,
            "端末の紛失",
        )
        .await
        .unwrap();
    let (consent, other) = recipient("高萩 梅", "タカハギ ウメ");
    refused_as(
        t.careboard
            .register(None, &t.pharmacist, &consent, &other, false)
            .await,
        &DomainError::Forbidden,
    );
    assert_eq!(
        t.events("audit.careboard.recipient.register").await.len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_joins_from_the_directory_and_a_suspended_or_unknown_person_is_refused() {
    let t = town().await;
    let id = t.register(&t.cm, "高萩 はな", "タカハギ ハナ").await;
    let members = t
        .careboard
        .add_member(None, &t.cm, id, t.nurse.user_id)
        .await
        .unwrap();
    let nurse = members
        .iter()
        .find(|m| m.user_id == t.nurse.user_id)
        .expect("the nurse is on the team");
    assert_eq!(
        (
            nurse.name.as_str(),
            nurse.profession.as_str(),
            nurse.office_name.as_str()
        ),
        ("佐藤 花子", "看護師", "高萩訪問看護ステーション"),
        "her card as identity and offices give it"
    );
    assert_eq!(nurse.office_id, t.nurse.office_id);
    assert!(!nurse.is_representative);
    let add = async |by, user| t.careboard.add_member(None, by, id, user).await;
    refused_as(
        add(&t.cm, t.nurse.user_id).await,
        &DomainError::Team(TeamRule::AlreadyMember),
    );

    t.identity
        .set_suspended(
            &crate::identity::operator(),
            t.pharmacist.user_id,
            true,
            "端末の紛失",
        )
        .await
        .unwrap();
    refused_as(
        add(&t.cm, t.pharmacist.user_id).await,
        &DomainError::Team(TeamRule::InactiveUser),
    );
    refused_as(add(&t.cm, UserId::new_v7()).await, &DomainError::NotFound);
    // A member is not the representative: she adds no one, and the refusal is on the trail.
    refused_as(
        add(&t.nurse, t.pharmacist.user_id).await,
        &DomainError::Forbidden,
    );
    assert_eq!(
        t.careboard
            .recipient(&t.cm, id)
            .await
            .unwrap()
            .members
            .len(),
        2
    );
    let added = audited(&t, "team.add", "success").await;
    assert_eq!(added.len(), 1, "one member added");
    assert_eq!(
        added[0]["data"]["details"]["user_id"],
        t.nurse.user_id.to_string()
    );
    let denied = audited(&t, "team.add", "denied").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(
        denied[0]["data"]["actor_user_id"],
        t.nurse.user_id.to_string()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_non_member_is_refused_and_each_refusal_is_audited() {
    let t = town().await;
    let id = t.board().await;
    let post = t.post(&t.nurse, id, "本日訪問。変わりなし", false).await;
    let stranger = &t.pharmacist;
    let new = NewPost {
        body: "様子を見に伺いました",
        category: "",
        urgent: false,
        files: &[],
    };
    let c = &t.careboard;
    refused_as(
        c.timeline(stranger, id, None, 0, "").await,
        &DomainError::Forbidden,
    );
    refused_as(c.recipient(stranger, id).await, &DomainError::Forbidden);
    refused_as(
        c.create_post(None, stranger, id, &new).await,
        &DomainError::Forbidden,
    );
    refused_as(
        c.mark_posts_read(None, stranger, id, &[post]).await,
        &DomainError::Forbidden,
    );
    // An unknown recipient is refused alike, so an id tells nothing.
    let unknown = RecipientId::new_v7();
    refused_as(
        c.timeline(stranger, unknown, None, 0, "").await,
        &DomainError::Forbidden,
    );

    let denied: Vec<(String, Value)> = t
        .outbox()
        .await
        .into_iter()
        .filter(|(_, e)| e["data"]["outcome"] == "denied")
        .collect();
    assert_eq!(
        denied.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        [
            "audit.careboard.board.read",
            "audit.careboard.recipient.read",
            "audit.careboard.post.create",
            "audit.careboard.post.read",
            "audit.careboard.board.read",
        ]
    );
    for ((_, record), about) in denied.iter().zip([id, id, id, id, unknown]) {
        assert_eq!(
            record["data"]["actor_user_id"],
            stranger.user_id.to_string()
        );
        assert_eq!(record["data"]["target_id"], about.to_string());
    }
    assert_eq!(
        t.events("careboard.post.created").await.len(),
        1,
        "his post is not in"
    );
    let his = t
        .outbox()
        .await
        .into_iter()
        .filter(|(_, e)| {
            e["data"]["actor_user_id"] == stranger.user_id.to_string()
                && e["data"]["outcome"] != "denied"
        })
        .count();
    assert_eq!(his, 0, "nothing was read or written for him");

    // Removed from the team, the nurse is a stranger too.
    t.careboard
        .remove_member(None, &t.cm, id, t.nurse.user_id)
        .await
        .unwrap();
    refused_as(
        c.timeline(&t.nurse, id, None, 0, "").await,
        &DomainError::Forbidden,
    );
    let removed = t.events("careboard.team.member_removed").await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["data"]["user_id"], t.nurse.user_id.to_string());
}
