//! 監査ログ: the operator filters the audit trail by person, office, recipient, action, outcome
//! and date, exports it as CSV, and has the hash chain re-computed. Identity decides who may.

use super::outcomes::{AuditOutcomeOut, outcome_choices, outcome_filter, outcome_label};
pub use super::views::AuditFilter;
use super::views::{self, AuditLine, AuditPage};
use crate::areas::recipients::handlers::CsrfForm;
use crate::edge::auth::{ApiUser, PageUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, OfficeChoice, tokyo_time};
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Html;
use proto::identity as pb;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// The actions as the city reads them; unknown ones are shown as they are.
#[must_use]
pub fn action_label(action: &str) -> &str {
    match action {
        "session.login" => "ログイン",
        "session.logout" => "ログアウト",
        "session.other_certificate" => "別の端末の証明書でのアクセス",
        "recipient.register" => "支援対象者の登録",
        "recipient.read" => "支援対象者情報の閲覧",
        "recipient.list" => "支援対象者一覧の閲覧",
        "recipient.duplicate_shown" => "重複の可能性がある方の表示",
        "recipient.update" => "基本情報の変更",
        "recipient.history.read" => "変更履歴の閲覧",
        "recipient.export" => "記録の書き出し（FHIR）",
        "board.read" => "連絡帳の閲覧",
        "board.print" => "連絡帳の印刷・書き出し",
        "board.close" => "共有の終了",
        "post.create" => "連絡帳への書き込み",
        "post.read" => "既読",
        "post.acknowledge" => "確認しました",
        "team.add" => "チームへの追加",
        "team.remove" => "チームから外す",
        "team.hand_over" => "代表者の引き継ぎ",
        "consent.list" => "同意書一覧の閲覧",
        "consent.fax_confirm" => "同意書FAXの受領",
        "incident.file" => "事故・インシデントの報告",
        "incident.track" => "事故・インシデントの対応記録",
        "user.create" => "利用者の登録",
        "user.update" => "利用者情報の変更",
        "user.password_change" => "パスワードの変更",
        "user.password_reset" => "パスワードの再設定",
        "user.suspend" => "利用停止",
        "user.restore" => "利用停止の解除",
        "user.deactivate" => "利用者の廃止",
        "user.reactivate" => "利用者の再開",
        "certificate.issue" => "電子証明書の発行",
        "certificate.enroll" => "電子証明書の取得",
        "certificate.request" => "電子証明書の追加発行申請",
        "certificate.revoke" => "電子証明書の失効",
        "enrollment_code.issue" => "証明書取得用No.の発行",
        "enrollment_code.mailed" => "証明書取得用No.のメール送信",
        "office.register" => "事業所の登録",
        "office.update" => "事業所情報の変更",
        "office.withdraw" => "事業所の利用廃止",
        "office.partners_set" => "連携事業所の設定",
        "application.approve" => "事業所登録申請の承認",
        "application.reject" => "事業所登録申請の却下",
        "invitation.issue" => "招待コードの発行",
        "announcement.save" => "お知らせの保存",
        "announcement.publish" => "お知らせの公開",
        "announcement.unpublish" => "お知らせの公開停止",
        other => other,
    }
}

/// The action filter's choices: prefixes people think in.
pub const ACTION_CHOICES: [(&str, &str); 13] = [
    ("", "すべて"),
    ("board.read", "連絡帳の閲覧"),
    ("post.", "書き込み・既読・確認"),
    ("recipient.", "支援対象者情報"),
    ("team.", "支援チーム"),
    ("consent.", "同意書"),
    ("session.", "ログイン・ログアウト"),
    ("user.", "利用者管理"),
    ("certificate.", "電子証明書"),
    ("office.", "事業所"),
    ("application.", "事業所登録申請"),
    ("incident.", "事故・インシデント"),
    ("enrollment_code.", "証明書取得用No."),
];

pub(super) async fn lines(
    state: &AppState,
    user: &Principal,
    f: &AuditFilter,
    limit: u32,
) -> Result<pb::ListAuditResponse, Failure> {
    let outcome = outcome_filter(&f.outcome)?;
    let mut identity = state.clients.identity.clone();
    Ok(identity
        .list_audit(pb::ListAuditRequest {
            actor: Some(user.actor()),
            user: f.user.clone(),
            office_id: f.office.clone(),
            target_id: f.target.clone(),
            action: f.action.clone(),
            from: f.from.clone(),
            to: f.to.clone(),
            before_seq: f.before,
            limit,
            outcome: outcome.into(),
        })
        .await?
        .into_inner())
}

pub(super) async fn office_names(
    state: &AppState,
    user: &Principal,
) -> Result<Vec<OfficeChoice>, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .list_office_directory(proto::offices::ListOfficeDirectoryRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner()
        .offices
        .into_iter()
        .map(|o| OfficeChoice {
            id: o.id,
            name: o.name,
        })
        .collect())
}

pub(super) fn line(e: pb::AuditEntry, offices: &HashMap<String, String>) -> AuditLine {
    AuditLine {
        seq: e.seq,
        at: tokyo_time(&e.at),
        action: action_label(&e.action).to_owned(),
        outcome: outcome_label(e.outcome()).to_owned(),
        who: match (e.actor_name.is_empty(), e.actor_login_id.is_empty()) {
            (false, false) => format!("{}（{}）", e.actor_name, e.actor_login_id),
            _ if e.actor_user_id.is_empty() => String::new(),
            _ => "登録のない利用者".to_owned(),
        },
        office: match offices.get(&e.actor_office_id) {
            Some(name) => name.clone(),
            None if e.actor_office_id.is_empty() => String::new(),
            None => "登録のない事業所".to_owned(),
        },
        target: if e.target_id.is_empty() {
            String::new()
        } else {
            views::target_words(&e.target_type).to_owned()
        },
        details: views::details_words(&e.action, &e.details, offices),
        code: e.action,
        target_id: e.target_id,
        device: e.cert_serial,
    }
}

async fn render(
    state: &AppState,
    user: &Principal,
    f: &AuditFilter,
    verdict: Option<String>,
) -> Result<Html<String>, Failure> {
    let offices = office_names(state, user).await?;
    let (found, error) = match lines(state, user, f, 200).await {
        Ok(r) => (Some(r), None),
        Err(e) if e.code == "invalid_field" => (
            None,
            Some("検索条件を確認してください（日付は 2026-11-01 の形、利用者はユーザーIDで指定します）。".to_owned()),
        ),
        Err(e) => return Err(e),
    };
    let names: HashMap<String, String> = offices
        .iter()
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    let (entries, next) = found.map_or((Vec::new(), 0), |r| {
        (
            r.entries.into_iter().map(|e| line(e, &names)).collect(),
            r.next_before_seq,
        )
    });
    let query = f.query_string();
    Ok(pieces::render(&AuditPage {
        csrf: &user.csrf,
        filter: f,
        offices,
        actions: &ACTION_CHOICES,
        outcomes: &outcome_choices(),
        entries,
        next_page: (next > 0).then(|| format!("/operator/audit?{query}&before={next}")),
        csv: format!("/operator/audit.csv?{query}"),
        verdict: verdict.as_deref(),
        error: error.as_deref(),
    }))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(f): Query<AuditFilter>,
) -> Result<Html<String>, PageError> {
    user.require_operator()?;
    Ok(render(&state, &user, &f, None).await?)
}

/// The audit trail's hash chain re-computed by identity: for the page and its API twin.
async fn verify(
    state: &AppState,
    user: &Principal,
) -> Result<pb::VerifyAuditChainResponse, Failure> {
    let mut identity = state.clients.identity.clone();
    Ok(identity
        .verify_audit_chain(pb::VerifyAuditChainRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner())
}

/// The chain re-computed; the page says whether it holds and, if not, where it breaks.
pub async fn verify_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Html<String>, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let v = verify(&state, &user).await?;
    let verdict = if v.intact {
        format!("改ざんは見つかりませんでした（{}件を検査）。", v.records)
    } else {
        format!(
            "記録番号 {} 以降の記録が改ざんされています（それより前の{}件は正常）。",
            v.first_broken_seq, v.records
        )
    };
    Ok(render(&state, &user, &AuditFilter::default(), Some(verdict)).await?)
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryOut {
    seq: i64,
    at: String,
    action: String,
    outcome: AuditOutcomeOut,
    actor_user_id: String,
    actor_login_id: String,
    actor_office_id: String,
    cert_serial: String,
    target_type: String,
    target_id: String,
    /// JSON text.
    details: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::audit)]
pub struct AuditOut {
    entries: Vec<AuditEntryOut>,
    /// Pass as `before` for the next page; 0 on the last.
    next_before: i64,
}

/// The audit trail, filtered, newest first (operator).
#[utoipa::path(get, operation_id = "list_audit", path = "/api/v1/operator/audit", params(AuditFilter),
    responses((status = 200, body = AuditOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(f): Query<AuditFilter>,
) -> Result<Json<AuditOut>, ApiError> {
    let r = lines(&state, &user, &f, 200).await?;
    Ok(Json(AuditOut {
        next_before: r.next_before_seq,
        entries: r
            .entries
            .into_iter()
            .map(|e| AuditEntryOut {
                outcome: e.outcome().into(),
                seq: e.seq,
                at: e.at,
                action: e.action,
                actor_user_id: e.actor_user_id,
                actor_login_id: e.actor_login_id,
                actor_office_id: e.actor_office_id,
                cert_serial: e.cert_serial,
                target_type: e.target_type,
                target_id: e.target_id,
                details: e.details,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::chain)]
pub struct ChainOut {
    intact: bool,
    records: u64,
    /// The first record whose link does not hold (0 when intact).
    first_broken_seq: i64,
}

/// Re-compute the audit trail's hash chain (operator).
#[utoipa::path(get, path = "/api/v1/operator/audit/verify", responses((status = 200, body = ChainOut), (status = 403, body = ErrorBody)))]
pub async fn api_verify_audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<ChainOut>, ApiError> {
    let v = verify(&state, &user).await?;
    Ok(Json(ChainOut {
        intact: v.intact,
        records: v.records,
        first_broken_seq: v.first_broken_seq,
    }))
}
