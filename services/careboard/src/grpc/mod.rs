//! The gRPC surface of careboard: decode, call the use case, map errors to a status once.

use crate::domain::consent::ConsentInput;
use crate::domain::incident::IncidentInput;
use crate::service::{Careboard, IncidentView, NewPost, Registered};
use proto::careboard as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

mod convert;
mod decode;
mod files;
mod writing;

pub use files::BoardFilesGrpc;

use convert::{consent_entry, fields_in, incident, post, recipient, team, time};
use decode::{actor, id, ids, once};

type Reply<T> = Result<Response<T>, Status>;

pub struct CareboardGrpc {
    careboard: Arc<Careboard>,
}

impl CareboardGrpc {
    #[must_use]
    pub fn new(careboard: Arc<Careboard>) -> Self {
        Self { careboard }
    }
}

#[tonic::async_trait]
impl pb::careboard_server::Careboard for CareboardGrpc {
    #[tracing::instrument(skip_all)]
    async fn list_my_recipients(
        &self,
        request: Request<pb::ListMyRecipientsRequest>,
    ) -> Reply<pb::ListMyRecipientsResponse> {
        let actor = actor(request.get_ref().actor.as_ref())?;
        let rows = self.careboard.my_recipients(&actor).await?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(Response::new(pb::ListMyRecipientsResponse {
            recipients: rows
                .into_iter()
                .map(|r| pb::RecipientSummary {
                    id: r.id.to_string(),
                    display_name: r.display_name,
                    unread_posts: count(r.unread),
                    kana: r.kana,
                    care_level: r.care_level,
                    urgent_unacknowledged: count(r.urgent_unacknowledged),
                    last_post_at: r.last_post_at.map(time).unwrap_or_default(),
                    is_representative: r.is_representative,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn register_recipient(
        &self,
        request: Request<pb::RegisterRecipientRequest>,
    ) -> Reply<pb::RegisterRecipientResponse> {
        let once = once(&request, "RegisterRecipient")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let c = req.consent.unwrap_or_default();
        let consent = ConsentInput {
            obtained_on: c.obtained_on,
            obtained_by: c.obtained_by,
            office_keeps_copy: c.office_keeps_copy,
            recipient_keeps_original: c.recipient_keeps_original,
        };
        let outcome = self
            .careboard
            .register(
                once.as_ref(),
                &actor,
                &consent,
                &fields_in(req.fields),
                req.allow_duplicate,
            )
            .await?;
        Ok(Response::new(match outcome {
            Registered::Saved(id) => pb::RegisterRecipientResponse {
                recipient_id: id.to_string(),
                duplicates: Vec::new(),
            },
            Registered::Duplicates(rows) => pb::RegisterRecipientResponse {
                recipient_id: String::new(),
                duplicates: rows
                    .into_iter()
                    .map(|d| pb::DuplicateHint {
                        recipient_id: d.id.to_string(),
                        name: d.display_name,
                        kana: d.kana,
                        birth_date: d.birth_date.map(|b| b.to_string()).unwrap_or_default(),
                        is_member: d.is_member,
                    })
                    .collect(),
            },
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_recipient(&self, request: Request<pb::RecipientRef>) -> Reply<pb::Recipient> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let view = self
            .careboard
            .recipient(&actor, id(&req.recipient_id, "recipient_id")?)
            .await?;
        Ok(Response::new(recipient(view)))
    }

    #[tracing::instrument(skip_all)]
    async fn update_recipient(
        &self,
        request: Request<pb::UpdateRecipientRequest>,
    ) -> Reply<pb::Recipient> {
        let once = once(&request, "UpdateRecipient")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let view = self
            .careboard
            .update(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                &fields_in(req.fields),
            )
            .await?;
        Ok(Response::new(recipient(view)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_recipient_history(
        &self,
        request: Request<pb::RecipientRef>,
    ) -> Reply<pb::ListRecipientHistoryResponse> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let rows = self
            .careboard
            .history(&actor, id(&req.recipient_id, "recipient_id")?)
            .await?;
        Ok(Response::new(pb::ListRecipientHistoryResponse {
            entries: rows
                .into_iter()
                .map(|r| pb::HistoryEntry {
                    changed_at: time(r.changed_at),
                    changed_by_name: r.changed_by_name,
                    changed_by_office: r.changed_by_office,
                    changes: r
                        .changes
                        .0
                        .into_iter()
                        .map(|c| pb::FieldChange {
                            field: c.field,
                            before: c.before,
                            after: c.after,
                        })
                        .collect(),
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn add_member(&self, request: Request<pb::MemberRequest>) -> Reply<pb::Team> {
        let once = once(&request, "AddMember")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let members = self
            .careboard
            .add_member(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                id(&req.user_id, "user_id")?,
            )
            .await?;
        Ok(Response::new(team(members)))
    }

    #[tracing::instrument(skip_all)]
    async fn remove_member(&self, request: Request<pb::MemberRequest>) -> Reply<pb::Team> {
        let once = once(&request, "RemoveMember")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let members = self
            .careboard
            .remove_member(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                id(&req.user_id, "user_id")?,
            )
            .await?;
        Ok(Response::new(team(members)))
    }

    #[tracing::instrument(skip_all)]
    async fn hand_over(&self, request: Request<pb::MemberRequest>) -> Reply<pb::Team> {
        let once = once(&request, "HandOver")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let members = self
            .careboard
            .hand_over(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                id(&req.user_id, "user_id")?,
            )
            .await?;
        Ok(Response::new(team(members)))
    }

    #[tracing::instrument(skip_all)]
    async fn close_board(&self, request: Request<pb::CloseBoardRequest>) -> Reply<pb::Recipient> {
        let once = once(&request, "CloseBoard")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let view = self
            .careboard
            .close(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                &req.reason,
                &req.note,
            )
            .await?;
        Ok(Response::new(recipient(view)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_posts(
        &self,
        request: Request<pb::ListPostsRequest>,
    ) -> Reply<pb::ListPostsResponse> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let cursor = match req.cursor.as_str() {
            "" => None,
            c => Some(id(c, "cursor")?),
        };
        let timeline = self
            .careboard
            .timeline(
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                cursor,
                req.limit,
            )
            .await?;
        Ok(Response::new(pb::ListPostsResponse {
            posts: timeline.posts.into_iter().map(post).collect(),
            pinned: timeline.pinned.into_iter().map(post).collect(),
            unread_total: timeline.unread_total,
            next_cursor: timeline
                .next_cursor
                .map(|c| c.to_string())
                .unwrap_or_default(),
            closed: timeline.closed,
            recipient_name: timeline.recipient_name,
            care_level: timeline.care_level,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_post(&self, request: Request<pb::PostRef>) -> Reply<pb::Post> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let view = self
            .careboard
            .post(
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                id(&req.post_id, "post_id")?,
            )
            .await?;
        Ok(Response::new(post(view)))
    }

    #[tracing::instrument(skip_all)]
    async fn create_post(&self, request: Request<pb::CreatePostRequest>) -> Reply<pb::Post> {
        let once = once(&request, "CreatePost")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let files = ids(&req.file_ids, "file_ids")?;
        let new = NewPost {
            body: &req.body,
            category: &req.category,
            urgent: req.urgent,
            files: &files,
        };
        let recipient = id(&req.recipient_id, "recipient_id")?;
        let view = self
            .careboard
            .create_post(once.as_ref(), &actor, recipient, &new)
            .await?;
        Ok(Response::new(post(view)))
    }

    #[tracing::instrument(skip_all)]
    async fn mark_read(&self, request: Request<pb::PostRef>) -> Reply<pb::Post> {
        let once = once(&request, "MarkRead")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let view = self
            .careboard
            .mark_read(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                id(&req.post_id, "post_id")?,
            )
            .await?;
        Ok(Response::new(post(view)))
    }

    #[tracing::instrument(skip_all)]
    async fn mark_posts_read(
        &self,
        request: Request<pb::MarkPostsReadRequest>,
    ) -> Reply<pb::MarkPostsReadResponse> {
        let once = once(&request, "MarkPostsRead")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let posts = ids(&req.post_ids, "post_ids")?;
        let read = self
            .careboard
            .mark_posts_read(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                &posts,
            )
            .await?;
        Ok(Response::new(pb::MarkPostsReadResponse {
            read_post_ids: read.into_iter().map(|p| p.to_string()).collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn acknowledge_post(&self, request: Request<pb::PostRef>) -> Reply<pb::Post> {
        let once = once(&request, "AcknowledgePost")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let view = self
            .careboard
            .acknowledge(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                id(&req.post_id, "post_id")?,
            )
            .await?;
        Ok(Response::new(post(view)))
    }

    #[tracing::instrument(skip_all)]
    async fn create_reply(&self, r: Request<pb::CreateReplyRequest>) -> Reply<pb::Post> {
        writing::create_reply(&self.careboard, r).await
    }

    #[tracing::instrument(skip_all)]
    async fn edit_post(&self, r: Request<pb::EditPostRequest>) -> Reply<pb::Post> {
        writing::edit_post(&self.careboard, r).await
    }

    #[tracing::instrument(skip_all)]
    async fn withdraw_post(&self, r: Request<pb::PostRef>) -> Reply<pb::Post> {
        writing::withdraw_post(&self.careboard, r).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_post_history(&self, r: Request<pb::PostRef>) -> Reply<pb::PostHistory> {
        writing::list_post_history(&self.careboard, r).await
    }

    #[tracing::instrument(skip_all)]
    async fn search_posts(&self, r: Request<pb::SearchPostsRequest>) -> Reply<pb::FoundPosts> {
        writing::search_posts(&self.careboard, r).await
    }

    #[tracing::instrument(skip_all)]
    async fn print_board(&self, r: Request<pb::PrintBoardRequest>) -> Reply<pb::FoundPosts> {
        writing::print_board(&self.careboard, r).await
    }

    #[tracing::instrument(skip_all)]
    async fn file_incident(
        &self,
        request: Request<pb::FileIncidentRequest>,
    ) -> Reply<pb::Incident> {
        let once = once(&request, "FileIncident")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let input = IncidentInput {
            occurred_at: req.occurred_at,
            device: req.device,
            what_happened: req.what_happened,
            action_taken: req.action_taken,
        };
        Ok(Response::new(incident(
            self.careboard
                .file_incident(once.as_ref(), &actor, &input)
                .await?,
        )))
    }

    #[tracing::instrument(skip_all)]
    async fn list_incidents(
        &self,
        request: Request<pb::ListIncidentsRequest>,
    ) -> Reply<pb::ListIncidentsResponse> {
        let actor = actor(request.get_ref().actor.as_ref())?;
        let rows = self.careboard.incidents(&actor).await?;
        Ok(Response::new(pb::ListIncidentsResponse {
            incidents: rows
                .into_iter()
                .map(|incident_row| {
                    incident(IncidentView {
                        incident: incident_row,
                        notes: Vec::new(),
                    })
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_incident(&self, request: Request<pb::IncidentRef>) -> Reply<pb::Incident> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        Ok(Response::new(incident(
            self.careboard
                .incident(&actor, id(&req.incident_id, "incident_id")?)
                .await?,
        )))
    }

    #[tracing::instrument(skip_all)]
    async fn update_incident(
        &self,
        request: Request<pb::UpdateIncidentRequest>,
    ) -> Reply<pb::Incident> {
        let once = once(&request, "UpdateIncident")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        Ok(Response::new(incident(
            self.careboard
                .track_incident(
                    once.as_ref(),
                    &actor,
                    id(&req.incident_id, "incident_id")?,
                    &req.status,
                    &req.note,
                )
                .await?,
        )))
    }

    #[tracing::instrument(skip_all)]
    async fn get_board_stats(
        &self,
        request: Request<proto::common::StatsRequest>,
    ) -> Reply<pb::BoardStats> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let s = self
            .careboard
            .stats(&actor, &req.from_month, &req.to_month)
            .await?;
        let months = |rows: Vec<(String, u64)>| {
            rows.into_iter()
                .map(|(month, value)| proto::common::MonthCount { month, value })
                .collect()
        };
        Ok(Response::new(pb::BoardStats {
            recipients_active: s.recipients_active,
            recipients_closed: s.recipients_closed,
            recipients_registered: months(s.recipients_registered),
            boards_closed: months(s.boards_closed),
            posts: months(s.posts),
            urgent_posts: months(s.urgent_posts),
            files: months(s.files),
            file_megabytes: months(s.file_megabytes),
            incidents: months(s.incidents),
            active_month_end: months(s.active_month_end),
            closed_month_end: months(s.closed_month_end),
        }))
    }

    async fn list_board_choices(
        &self,
        _request: Request<pb::ListBoardChoicesRequest>,
    ) -> Reply<pb::BoardChoices> {
        use crate::domain::{post, recipient};
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        Ok(Response::new(pb::BoardChoices {
            care_levels: owned(&recipient::CARE_LEVELS),
            sexes: owned(&recipient::SEXES),
            categories: owned(&post::CATEGORIES),
            close_reasons: owned(&post::CLOSE_REASONS),
            post_limit: u32::try_from(post::HARD_LIMIT).unwrap_or(u32::MAX),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_consents(
        &self,
        request: Request<pb::ListConsentsRequest>,
    ) -> Reply<pb::ListConsentsResponse> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let cursor = match req.cursor.as_str() {
            "" => None,
            c => Some(id(c, "cursor")?),
        };
        let page = self
            .careboard
            .consents(&actor, req.fax_pending_only, cursor)
            .await?;
        Ok(Response::new(pb::ListConsentsResponse {
            entries: page.rows.into_iter().map(consent_entry).collect(),
            next_cursor: page.next_cursor.map(|c| c.to_string()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn confirm_consent_fax(
        &self,
        request: Request<pb::RecipientRef>,
    ) -> Reply<pb::ConsentEntry> {
        let once = once(&request, "ConfirmConsentFax")?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let row = self
            .careboard
            .confirm_fax(
                once.as_ref(),
                &actor,
                id(&req.recipient_id, "recipient_id")?,
            )
            .await?;
        Ok(Response::new(consent_entry(row)))
    }
}
