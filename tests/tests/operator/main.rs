//! The operator's desk: the operation report and its CSV, incident reports from filing to 完了,
//! the audit viewer, and who may use any of it.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod audit;
mod authz;
mod incidents;
mod report;

use system_tests::Stack;
use system_tests::api::Session;
use system_tests::people::{self, NewPerson, Person, TwoOffices};
use system_tests::scenes::{self, TwoOfficesScene};

const CITY: &str = "city@takahagi.example.jp";

struct Desk {
    stack: Stack,
    op: Session,
    w: TwoOffices,
    admin: Person,
    _dir: tempfile::TempDir,
}

async fn desk(prefix: &str) -> Desk {
    let TwoOfficesScene { stack, op, w, dir } =
        scenes::two_offices(prefix, |o| o.with_env(&[("OPERATOR_EMAIL", CITY)]))
            .await
            .unwrap();
    let admin = people::person(
        &stack,
        &op,
        &w.care,
        &NewPerson {
            login_id: "cm.admin",
            name: "管理 太郎",
            kana: "カンリ タロウ",
            profession: "ケアマネジャー",
            office_admin: true,
        },
    )
    .await
    .unwrap();
    Desk {
        stack,
        op,
        w,
        admin,
        _dir: dir,
    }
}

fn html(a: &system_tests::api::Answer) -> &str {
    a.body.as_str().unwrap_or_default()
}

async fn filed_incident(s: &Session, fields: &[(&str, &str)]) -> system_tests::api::Answer {
    s.post_form("/incidents", fields).await.unwrap()
}
