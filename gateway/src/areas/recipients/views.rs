//! The pages of a recipient: the registration and edit form, the recipient's page with the
//! team and the consent, the history of changes, and the city's consent register.

use crate::kit::pieces::{FieldError, MemberLine, tokyo_time};
use askama::Template;
use proto::careboard as pb;
use serde::Deserialize;

/// The recipient form as typed: kept whole when something is wrong, so nothing is lost.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RecipientForm {
    pub csrf_token: String,
    pub obtained_on: String,
    pub obtained_by: String,
    pub office_keeps_copy: String,
    pub recipient_keeps_original: String,
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    pub sex: String,
    pub address: String,
    pub phone: String,
    pub insured_number: String,
    pub medical_insurance: String,
    pub care_level: String,
    pub primary_doctor: String,
    pub key_notes: String,
    /// Set when the user saw the duplicate hint and registers anyway.
    pub allow_duplicate: String,
}

impl RecipientForm {
    #[must_use]
    pub fn fields(&self) -> pb::RecipientFields {
        pb::RecipientFields {
            name: self.name.clone(),
            kana: self.kana.clone(),
            birth_date: self.birth_date.clone(),
            sex: self.sex.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            insured_number: self.insured_number.clone(),
            medical_insurance: self.medical_insurance.clone(),
            care_level: self.care_level.clone(),
            primary_doctor: self.primary_doctor.clone(),
            key_notes: self.key_notes.clone(),
        }
    }

    #[must_use]
    pub fn from_fields(f: pb::RecipientFields) -> Self {
        Self {
            name: f.name,
            kana: f.kana,
            birth_date: f.birth_date,
            sex: f.sex,
            address: f.address,
            phone: f.phone,
            insured_number: f.insured_number,
            medical_insurance: f.medical_insurance,
            care_level: f.care_level,
            primary_doctor: f.primary_doctor,
            key_notes: f.key_notes,
            ..Self::default()
        }
    }
}

/// What to do about a wrong field of the recipient, consent, post or close forms.
#[must_use]
pub fn recipient_hint(field: &str) -> &'static str {
    match field {
        "obtained_on" => "同意を得た日を入力してください（今日より後の日付は指定できません）。",
        "obtained_by" => "同意を得た人（職種・氏名）を50文字以内で入力してください。",
        "office_keeps_copy" => "同意書の写しを事業所で保管していることを確認してください。",
        "recipient_keeps_original" => {
            "同意書の原本を支援対象者が保管していることを確認してください。"
        }
        "name" => "氏名を50文字以内で入力してください。",
        "kana" => "カナを全角カタカナで入力してください（半角カナは全角に直します）。",
        "birth_date" => {
            "生年月日を 1940-04-01 の形で入力してください（未来の日付や125年以上前は不可）。"
        }
        "sex" => "性別を選んでください。",
        "address" => "住所を200文字以内で入力してください。",
        "phone" => "電話番号を市外局番から入力してください（なければ空欄）。",
        "insured_number" => {
            "介護保険被保険者番号を10桁の数字で入力してください（未交付なら空欄）。"
        }
        "medical_insurance" => "医療保険の情報を200文字以内で入力してください。",
        "care_level" => "要介護度を選んでください。",
        "primary_doctor" => "主治医を100文字以内で入力してください。",
        "key_notes" => "特記事項を2,000文字以内で入力してください。",
        "body" => "連絡内容を入力してください。",
        "body_length" => {
            "連絡内容は1,000文字以内にしてください。要点を2〜3行にまとめると読みやすくなります。"
        }
        "category" => "分類は一覧から選んでください。",
        "reason" => "共有を終了する理由を選んでください。",
        "note" => "備考は200文字以内で入力してください。",
        _ => "入力内容を確認してください。",
    }
}

pub struct DuplicateLine {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    pub is_member: bool,
}

#[derive(Template)]
#[template(path = "recipient_form.html")]
pub struct RecipientFormPage<'a> {
    pub csrf: &'a str,
    /// `new` (with the consent) or `edit`.
    pub mode: &'static str,
    pub recipient_id: &'a str,
    pub form: &'a RecipientForm,
    pub choices: &'a pb::BoardChoices,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    pub duplicates: Vec<DuplicateLine>,
    pub today: &'a str,
}

impl RecipientFormPage<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        FieldError::hint(&self.errors, field)
    }

    #[must_use]
    pub fn checked(value: &str) -> bool {
        value == "1"
    }
}

#[derive(Template)]
#[template(path = "recipient.html")]
pub struct RecipientPage<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub f: &'a pb::RecipientFields,
    pub closed: bool,
    pub close_reason: &'a str,
    pub close_note: &'a str,
    pub closed_at: String,
    pub consent: pb::Consent,
    pub consent_recorded: String,
    pub members: Vec<MemberLine>,
    pub representative: bool,
    pub close_reasons: &'a [String],
    /// A refused 共有の終了: the reason and the note as typed.
    pub draft: (&'a str, &'a str),
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

pub struct HistoryLine {
    pub at: String,
    pub by: String,
    pub office: String,
    pub changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "recipient_history.html")]
pub struct HistoryPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub entries: Vec<HistoryLine>,
}

pub struct ConsentLine {
    pub recipient_id: String,
    pub name: String,
    pub kana: String,
    pub office: String,
    pub obtained_on: String,
    pub obtained_by: String,
    pub registered_by: String,
    pub recorded_at: String,
    pub fax_received_at: String,
    /// 控えは事業所、原本は本人: both confirmed at registration.
    pub copies_kept: bool,
    pub closed: bool,
}

impl From<pb::ConsentEntry> for ConsentLine {
    fn from(e: pb::ConsentEntry) -> Self {
        let closed = e.status() == pb::RecipientStatus::Closed;
        let c = e.consent.unwrap_or_default();
        Self {
            recipient_id: e.recipient_id,
            name: e.recipient_name,
            kana: e.recipient_kana,
            office: c.office_name,
            obtained_on: c.obtained_on,
            obtained_by: c.obtained_by,
            registered_by: e.registered_by_name,
            recorded_at: tokyo_time(&c.recorded_at),
            fax_received_at: tokyo_time(&c.fax_received_at),
            copies_kept: c.office_keeps_copy && c.recipient_keeps_original,
            closed,
        }
    }
}

#[derive(Template)]
#[template(path = "consents.html")]
pub struct ConsentsPage<'a> {
    pub csrf: &'a str,
    pub pending_only: bool,
    /// Showing an older page, not the newest registrations.
    pub paged: bool,
    /// Empty on the last page.
    pub next_cursor: &'a str,
    pub entries: Vec<ConsentLine>,
}
