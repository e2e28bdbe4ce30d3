//! Each form's fields in its own words: the services report a wrong field by its name alone, and
//! the form it was typed into says what that field is called and what to do about it.

use crate::edge::error::Field;

const fn f(name: &'static str, hint: &'static str) -> Field {
    Field { name, hint }
}

/// 事業所登録申請, 事業所の情報 (the admin's and the operator's edit).
pub const OFFICE: &[Field] = &[
    f("name", "事業所名を100文字以内で入力してください。"),
    f("kana", "事業所名（カナ）を全角カタカナで入力してください。"),
    f("kind", "事業所の種別を選んでください。"),
    f(
        "code",
        "医療機関コードまたは介護保険事業所番号を10桁の数字で入力してください。",
    ),
    f(
        "postal_code",
        "郵便番号を7桁の数字で入力してください（例：318-0034）。",
    ),
    f("address", "所在地を200文字以内で入力してください。"),
    f(
        "phone",
        "電話番号を市外局番から入力してください（例：0293-22-0080）。",
    ),
    f(
        "fax",
        "FAX番号を市外局番から入力してください（なければ空欄）。",
    ),
    f(
        "latitude",
        "地図で所在地をクリックするか、緯度・経度を日本国内の値で入力してください。",
    ),
    f(
        "longitude",
        "地図で所在地をクリックするか、緯度・経度を日本国内の値で入力してください。",
    ),
    f(
        "location",
        "地図で所在地をクリックするか、緯度・経度を日本国内の値で入力してください。",
    ),
    f("admin_name", "管理者の氏名を50文字以内で入力してください。"),
    f(
        "admin_kana",
        "管理者の氏名（カナ）を全角カタカナで入力してください。",
    ),
    f(
        "admin_email",
        "管理者のメールアドレスを正しく入力してください。",
    ),
    f(
        "admin_phone",
        "管理者の連絡先電話番号を市外局番から入力してください。",
    ),
    f("consent", "利用の手引き（利用規約）への同意が必要です。"),
    f(
        "invitation_code",
        "市から届いた招待コードを入力してください。",
    ),
    f(
        "office_id",
        "事業所が見つかりません。一覧から開き直してください。",
    ),
];

/// The city registers an office directly (事業所の登録).
pub const REGISTER_OFFICE: &[Field] = &[
    f("name", "事業所名を100文字以内で入力してください。"),
    f("kind", "事業所の種別を選んでください。"),
    f(
        "admin_email",
        "管理者のメールアドレスを正しく入力してください。",
    ),
];

/// 利用者の追加・編集, and the operator's 事業所管理者の作成.
pub const STAFF: &[Field] = &[
    f(
        "login_id",
        "ユーザーIDを半角英数字と . _ - の3〜64文字で入力してください。",
    ),
    f("name", "氏名を50文字以内で入力してください。"),
    f(
        "kana",
        "氏名（カナ）を全角カタカナで入力してください（半角カナは全角に直します）。",
    ),
    f("profession", "職種を一覧から選んでください。"),
    f("email", "メールアドレスを正しく入力してください。"),
    f(
        "office_id",
        "事業所が見つかりません。一覧から選び直してください。",
    ),
    f(
        "user_id",
        "利用者が見つかりません。一覧から開き直してください。",
    ),
];

/// ログイン.
pub const LOGIN: &[Field] = &[
    f("login_id", "ユーザーIDを入力してください。"),
    f("password", "パスワードを入力してください。"),
    f(
        "certificate",
        "電子証明書を確認できません。証明書を選び直してください。",
    ),
];

/// 電子証明書の取得.
pub const ENROLL: &[Field] = &[
    f(
        "number",
        "証明書取得用Noを市から届いたとおりに入力してください。",
    ),
    f(
        "secret",
        "証明書取得用パスワードを市から届いたとおりに入力してください。",
    ),
    f("device_label", "端末名を50文字以内で入力してください。"),
    f(
        "p12_password",
        "証明書ファイルのパスワードを8文字以上で入力してください。",
    ),
];

/// パスワードの変更.
pub const PASSWORD: &[Field] = &[
    f("current_password", "現在のパスワードを入力してください。"),
    f("new_password", "新しいパスワードを入力してください。"),
];

/// 電子証明書の追加申請 and 失効.
pub const CERTIFICATE: &[Field] = &[
    f("note", "備考を200文字以内で、1行で入力してください。"),
    f(
        "reason",
        "失効の理由を200文字以内で、1行で入力してください。",
    ),
    f(
        "serial",
        "電子証明書が見つかりません。一覧から開き直してください。",
    ),
    f("query", "検索語は50文字以内で入力してください。"),
];

/// 利用停止, 利用廃止: a reason typed in one box.
pub const REASON: &[Field] = &[
    f("reason", "理由を入力してください（改行は使えません）。"),
    f(
        "user_id",
        "利用者が見つかりません。一覧から開き直してください。",
    ),
    f(
        "office_id",
        "事業所が見つかりません。一覧から開き直してください。",
    ),
];

/// 申請の承認・却下.
pub const DECISION: &[Field] = &[
    f("reason", "却下の理由を入力してください。"),
    f(
        "application_id",
        "申請が見つかりません。一覧から開き直してください。",
    ),
];

/// 招待コードの発行.
pub const INVITATION: &[Field] = &[f("note", "メモを200文字以内で、1行で入力してください。")];

/// お知らせ.
pub const ANNOUNCEMENT: &[Field] = &[
    f("title", "題名を100文字以内で、1行で入力してください。"),
    f("body", "本文を5,000文字以内で入力してください。"),
    f(
        "announcement_id",
        "お知らせが見つかりません。一覧から開き直してください。",
    ),
];

/// The staff search of 利用者管理 and the operator's user list.
pub const SEARCH: &[Field] = &[
    f("query", "検索語は50文字以内で入力してください。"),
    f(
        "office_id",
        "事業所が見つかりません。一覧から選び直してください。",
    ),
];
