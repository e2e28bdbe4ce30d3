//! Every HTML form the router declares, posted with generated values (NUL, percent-encodings that
//! are not UTF-8, CR/LF, very long strings, values of the wrong kind) from a fixed seed, with a
//! valid session and CSRF token: no answer is a 5xx, bytes no field may hold are refused with a
//! 400, and a refusal changes nothing in any service's database.

use crate::world::{World, post_raw_form, world};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use system_tests::api::Session;
use system_tests::people::{self, NewPerson};

/// Cases per form route; with the seed fixed, the same values are posted on every run.
const CASES_PER_ROUTE: usize = 12;
const SEED: [u8; 32] = *b"renrakucho-forms-fuzz-2026-12-01";

/// The form routes of the gateway's routers: every non-API path with a POST handler.
/// Logout and the password change would end the run's own session or password and are left out.
fn form_routes() -> Vec<String> {
    let mut routes: Vec<String> = system_tests::routes::declarations()
        .into_iter()
        .filter(|(_, handlers)| handlers.contains("post("))
        .map(|(path, _)| path)
        .filter(|p| !p.starts_with("/api/") && p != "/logout" && p != "/password")
        .collect();
    routes.sort();
    routes.dedup();
    routes
}

/// The field names of each form in the templates, by its action with `{}` for each parameter.
fn template_fields() -> BTreeMap<String, BTreeSet<String>> {
    let dir = system_tests::workspace_root().join("gateway/templates");
    let mut forms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let html = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for form in html.split("<form").skip(1) {
            let form = form.split("</form>").next().unwrap_or_default();
            let Some(action) = form
                .split("action=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
            else {
                continue;
            };
            let mut key = String::new();
            let mut rest = action;
            while let Some(i) = rest.find("{{") {
                key.push_str(&rest[..i]);
                key.push_str("{}");
                rest = rest[i..].split_once("}}").map_or("", |(_, r)| r);
            }
            key.push_str(rest);
            let names = forms.entry(key).or_default();
            for n in form.split("name=\"").skip(1) {
                if let Some(name) = n.split('"').next() {
                    names.insert(name.to_owned());
                }
            }
        }
    }
    forms
}

fn route_key(route: &str) -> String {
    let mut key = String::new();
    for (i, part) in route.split('{').enumerate() {
        if i == 0 {
            key.push_str(part);
        } else {
            key.push_str("{}");
            key.push_str(part.split_once('}').map_or("", |(_, r)| r));
        }
    }
    key
}

/// What a generated value is, and so what the answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Nul,
    NotUtf8,
    LineBreak,
    Long,
    WrongType,
}

/// A value as it goes on the wire (already percent-encoded where it needs to be).
fn value() -> impl Strategy<Value = (Kind, String)> {
    let word = "[a-z0-9]{0,6}";
    prop_oneof![
        (word, word).prop_map(|(a, b)| (Kind::Nul, format!("{a}%00{b}"))),
        (
            word,
            prop::sample::select(vec![
                "%FF",
                "%C3%28",
                "%ED%A0%80",
                "%E3%81",
                "%F8%88%80%80%80",
                "%C0%AF",
                "%80"
            ])
        )
            .prop_map(|(a, b)| (Kind::NotUtf8, format!("{a}{b}"))),
        prop::sample::select(vec!["%0D%0A", "%0A", "%0D"])
            .prop_map(|br| (Kind::LineBreak, format!("%E9%AB%98{br}%E8%90%A9"))),
        prop_oneof![
            (1000usize..30_000).prop_map(|n| "a".repeat(n)),
            (100usize..8_000).prop_map(|n| "%E3%81%82".repeat(n)),
        ]
        .prop_map(|v| (Kind::Long, v)),
        prop::sample::select(vec![
            "-1",
            "1e999",
            "NaN",
            "%5B%5D",
            "%7B%7D",
            "true",
            "9999-99-99",
            "%26%3D%26",
            "",
            "0x10",
            "%EF%BB%BF",
            "%E2%80%AE",
            "+",
            "%2500",
        ])
        .prop_map(|v| (Kind::WrongType, v.to_owned())),
    ]
}

/// One digest of every row each service keeps, but for what every request touches (sessions,
/// the time a device or session was last seen), what the relays and consumers move on their
/// own (outbox, processed events), and the record a refusal must leave: the audit trail (a
/// refused access is audited, by an event that lands a moment later) and failed logins.
struct Fingerprint {
    pools: Vec<(String, sqlx::PgPool, String)>,
}

impl Fingerprint {
    async fn new(w: &World) -> Self {
        let mut pools = Vec::new();
        for service in ["identity", "offices", "careboard"] {
            let pool = w.stack.database(service).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
                   AND table_name NOT IN ('sessions', 'outbox', 'processed_events', '_sqlx_migrations', 'audit_log', 'login_failures', 'login_locks')
                 ORDER BY table_name",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            let parts: Vec<String> = tables
                .iter()
                .map(|t| {
                    format!(
                        "(SELECT coalesce(string_agg(md5((to_jsonb(x) - 'last_seen_at' - 'last_used_at')::text), '' ORDER BY md5((to_jsonb(x) - 'last_seen_at' - 'last_used_at')::text)), '') FROM \"{t}\" x)"
                    )
                })
                .collect();
            let sql = format!("SELECT md5(concat_ws('|', {}))", parts.join(", "));
            pools.push((service.to_owned(), pool, sql));
        }
        Self { pools }
    }

    async fn take(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (service, pool, sql) in &self.pools {
            // The table names come from the database's own catalogue.
            let digest: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_one(pool)
                .await
                .unwrap();
            out.push(format!("{service}:{digest}"));
        }
        out
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_form_refuses_bad_bytes_without_a_5xx_and_a_refusal_changes_nothing() {
    let w = world("rk-input-forms-fuzz-").await;
    let base = &w.stack.bootstrap.gateway_url;
    let ca = &w.stack.bootstrap.ca_cert;
    let admin = people::session(&w.stack, &w.office, &w.admin)
        .await
        .unwrap();
    let staff = people::session(&w.stack, &w.office, &w.staff)
        .await
        .unwrap();
    let public = Session::anonymous(base, ca, None).unwrap();
    let device_only = Session::anonymous(base, ca, Some(&w.office.device)).unwrap();
    // What the path parameters point at: people and an office the run may change, never the
    // run's own.
    let target_office = people::office(
        &w.stack,
        &w.op,
        &w.dir.path().join("devices"),
        "高萩ふじ訪問介護事業所",
        "訪問介護",
    )
    .await
    .unwrap();
    let target = people::person(
        &w.stack,
        &w.op,
        &w.office,
        &NewPerson {
            login_id: "target.user",
            name: "対象 太郎",
            kana: "タイショウ タロウ",
            profession: "ヘルパー",
            office_admin: false,
        },
    )
    .await
    .unwrap();
    let announcement =
        w.op.post(
            "/api/v1/operator/announcements",
            &json!({"title": "お知らせ", "body": "本文"}),
        )
        .await
        .unwrap();
    let announcement_id = announcement.body["id"].as_str().unwrap().to_owned();

    let forms = template_fields();
    let every_field: BTreeSet<String> = forms.values().flatten().cloned().collect();
    let routes = form_routes();
    let fingerprint = Fingerprint::new(&w).await;
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    let strategy = value();
    let (mut cases, mut refused, mut accepted) = (0usize, 0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    let mut before = fingerprint.take().await;
    for route in &routes {
        let mut path = route.clone();
        let id = if route.starts_with("/offices/") || route.starts_with("/operator/offices/") {
            target_office.id.clone()
        } else if route.starts_with("/admin/users/") || route.starts_with("/operator/users/") {
            target.id.clone()
        } else if route.starts_with("/operator/announcements/") {
            announcement_id.clone()
        } else {
            uuid::Uuid::now_v7().to_string()
        };
        path = path
            .replace("{id}", &id)
            .replace("{user}", &target.id)
            .replace("{post}", &uuid::Uuid::now_v7().to_string())
            .replace("{serial}", "7f3a9c");
        let session = if route == "/login" {
            &device_only
        } else if ["/enroll", "/apply"].iter().any(|p| route.starts_with(p)) {
            &public
        } else if route.starts_with("/operator/") || route.starts_with("/offices/") {
            &w.op
        } else if route.starts_with("/admin/") || route.starts_with("/certificates/") {
            &admin
        } else {
            &staff
        };
        let fields: Vec<String> = forms
            .get(&route_key(route))
            .unwrap_or(&every_field)
            .iter()
            .filter(|f| *f != "csrf_token")
            .cloned()
            .collect();
        for _ in 0..CASES_PER_ROUTE {
            let field_index = (0..fields.len().max(1))
                .new_tree(&mut runner)
                .unwrap()
                .current();
            let field = fields.get(field_index).map_or("name", String::as_str);
            let (kind, raw) = strategy.new_tree(&mut runner).unwrap().current();
            let (status, page) = post_raw_form(session, &path, &format!("{field}={raw}")).await;
            cases += 1;
            let case = format!(
                "POST {route} {field}={kind:?} ({} bytes): {status}",
                raw.len()
            );
            if status >= 500 {
                failures.push(format!(
                    "{case} {}",
                    page.chars().take(200).collect::<String>()
                ));
            }
            if matches!(kind, Kind::Nul | Kind::NotUtf8) && status != 400 {
                failures.push(format!("{case}: bytes no field may hold were not refused"));
            }
            if (400..500).contains(&status) && status != 401 && status != 429 {
                refused += 1;
                let after = fingerprint.take().await;
                if after != before {
                    failures.push(format!("{case}: the refusal changed what is stored"));
                }
                before = after;
            } else {
                accepted += 1;
                // What an accepted form set going (mail, events) settles before the next case.
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                before = fingerprint.take().await;
            }
        }
    }
    eprintln!(
        "form fuzz: {} form routes, {cases} cases, {refused} refused, {accepted} accepted, {} failures",
        routes.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        routes.len() >= 36,
        "the router's forms were found: {routes:?}"
    );
}
