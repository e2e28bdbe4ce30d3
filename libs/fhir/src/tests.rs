use super::*;

fn member(n: usize, office: usize) -> Member {
    Member {
        user_id: format!("0190a000-0000-7000-8000-00000000000{n}"),
        name: format!("職員{n}"),
        kana: format!("しょくいん{n}"),
        profession: "訪問看護師".into(),
        office_id: format!("0190b000-0000-7000-8000-00000000000{office}"),
        office_name: format!("事業所{office}"),
        is_representative: n == 0,
    }
}

fn record() -> Record {
    let members: Vec<Member> = (0..3).map(|n| member(n, n)).collect();
    let mut posts: Vec<Post> = (0..10)
        .map(|n| Post {
            id: format!("0190c000-0000-7000-8000-0000000000{n:02}"),
            author_user_id: members[n % 3].user_id.clone(),
            created_at: format!("2026-11-0{}T09:00:00+09:00", n % 9 + 1),
            category: if n % 2 == 0 {
                "服薬".into()
            } else {
                String::new()
            },
            urgent: n == 3,
            body: format!("本文{n}"),
            ..Post::default()
        })
        .collect();
    posts.push(Post {
        id: "0190c000-0000-7000-8000-000000000099".into(),
        author_user_id: members[1].user_id.clone(),
        created_at: "2026-11-10T10:00:00+09:00".into(),
        body: "返信".into(),
        parent_id: posts[0].id.clone(),
        ..Post::default()
    });
    Record {
        recipient: Recipient {
            id: "0190d000-0000-7000-8000-000000000001".into(),
            name: "高萩 花子".into(),
            kana: "たかはぎ はなこ".into(),
            birth_date: "1940-04-01".into(),
            sex: "女性".into(),
            address: "茨城県高萩市本町1-100-1".into(),
            insured_number: "0000012345".into(),
        },
        members,
        posts,
        exported_at: "2026-12-01T09:00:00+09:00".into(),
        incomplete: false,
    }
}

fn of_type<'a>(b: &'a Value, t: &str) -> Vec<&'a Value> {
    b["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == t)
        .collect()
}

#[test]
fn patient_follows_jp_core() {
    let b = bundle(&record());
    assert_eq!(b["type"], "collection");
    let p = of_type(&b, "Patient")[0];
    assert_eq!(p["meta"]["profile"][0], JP_PATIENT);
    assert_eq!(p["name"][0]["extension"][0]["url"], NAME_REPRESENTATION);
    assert_eq!(p["name"][0]["extension"][0]["valueCode"], "IDE");
    assert_eq!(p["name"][1]["extension"][0]["valueCode"], "SYL");
    assert_eq!(p["name"][1]["text"], "たかはぎ はなこ");
    assert_eq!(p["gender"], "female");
    assert_eq!(p["birthDate"], "1940-04-01");
    assert_eq!(p["identifier"][0]["system"], CARE_INSURED_SYSTEM);
    assert_eq!(p["identifier"][0]["value"], "0000012345");
}

#[test]
fn team_of_three_offices() {
    let b = bundle(&record());
    assert_eq!(of_type(&b, "Organization").len(), 3);
    assert_eq!(of_type(&b, "Practitioner").len(), 3);
    let roles = of_type(&b, "PractitionerRole");
    assert_eq!(roles.len(), 3);
    assert_eq!(
        roles[0]["code"][0]["coding"][0]["system"],
        PROFESSION_SYSTEM
    );
    let team = of_type(&b, "CareTeam")[0];
    assert_eq!(team["participant"].as_array().map(Vec::len), Some(3));
}

#[test]
fn every_post_round_trips() {
    let r = record();
    let b = bundle(&r);
    let comms = of_type(&b, "Communication");
    assert_eq!(comms.len(), r.posts.len());
    for p in &r.posts {
        let c = comms
            .iter()
            .find(|c| c["id"] == p.id.as_str())
            .expect("post exported");
        assert_eq!(c["payload"][0]["contentString"], p.body.as_str());
        assert_eq!(c["sent"], p.created_at.as_str());
        assert_eq!(
            c["sender"]["reference"],
            format!("Practitioner/{}", p.author_user_id)
        );
        assert_eq!(c["priority"], if p.urgent { "urgent" } else { "routine" });
    }
    let reply = comms
        .iter()
        .find(|c| c["inResponseTo"].is_array())
        .expect("reply");
    assert_eq!(
        reply["inResponseTo"][0]["reference"],
        format!("Communication/{}", r.posts[0].id)
    );
    assert_eq!(
        comms[0]["category"][0]["coding"][0]["system"],
        CATEGORY_SYSTEM
    );
}

#[test]
fn withdrawn_post_leaves_without_text() {
    let mut r = record();
    r.posts[2].withdrawn = true;
    let b = bundle(&r);
    let c = of_type(&b, "Communication")[2];
    assert_eq!(c["status"], "entered-in-error");
    assert!(c.get("payload").is_none());
}

#[test]
fn files_are_referenced_not_inlined() {
    let mut r = record();
    r.posts[1].files.push(File {
        id: "0190e000-0000-7000-8000-000000000001".into(),
        name: "床ずれ.jpg".into(),
        mime: "image/jpeg".into(),
        bytes: 2048,
        url: "/api/v1/boards/x/files/0190e000-0000-7000-8000-000000000001".into(),
    });
    let b = bundle(&r);
    let docs = of_type(&b, "DocumentReference");
    assert_eq!(docs.len(), 1);
    let a = &docs[0]["content"][0]["attachment"];
    assert_eq!(a["title"], "床ずれ.jpg");
    assert_eq!(a["contentType"], "image/jpeg");
    assert_eq!(a["size"], 2048);
    assert!(a.get("data").is_none());
    assert_eq!(
        docs[0]["context"]["related"][0]["reference"],
        format!("Communication/{}", r.posts[1].id)
    );
    assert!(b.get("meta").is_none());
}

#[test]
fn an_incomplete_record_says_so() {
    let mut r = record();
    r.incomplete = true;
    let b = bundle(&r);
    assert_eq!(b["meta"]["tag"][0]["code"], "SUBSETTED");
    assert_eq!(b["meta"]["tag"][0]["system"], SUBSETTED_SYSTEM);
}

#[test]
fn an_author_who_left_the_team_is_still_named() {
    let mut r = record();
    r.posts[4].author_user_id = "0190a000-0000-7000-8000-000000000009".into();
    r.posts[4].author_name = "退職 太郎".into();
    r.posts[5].author_user_id = r.posts[4].author_user_id.clone();
    let b = bundle(&r);
    let people = of_type(&b, "Practitioner");
    assert_eq!(
        people.len(),
        4,
        "the three members and the one who left, once"
    );
    let former = people
        .iter()
        .find(|p| p["id"] == r.posts[4].author_user_id.as_str())
        .expect("the former member");
    assert_eq!(former["name"][0]["text"], "退職 太郎");
    assert_eq!(of_type(&b, "PractitionerRole").len(), 3);
}
