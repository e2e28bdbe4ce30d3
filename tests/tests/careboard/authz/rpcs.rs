//! Who may call what over gRPC and on the board's pages: every careboard RPC and page against
//! every kind of caller.

use super::{pages, rpc_calls, scene};
use crate::world::{World, wait_until};
use proto::careboard as pb;
use proto::common::{Actor, Role};
use std::time::Duration;
use system_tests::people::{self, Office, Person};
use tonic::Code;

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
    let s = scene("rk-board-authz-").await;
    let w = &s.w;
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
        ("suspended", s.helper.clone(), None),
        // A caller claiming the city's role with a suspended account: careboard itself refuses.
        (
            "suspended, as operator",
            World::actor(&w.helper, &w.care, Role::Operator),
            None,
        ),
        ("member", s.nurse.clone(), Some((&w.nursing, &w.nurse))),
        // Last: its writes (closing the board) would change the others' answers.
        (
            "representative",
            s.rep.clone(),
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
            let got = if endpoint.starts_with("page ") {
                pages::call(&s, endpoint, session.as_ref()).await
            } else {
                rpc_calls::call(&s, endpoint, actor).await
            };
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
        let mine = s
            .grpc
            .clone()
            .list_my_recipients(pb::ListMyRecipientsRequest {
                actor: Some(actor.clone()),
            })
            .await
            .unwrap()
            .into_inner();
        assert!(
            mine.recipients.iter().all(|r| r.id != s.board),
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

/// The matrix above stays whole: every RPC of the careboard contract is in it, but the one that
/// takes no actor.
#[test]
fn the_matrix_names_every_careboard_rpc() {
    const CONTRACT: &str = include_str!("../../../../proto/renrakucho/careboard.proto");
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
