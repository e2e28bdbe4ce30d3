//! The gRPC surface of offices: decode, call the use case, map errors to a status once.

use crate::domain::ActorRole;
use crate::error::invalid;
use crate::service::{NewOffice, Offices};
use proto::offices as pb;
use service_runtime::idempotency::{Keep, Once};
use std::sync::Arc;
use tonic::{Request, Response, Status};

mod announcements;
mod applications;
mod convert;
mod decode;

/// The acting person as every RPC of this service reads it, for in-process callers too.
pub use decode::actor;
mod once;

use convert::{application, office};
use decode::{id, input, status_filter};
use once::key;

pub struct OfficesGrpc {
    offices: Arc<Offices>,
    once: Once,
}

impl OfficesGrpc {
    #[must_use]
    pub fn new(offices: Arc<Offices>, once: Once) -> Self {
        Self { offices, once }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl pb::offices_server::Offices for OfficesGrpc {
    #[tracing::instrument(skip_all)]
    async fn register_office(
        &self,
        request: Request<pb::RegisterOfficeRequest>,
    ) -> Reply<pb::Office> {
        let claim = key(&request)?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let new = NewOffice {
            name: &req.name,
            kind: &req.kind,
            admin_email: &req.admin_email,
        };
        let work = async { Ok(office(self.offices.register(&actor, &new).await?)) };
        self.once(
            claim.as_ref(),
            "offices.register_office",
            Some(actor.user_id),
            Keep::Answer,
            Box::pin(work),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_office(&self, request: Request<pb::GetOfficeRequest>) -> Reply<pb::Office> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let mut row = self.offices.get(id(&req.office_id, "office_id")?).await?;
        // Only the operator and the office itself see where the city writes to it.
        if actor.role != ActorRole::Operator && actor.office_id != row.id {
            row.admin_email.clear();
        }
        Ok(Response::new(office(row)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_offices(
        &self,
        request: Request<pb::ListOfficesRequest>,
    ) -> Reply<pb::ListOfficesResponse> {
        let actor = actor(request.get_ref().actor.as_ref())?;
        let rows = self.offices.list(&actor).await?;
        Ok(Response::new(pb::ListOfficesResponse {
            offices: rows.into_iter().map(office).collect(),
        }))
    }

    async fn list_kinds(
        &self,
        _request: Request<pb::ListKindsRequest>,
    ) -> Reply<pb::ListKindsResponse> {
        Ok(Response::new(pb::ListKindsResponse {
            kinds: crate::domain::OfficeKind::ALL
                .iter()
                .map(|k| k.label().to_owned())
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_map_offices(
        &self,
        request: Request<pb::ListMapOfficesRequest>,
    ) -> Reply<pb::ListOfficesResponse> {
        let kind = &request.get_ref().kind;
        if kind.len() > 100 {
            return Err(invalid("kind"));
        }
        let rows = self.offices.on_map(Some(kind)).await?;
        let public = rows.into_iter().map(|mut r| {
            // The map is public: never the city's contact address for the office.
            r.admin_email.clear();
            office(r)
        });
        Ok(Response::new(pb::ListOfficesResponse {
            offices: public.collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_office_stats(
        &self,
        request: Request<proto::common::StatsRequest>,
    ) -> Reply<pb::OfficeStats> {
        let req = request.into_inner();
        let s = self
            .offices
            .stats(&actor(req.actor.as_ref())?, &req.from_month, &req.to_month)
            .await?;
        Ok(Response::new(pb::OfficeStats {
            by_kind: s
                .by_kind
                .into_iter()
                .map(|(label, value)| proto::common::LabelCount { label, value })
                .collect(),
            registered: proto::common::MonthCount::from_rows(s.registered),
            active_by_kind: proto::common::LabelMonths::from_rows(s.by_kind_monthly),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_office_directory(
        &self,
        request: Request<pb::ListOfficeDirectoryRequest>,
    ) -> Reply<pb::ListOfficeDirectoryResponse> {
        actor(request.get_ref().actor.as_ref())?;
        let rows = self.offices.directory().await?;
        Ok(Response::new(pb::ListOfficeDirectoryResponse {
            offices: rows
                .into_iter()
                .map(|o| pb::OfficeEntry {
                    id: o.id.to_string(),
                    name: o.name,
                    kind: o.kind,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn submit_application(
        &self,
        request: Request<pb::SubmitApplicationRequest>,
    ) -> Reply<pb::SubmitApplicationResponse> {
        // A check of the form (dry run) changes nothing: no key to claim.
        let claim = key(&request)?.filter(|_| !request.get_ref().dry_run);
        let req = request.into_inner();
        let fields = input(req.fields.unwrap_or_default())?;
        let work = async {
            let (row, stored) = self
                .offices
                .apply(&fields, &req.invitation_code, req.dry_run)
                .await?;
            let id = if stored {
                row.id.to_string()
            } else {
                String::new()
            };
            Ok(pb::SubmitApplicationResponse {
                application_id: id,
                normalized: application(row).fields,
            })
        };
        self.once(
            claim.as_ref(),
            "offices.submit_application",
            None,
            Keep::Answer,
            Box::pin(work),
        )
        .await
    }

    async fn get_application_mode(
        &self,
        _request: Request<pb::GetApplicationModeRequest>,
    ) -> Reply<pb::ApplicationModeResponse> {
        Ok(Response::new(pb::ApplicationModeResponse {
            mode: pb::ApplicationMode::from(self.offices.mode()).into(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn issue_invitation(
        &self,
        request: Request<pb::IssueInvitationRequest>,
    ) -> Reply<pb::Invitation> {
        let claim = key(&request)?;
        let req = request.into_inner();
        if req.note.len() > 2000 {
            return Err(invalid("note"));
        }
        let actor = actor(req.actor.as_ref())?;
        let work = async {
            let code = self.offices.issue_invitation(&actor, &req.note).await?;
            Ok(pb::Invitation { code })
        };
        // The code is a secret the applicant types: a repeat is told it was issued, not shown it.
        self.once(
            claim.as_ref(),
            "offices.issue_invitation",
            Some(actor.user_id),
            Keep::Nothing,
            Box::pin(work),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn list_applications(
        &self,
        request: Request<pb::ListApplicationsRequest>,
    ) -> Reply<pb::ListApplicationsResponse> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let status = status_filter(req.status)?;
        let rows = self.offices.applications(&actor, status).await?;
        Ok(Response::new(pb::ListApplicationsResponse {
            applications: rows.into_iter().map(application).collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_application(
        &self,
        request: Request<pb::GetApplicationRequest>,
    ) -> Reply<pb::Application> {
        let req = request.into_inner();
        let row = self
            .offices
            .application(
                &actor(req.actor.as_ref())?,
                id(&req.application_id, "application_id")?,
            )
            .await?;
        Ok(Response::new(application(row)))
    }

    #[tracing::instrument(skip_all)]
    async fn decide_application(
        &self,
        request: Request<pb::DecideApplicationRequest>,
    ) -> Reply<pb::DecideApplicationResponse> {
        let claim = key(&request)?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let by = Some(actor.user_id);
        let work = applications::decide(&self.offices, actor, req)?;
        self.once(
            claim.as_ref(),
            "offices.decide_application",
            by,
            Keep::Answer,
            Box::pin(work),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_approved_admin(
        &self,
        request: Request<pb::ApprovedAdminRef>,
    ) -> Reply<pb::ApprovedAdmin> {
        applications::approved_admin(&self.offices, &request).await
    }

    #[tracing::instrument(skip_all)]
    async fn withdraw_office(
        &self,
        request: Request<pb::WithdrawOfficeRequest>,
    ) -> Reply<pb::Office> {
        let claim = key(&request)?;
        let req = request.into_inner();
        if req.reason.len() > 4000 {
            return Err(invalid("reason"));
        }
        let actor = actor(req.actor.as_ref())?;
        let office_id = id(&req.office_id, "office_id")?;
        let work = async {
            let row = self
                .offices
                .withdraw(&actor, office_id, &req.reason)
                .await?;
            Ok(office(row))
        };
        self.once(
            claim.as_ref(),
            "offices.withdraw_office",
            Some(actor.user_id),
            Keep::Answer,
            Box::pin(work),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn update_office(&self, request: Request<pb::UpdateOfficeRequest>) -> Reply<pb::Office> {
        let claim = key(&request)?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let fields = input(req.fields.unwrap_or_default())?;
        let office_id = id(&req.office_id, "office_id")?;
        let work = async {
            Ok(office(
                self.offices.update(&actor, office_id, &fields).await?,
            ))
        };
        let method = "offices.update_office";
        let by = Some(actor.user_id);
        self.once(claim.as_ref(), method, by, Keep::Answer, Box::pin(work))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn list_announcements(
        &self,
        request: Request<pb::ListAnnouncementsRequest>,
    ) -> Reply<pb::ListAnnouncementsResponse> {
        announcements::list(&self.offices, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_announcement(
        &self,
        request: Request<pb::GetAnnouncementRequest>,
    ) -> Reply<pb::Announcement> {
        announcements::get(&self.offices, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn save_announcement(
        &self,
        request: Request<pb::SaveAnnouncementRequest>,
    ) -> Reply<pb::Announcement> {
        let claim = key(&request)?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let by = Some(actor.user_id);
        let work = announcements::save(&self.offices, actor, req)?;
        let method = "offices.save_announcement";
        self.once(claim.as_ref(), method, by, Keep::Answer, Box::pin(work))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn publish_announcement(
        &self,
        request: Request<pb::PublishAnnouncementRequest>,
    ) -> Reply<pb::Announcement> {
        let claim = key(&request)?;
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let by = Some(actor.user_id);
        let work = announcements::publish(&self.offices, actor, &req)?;
        let method = "offices.publish_announcement";
        self.once(claim.as_ref(), method, by, Keep::Answer, Box::pin(work))
            .await
    }
}
