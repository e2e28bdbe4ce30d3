//! Gathers one recipient's record from careboard and maps it with `fhir-export`.
//!
//! Every post is asked of careboard's print (`PrintBoard` with `export`, recorded in the trail as
//! `recipient.export`; careboard answers current members of the team, or only its representative
//! if the city says so, never the operator). A
//! print holds at most its limit of posts, so a longer record is asked again from the day the
//! last answer stopped at. Should that still not reach the end (more posts on one day than a
//! print holds, or more pages than an export asks), the Bundle carries FHIR's own `SUBSETTED`
//! tag in `meta.tag`: a receiving system knows it is not the whole record.

use crate::edge::auth::{ApiUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure};
use crate::edge::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate};
use proto::careboard as pb;
use std::collections::HashSet;

/// Earlier than any board: the first print covers the whole record, whenever it began.
const RECORD_START: &str = "2000-01-01";

/// Prints asked for one export at most (each holds careboard's print limit of posts).
const MAX_PRINTS: usize = 50;

/// The Bundle's outline for the API document; the resources in it are FHIR R4's own
/// (<https://hl7.org/fhir/R4/bundle.html>), following JP Core where it has profiles.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(example = crate::openapi::examples::board::fhir_bundle)]
pub struct FhirBundle {
    /// Always `Bundle`.
    #[serde(rename = "resourceType")]
    resource_type: String,
    /// `export-` and the recipient's id.
    id: String,
    /// Always `collection`: the record as kept on the board, not one attested document.
    #[serde(rename = "type")]
    kind: String,
    /// When the export was made (RFC 3339).
    timestamp: String,
    /// `SUBSETTED` in `meta.tag` when the record could not be gathered whole; absent otherwise.
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<serde_json::Value>,
    /// `Patient`, `Organization`, `Practitioner`, `PractitionerRole`, `CareTeam`,
    /// `Communication` and `DocumentReference` resources, each as `{"resource": {...}}`.
    #[schema(value_type = Vec<Object>)]
    entry: Vec<serde_json::Value>,
}

/// The media type FHIR defines for its JSON.
pub const FHIR_JSON: &str = "application/fhir+json";

/// Japan's date of an RFC 3339 time (UTC+9, no summer time).
fn japan_day(rfc3339: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| (t.to_utc() + Duration::hours(9)).date_naive())
}

/// Every post and reply of the board, oldest first, and whether some could not be had.
async fn every_post(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(Vec<pb::Post>, bool), Failure> {
    // A day past today in Japan: a clock a little ahead in careboard still finds today's posts.
    let to = (japan_day(&state.clock.now().to_rfc3339()).unwrap_or_default() + Duration::days(1))
        .to_string();
    let mut from = RECORD_START.to_owned();
    let mut seen = HashSet::new();
    let mut posts = Vec::new();
    for _ in 0..MAX_PRINTS {
        let mut careboard = state.clients.careboard.clone();
        let found = careboard
            .print_board(pb::PrintBoardRequest {
                actor: Some(user.actor()),
                recipient_id: id.to_owned(),
                from: from.clone(),
                to: to.clone(),
                export: true,
            })
            .await?
            .into_inner();
        let before = posts.len();
        for p in found.posts {
            if seen.insert(p.id.clone()) {
                posts.push(p);
            }
        }
        if !found.truncated {
            return Ok((posts, false));
        }
        // Nothing new: one day holds more posts than a print; the record cannot go further.
        let next = posts.last().and_then(|p| japan_day(&p.created_at));
        match next {
            Some(day) if posts.len() > before => from = day.to_string(),
            _ => return Ok((posts, true)),
        }
    }
    Ok((posts, true))
}

fn file(board: &str, f: pb::BoardFile) -> fhir_export::File {
    fhir_export::File {
        url: format!("/api/v1/boards/{board}/files/{}", f.id),
        id: f.id,
        name: f.name,
        mime: f.mime,
        bytes: f.bytes,
    }
}

fn post(board: &str, p: pb::Post, parent_id: String) -> fhir_export::Post {
    fhir_export::Post {
        id: p.id,
        author_user_id: p.author_user_id,
        author_name: p.author_name,
        created_at: p.created_at,
        category: p.category,
        urgent: p.urgent,
        body: p.body,
        parent_id,
        withdrawn: p.withdrawn,
        files: p.files.into_iter().map(|f| file(board, f)).collect(),
    }
}

/// Posts with their replies flattened after them, each reply naming its post.
fn flatten(board: &str, posts: Vec<pb::Post>) -> Vec<fhir_export::Post> {
    let mut out = Vec::new();
    for mut p in posts {
        let replies = std::mem::take(&mut p.replies);
        let parent = p.id.clone();
        out.push(post(board, p, String::new()));
        out.extend(replies.into_iter().map(|r| post(board, r, parent.clone())));
    }
    out
}

fn member(m: pb::Member) -> fhir_export::Member {
    fhir_export::Member {
        user_id: m.user_id,
        name: m.name,
        kana: m.kana,
        profession: m.profession,
        office_id: m.office_id,
        office_name: m.office_name,
        is_representative: m.is_representative,
    }
}

pub(crate) async fn record(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<fhir_export::Record, Failure> {
    // The export first: a refusal is recorded as a refused export.
    let (posts, incomplete) = every_post(state, user, id).await?;
    let r = crate::areas::recipients::handlers::get(state, user, id).await?;
    let fields = r.fields.unwrap_or_default();
    Ok(fhir_export::Record {
        recipient: fhir_export::Recipient {
            id: r.id,
            name: fields.name,
            kana: fields.kana,
            birth_date: fields.birth_date,
            sex: fields.sex,
            address: fields.address,
            insured_number: fields.insured_number,
        },
        members: r
            .team
            .map(|t| t.members.into_iter().map(member).collect())
            .unwrap_or_default(),
        posts: flatten(id, posts),
        exported_at: state.clock.now().to_rfc3339(),
        incomplete,
    })
}

/// One recipient's care record as a FHIR R4 `Bundle` (type `collection`) following the JP Core
/// profiles: `Patient`, the team as `CareTeam` with `Practitioner`, `PractitionerRole` and
/// `Organization`, each post and reply as `Communication` (urgent as priority `urgent`), each
/// attached file as `DocumentReference` pointing at `/api/v1/boards/{id}/files/{file}` (no bytes
/// inline). For current members of the team only (or its representative, as the city sets);
/// recorded in the audit trail as an export. A
/// record too long to gather whole is tagged `SUBSETTED` in `meta.tag`.
#[utoipa::path(get, path = "/api/v1/recipients/{id}/fhir",
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses(
        (status = 200, content_type = "application/fhir+json", body = FhirBundle,
            description = "A FHIR R4 Bundle of type collection"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn api_fhir(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let bundle = fhir_export::bundle(&record(&state, &user, &id).await?);
    Ok((
        [(header::CONTENT_TYPE, FHIR_JSON)],
        serde_json::to_vec(&bundle).unwrap_or_default(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_evening_in_utc_is_the_next_day_in_japan() {
        assert_eq!(
            japan_day("2026-11-30T15:30:00Z"),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        assert_eq!(japan_day("not a time"), None);
    }

    #[test]
    fn replies_follow_their_post_and_files_point_at_the_board() {
        let posts = vec![pb::Post {
            id: "p1".into(),
            files: vec![pb::BoardFile {
                id: "f1".into(),
                name: "写真.jpg".into(),
                mime: "image/jpeg".into(),
                ..pb::BoardFile::default()
            }],
            replies: vec![pb::Post {
                id: "r1".into(),
                ..pb::Post::default()
            }],
            ..pb::Post::default()
        }];
        let flat = flatten("b1", posts);
        assert_eq!(flat.len(), 2);
        assert_eq!(flat[0].parent_id, "");
        assert_eq!(flat[1].parent_id, "p1");
        assert_eq!(flat[0].files[0].url, "/api/v1/boards/b1/files/f1");
    }
}
