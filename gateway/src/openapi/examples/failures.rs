//! The refusals the document shows: for each answer of a call, what that call is most often
//! refused with, worded as the error table (`edge/error_table.rs`) words it.

use serde_json::{Value, json};

fn refusal(code: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message}})
}

/// A refusal of one field, as the API words it (the schema's own example).
#[must_use]
pub fn error() -> Value {
    let hint = "氏名（カナ）を全角カタカナで入力してください（半角カナは全角に直します）。";
    json!({"error": {
        "code": "invalid_field",
        "message": format!("入力内容を確認してください。{hint}"),
        "fields": {"kana": hint}
    }})
}

/// The answer to a repeat while the first call with its Idempotency-Key still runs.
#[must_use]
pub fn in_progress() -> Value {
    refusal(
        "in_progress",
        "処理中です。少し待ってから画面を開き直して、結果を確かめてください。",
    )
}

/// The answer to an Idempotency-Key sent before for another call.
#[must_use]
pub fn key_reused() -> Value {
    refusal(
        "idempotency_key_reused",
        "この送信は別の操作のものです。画面を開き直して、もう一度操作してください。",
    )
}

/// The answer to an Idempotency-Key of the wrong form.
#[must_use]
pub fn bad_key() -> Value {
    refusal(
        "invalid_request",
        "Idempotency-Key の形式が正しくありません。英数字と - _ . : の128文字以内で指定してください。",
    )
}

/// What `method path` answers with `status`; `None` for a refusal of fields, which the
/// schema's own example shows.
#[must_use]
pub fn failure(method: &str, path: &str, status: &str) -> Option<Value> {
    let board = path.starts_with("/api/v1/boards/") || path.starts_with("/api/v1/recipients/{id}");
    Some(match (status, method) {
        ("400", "get") if path == "/api/v1/operator/report" => refusal(
            "invalid_request",
            "期間は 2026-04 のように年と月で指定し、終わりを始まりより後に、長さは5年以内にしてください。",
        ),
        ("400", "get") => refusal(
            "invalid_request",
            "その分類はありません。分類を選び直してください。",
        ),
        ("400", _) => bad_key(),
        ("401", "post") if path == "/api/v1/session" => refusal(
            "bad_credentials",
            "ログインIDまたはパスワードが正しくありません。",
        ),
        ("401", _) => refusal("login_required", "ログインしてください。"),
        ("403", "post") if path == "/api/v1/session" => refusal(
            "device_not_registered",
            "この電子証明書は登録されていないか、失効しています。事業所管理者にお問い合わせください。",
        ),
        ("403", "post") if path == "/api/v1/public/enroll" => refusal(
            "enrollment_refused",
            "証明書取得用Noまたはパスワードが正しくないか、使用済み・期限切れです。入力内容を確かめ、解決しない場合は市にお問い合わせください。",
        ),
        ("403", _) => refusal("forbidden", "この操作を行う権限がありません。"),
        ("404", _) => refusal("not_found", "お探しの情報は見つかりませんでした。"),
        ("409", "post") if path == "/api/v1/users" => refusal(
            "login_id_taken",
            "このユーザーIDは既に使われています。別のユーザーIDを指定してください。",
        ),
        ("409", _) if path.starts_with("/api/v1/operator/applications/") => refusal(
            "already_decided",
            "この申請は既に承認または却下されています。",
        ),
        ("409", "post") if path == "/api/v1/recipients/{id}/team" => refusal(
            "already_member",
            "このスタッフは既に支援チームに参加しています。",
        ),
        ("409", "delete") if path.contains("/team/") => refusal(
            "representative_must_hand_over",
            "代表者はチームから外れる前に、代表者を他のメンバーに引き継いでください。",
        ),
        ("409", _) if path.ends_with("/representative") => {
            refusal("already_representative", "既に代表者です。")
        }
        ("409", _) if board => refusal(
            "board_closed",
            "この連絡帳は共有を終了しているため、書き込みや変更はできません。",
        ),
        ("409", _) => in_progress(),
        ("413", _) => refusal(
            "file_too_large",
            "ファイルが大きすぎます。1件10MBまでです。",
        ),
        ("415", _) => refusal(
            "file_unsupported",
            "この種類のファイルは添付できません。写真(JPEG・PNG・WebP)かPDFを選んでください。",
        ),
        ("429", "post") if path == "/api/v1/session" => refusal(
            "locked",
            "ログインに続けて失敗したため、しばらくの間ログインできません。時間をおいてから再度お試しください。",
        ),
        ("429", _) => refusal(
            "rate_limited",
            "試行回数が多すぎます。しばらく時間をおいてから再度お試しください。",
        ),
        _ => return None,
    })
}
