//! The `OpenAPI` document of the JSON API, generated from the areas' handlers.

use axum::Json;
use utoipa::OpenApi;

#[cfg(test)]
mod coverage;
pub mod examples;
#[cfg(test)]
mod states;
#[cfg(test)]
mod valid;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Renrakucho API",
        description = "高萩市 電子@連絡帳 JSON API. Every route but /api/v1/public/ needs a device certificate. Every state-changing call needs an X-CSRF-Token: the one returned at login, or before login the one of GET /api/v1/public/csrf-token (with the cookie it sets). A browser's call must also come from the gateway's own origin. Every state-changing call accepts an Idempotency-Key header: a repeat with the same key, by the same user, to the same method and path within 24 hours changes nothing and gets the first answer; a repeat while the first is still running waits for it or gets 409 in_progress; a key used by another user or for another call gets 422 idempotency_key_reused."
    ),
    modifiers(&IdempotencyKey, &FailureExamples),
    paths(
        crate::areas::session::login::api_csrf_token,
        crate::areas::session::login::api_login,
        crate::areas::session::login::api_logout,
        crate::areas::session::login::api_me,
        crate::areas::offices::operator::api_register,
        crate::areas::offices::operator::api_list,
        crate::areas::offices::operator::api_issue_code,
        crate::areas::offices::withdraw::api_withdraw,
        crate::areas::offices::partners::api_get,
        crate::areas::offices::partners::api_set,
        crate::areas::applications::review::api_list,
        crate::areas::applications::review::api_approve,
        crate::areas::applications::review::api_reject,
        crate::areas::applications::invite::api_invite,
        crate::areas::applications::apply::api,
        crate::areas::offices::profile::api,
        crate::areas::announcements::handlers::api_published,
        crate::areas::announcements::handlers::api_all,
        crate::areas::announcements::handlers::api_create,
        crate::areas::announcements::handlers::api_update,
        crate::areas::announcements::handlers::api_publish,
        crate::areas::portal::map::api,
        crate::areas::offices::users::api_suspension,
        crate::areas::audit::handlers::api_verify_audit,
        crate::areas::audit::handlers::api_list,
        crate::areas::session::password::api,
        crate::areas::certificates::enroll::api,
        crate::areas::accounts::api::api_list,
        crate::areas::accounts::api::api_create,
        crate::areas::accounts::api::api_get,
        crate::areas::accounts::api::api_update,
        crate::areas::accounts::api::api_reset,
        crate::areas::accounts::api::api_active,
        crate::areas::certificates::api::api_list,
        crate::areas::certificates::api::api_revoke,
        crate::areas::certificates::api::api_requests,
        crate::areas::certificates::api::api_request,
        crate::areas::mail::handlers::api_undelivered,
        crate::areas::mail::handlers::api_bouncing,
        crate::areas::board::api::create_post,
        crate::areas::board::writing_api::create_reply,
        crate::areas::board::writing_api::correct_post,
        crate::areas::board::writing_api::withdraw_post,
        crate::areas::board::writing_api::post_history,
        crate::areas::board::search::api_search,
        crate::areas::board::reads::api_shown,
        crate::areas::board::files::upload,
        crate::areas::board::files::api_download,
        crate::areas::fhir::export::api_fhir,
        crate::areas::board::export::api,
        crate::areas::recipients::api::register_recipient,
        crate::areas::recipients::api::get_recipient,
        crate::areas::recipients::api::update_recipient,
        crate::areas::recipients::api::recipient_history,
        crate::areas::recipients::api::close_board,
        crate::areas::recipients::consents_api::list_consents,
        crate::areas::recipients::consents_api::confirm_consent_fax,
        crate::areas::team::api::search_staff,
        crate::areas::team::api::add_member,
        crate::areas::team::api::remove_member,
        crate::areas::team::api::hand_over_representative,
        crate::areas::board::timeline_api::list_posts,
        crate::areas::board::timeline_api::acknowledge_post,
        crate::areas::board::timeline_api::board_events,
        crate::areas::incidents::api::file_incident,
        crate::areas::incidents::api::list_incidents,
        crate::areas::incidents::api::get_incident,
        crate::areas::incidents::api::update_incident,
        crate::areas::report::api::operator_report,
    ),
    components(schemas(crate::edge::error::ErrorBody, crate::edge::error::ErrorDetail))
)]
pub struct ApiDoc;

/// Documents the `Idempotency-Key` header, and the answers it can bring, on every call that
/// changes state.
struct IdempotencyKey;

impl utoipa::Modify for IdempotencyKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};
        let error = |example: serde_json::Value| {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .example(Some(example))
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let header = ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some(
                        "A key the client chooses per intended change (a UUID, say); a repeat with it gets the first answer.",
                    ))
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .min_length(Some(1))
                            .max_length(Some(common::idempotency::MAX_KEY_LEN))
                            .pattern(Some("^[A-Za-z0-9._:-]+$")),
                    ))
                    .build();
                op.parameters
                    .get_or_insert_with(Vec::new)
                    .push(header.into());
                let responses = &mut op.responses.responses;
                responses.entry("409".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("A request with this Idempotency-Key is still in progress (in_progress), or the state does not allow the change.")
                        .content("application/json", error(examples::failures::in_progress()))
                        .build()
                        .into()
                });
                responses.entry("422".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("Invalid input, or an Idempotency-Key used by another user or for another call (idempotency_key_reused).")
                        .content("application/json", error(examples::failures::key_reused()))
                        .build()
                        .into()
                });
                responses.entry("400".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("A malformed request, e.g. an Idempotency-Key that is not 1-128 of A-Z a-z 0-9 - _ . :")
                        .content("application/json", error(examples::failures::bad_key()))
                        .build()
                        .into()
                });
            }
        }
    }
}

/// Shows on each refusal of each call what that call is refused with (its code and sentence),
/// where the one schema's example (a refusal of fields) would not fit.
struct FailureExamples;

impl utoipa::Modify for FailureExamples {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for (path, item) in &mut openapi.paths.paths {
            for (method, op) in [
                ("get", &mut item.get),
                ("post", &mut item.post),
                ("put", &mut item.put),
                ("patch", &mut item.patch),
                ("delete", &mut item.delete),
            ] {
                let Some(op) = op else { continue };
                for (status, response) in &mut op.responses.responses {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    let Some(RefOr::T(json)) = response.content.get_mut("application/json") else {
                        continue;
                    };
                    if json.example.is_none() {
                        json.example = examples::failures::failure(method, path, status);
                    }
                }
            }
        }
    }
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_lists_its_words() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        let words = |schema: &str, field: &str| {
            let property = &doc["components"]["schemas"][schema]["properties"][field];
            coverage::resolve(&doc, property)["enum"].clone()
        };
        let user = serde_json::json!(["active", "suspended", "deactivated", "unknown"]);
        for (schema, field) in [
            ("UserOut", "status"),
            ("StaffOut", "status"),
            ("MemberOut", "status"),
        ] {
            assert_eq!(words(schema, field), user, "{schema}.{field}");
        }
        assert_eq!(
            words("CertificateOut", "status"),
            serde_json::json!(["active", "revoked", "expired", "unknown"])
        );
        assert_eq!(
            words("RequestOut", "status"),
            serde_json::json!(["open", "done", "unknown"])
        );
        assert_eq!(
            words("AuditEntryOut", "outcome"),
            serde_json::json!(["success", "denied", "failure", "unknown"])
        );
    }

    #[test]
    fn the_exports_are_documented_with_their_media_types() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        let fhir = &doc["paths"]["/api/v1/recipients/{id}/fhir"]["get"]["responses"];
        assert!(
            fhir["200"]["content"]["application/fhir+json"].is_object(),
            "{fhir}"
        );
        assert!(fhir["403"]["content"]["application/json"].is_object());
        let bundle = &doc["components"]["schemas"]["FhirBundle"];
        assert_eq!(bundle["example"]["resourceType"], "Bundle", "{bundle}");
        assert!(bundle["properties"]["resourceType"].is_object(), "{bundle}");
        let csv = &doc["paths"]["/api/v1/boards/{id}/export.csv"]["get"];
        assert!(
            csv["responses"]["200"]["content"]["text/csv"].is_object(),
            "{csv}"
        );
        let params: Vec<&str> = csv["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(params, ["id", "from", "to"]);
    }

    #[test]
    fn the_board_events_are_an_event_stream_and_the_twins_have_their_own_ids() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        let events = &doc["paths"]["/api/v1/boards/{id}/events"]["get"]["responses"];
        assert!(
            events["200"]["content"]["text/event-stream"].is_object(),
            "{events}"
        );
        // A client finds each operation by its id: each names one operation.
        let ids: Vec<&str> = doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
            .flat_map(|item| item.as_object().into_iter().flat_map(|o| o.values()))
            .filter_map(|op| op["operationId"].as_str())
            .collect();
        for id in [
            "register_recipient",
            "get_recipient",
            "update_recipient",
            "recipient_history",
            "close_board",
            "list_consents",
            "confirm_consent_fax",
            "search_staff",
            "add_member",
            "remove_member",
            "hand_over_representative",
            "list_posts",
            "create_post",
            "api_shown",
            "acknowledge_post",
            "board_events",
            "file_incident",
            "list_incidents",
            "get_incident",
            "update_incident",
            "operator_report",
        ] {
            assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "{id}");
        }
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            ids.len(),
            "every operation has an id of its own: {ids:?}"
        );
    }
}
