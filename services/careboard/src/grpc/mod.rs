//! The gRPC surface of careboard: decode, call the use case, map errors to a status once.

use crate::service::{Careboard, NewPost};
use proto::careboard as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

mod convert;
mod decode;
mod files;
mod incidents;
mod recipients;
mod states;
mod writing;

pub use files::BoardFilesGrpc;

use convert::{consent_entry, post};
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
        recipients::list_my_recipients(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn register_recipient(
        &self,
        request: Request<pb::RegisterRecipientRequest>,
    ) -> Reply<pb::RegisterRecipientResponse> {
        recipients::register_recipient(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_recipient(&self, request: Request<pb::RecipientRef>) -> Reply<pb::Recipient> {
        recipients::get_recipient(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_recipient(
        &self,
        request: Request<pb::UpdateRecipientRequest>,
    ) -> Reply<pb::Recipient> {
        recipients::update_recipient(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_recipient_history(
        &self,
        request: Request<pb::RecipientRef>,
    ) -> Reply<pb::ListRecipientHistoryResponse> {
        recipients::list_recipient_history(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn add_member(&self, request: Request<pb::MemberRequest>) -> Reply<pb::Team> {
        recipients::add_member(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn remove_member(&self, request: Request<pb::MemberRequest>) -> Reply<pb::Team> {
        recipients::remove_member(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn hand_over(&self, request: Request<pb::MemberRequest>) -> Reply<pb::Team> {
        recipients::hand_over(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn close_board(&self, request: Request<pb::CloseBoardRequest>) -> Reply<pb::Recipient> {
        recipients::close_board(&self.careboard, request).await
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
                &req.category,
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
        incidents::file_incident(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_incidents(
        &self,
        request: Request<pb::ListIncidentsRequest>,
    ) -> Reply<pb::ListIncidentsResponse> {
        incidents::list_incidents(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_incident(&self, request: Request<pb::IncidentRef>) -> Reply<pb::Incident> {
        incidents::get_incident(&self.careboard, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_incident(
        &self,
        request: Request<pb::UpdateIncidentRequest>,
    ) -> Reply<pb::Incident> {
        incidents::update_incident(&self.careboard, request).await
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
