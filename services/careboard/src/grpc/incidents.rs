//! 事故・インシデント報告: a staff member files one, the city and the filer's office follow it.

use super::Reply;
use super::convert::incident;
use super::decode::{actor, id, incident_status, once};
use crate::domain::incident::IncidentInput;
use crate::service::{Careboard, IncidentView};
use proto::careboard as pb;
use tonic::{Request, Response};

pub(super) async fn file_incident(
    careboard: &Careboard,
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
        careboard
            .file_incident(once.as_ref(), &actor, &input)
            .await?,
    )))
}

pub(super) async fn list_incidents(
    careboard: &Careboard,
    request: Request<pb::ListIncidentsRequest>,
) -> Reply<pb::ListIncidentsResponse> {
    let actor = actor(request.get_ref().actor.as_ref())?;
    let rows = careboard.incidents(&actor).await?;
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

pub(super) async fn get_incident(
    careboard: &Careboard,
    request: Request<pb::IncidentRef>,
) -> Reply<pb::Incident> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    Ok(Response::new(incident(
        careboard
            .incident(&actor, id(&req.incident_id, "incident_id")?)
            .await?,
    )))
}

pub(super) async fn update_incident(
    careboard: &Careboard,
    request: Request<pb::UpdateIncidentRequest>,
) -> Reply<pb::Incident> {
    let once = once(&request, "UpdateIncident")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    Ok(Response::new(incident(
        careboard
            .track_incident(
                once.as_ref(),
                &actor,
                id(&req.incident_id, "incident_id")?,
                incident_status(req.status, "status")?,
                &req.note,
            )
            .await?,
    )))
}
