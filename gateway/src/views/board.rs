//! The pages of recipients, teams and boards (連絡帳).

use super::board_files::FileView;
use super::{FieldError, tokyo_time};
use askama::Template;
use proto::careboard as pb;
use serde::Deserialize;

/// A line of the staff home: one board the user is on.
pub struct RecipientLine {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub care_level: String,
    pub unread: u32,
    pub urgent: u32,
    pub last_post: String,
    pub representative: bool,
}

impl From<pb::RecipientSummary> for RecipientLine {
    fn from(r: pb::RecipientSummary) -> Self {
        Self {
            last_post: tokyo_time(&r.last_post_at),
            id: r.id,
            name: r.display_name,
            kana: r.kana,
            care_level: r.care_level,
            unread: r.unread_posts,
            urgent: r.urgent_unacknowledged,
            representative: r.is_representative,
        }
    }
}

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
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.hint.as_ref())
    }

    #[must_use]
    pub fn checked(value: &str) -> bool {
        value == "1"
    }
}

pub struct MemberLine {
    pub user_id: String,
    pub name: String,
    pub profession: String,
    pub office: String,
    pub added_at: String,
    pub representative: bool,
    pub departed: bool,
}

impl From<pb::Member> for MemberLine {
    fn from(m: pb::Member) -> Self {
        Self {
            added_at: tokyo_time(&m.added_at),
            departed: m.status != "active",
            user_id: m.user_id,
            name: m.name,
            profession: m.profession,
            office: m.office_name,
            representative: m.is_representative,
        }
    }
}

#[must_use]
pub fn members(team: Option<pb::Team>) -> Vec<MemberLine> {
    team.unwrap_or_default()
        .members
        .into_iter()
        .map(MemberLine::from)
        .collect()
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

/// The label of a recipient field, for the history.
#[must_use]
pub fn field_name(field: &str) -> &'static str {
    match field {
        "name" => "氏名",
        "kana" => "カナ",
        "birth_date" => "生年月日",
        "sex" => "性別",
        "address" => "住所",
        "phone" => "電話番号",
        "insured_number" => "介護保険被保険者番号",
        "medical_insurance" => "医療保険",
        "care_level" => "要介護度",
        "primary_doctor" => "主治医",
        "key_notes" => "特記事項",
        _ => "その他",
    }
}

pub struct Stamp {
    pub name: String,
    pub office: String,
    pub at: String,
}

/// A post as the timeline shows it.
#[allow(clippy::struct_excessive_bools)] // each flag is a separate fact the card shows
pub struct PostCard {
    pub id: String,
    pub author: String,
    pub profession: String,
    pub office: String,
    /// 休止中 or 利用終了: the author's posts stay, marked.
    pub author_mark: &'static str,
    pub at: String,
    pub category: String,
    pub urgent: bool,
    pub body: String,
    pub read_by: Vec<Stamp>,
    pub readers_total: u32,
    pub acknowledged_by: Vec<Stamp>,
    /// Urgent and the actor's own: who has not pressed 確認しました yet.
    pub not_acknowledged: Vec<Stamp>,
    pub mine: bool,
    pub read_by_me: bool,
    pub acknowledged_by_me: bool,
    /// Replies under the post, oldest first.
    pub replies: Vec<PostCard>,
    /// 編集済み: corrected at least once.
    pub edited: bool,
    /// 取り消し: the text is only in the history.
    pub withdrawn: bool,
    /// The reader wrote it and may still correct or withdraw it.
    pub correctable: bool,
    /// Its photos and documents.
    pub files: Vec<FileView>,
    /// A refused reply to it: the reply box open again, the text kept beside its error.
    pub reply: Option<super::ReplyDraft>,
}

impl PostCard {
    #[must_use]
    pub fn new(p: pb::Post, me: &str) -> Self {
        let stamps = |people: Vec<pb::Person>| {
            people
                .into_iter()
                .map(|s| Stamp {
                    at: tokyo_time(&s.at),
                    name: s.name,
                    office: s.office_name,
                })
                .collect()
        };
        Self {
            mine: p.author_user_id == me,
            author_mark: match p.author_status.as_str() {
                "suspended" => "（利用停止中）",
                "deactivated" => "（利用終了）",
                _ => "",
            },
            at: tokyo_time(&p.created_at),
            read_by: stamps(p.read_by),
            acknowledged_by: stamps(p.acknowledged_by),
            not_acknowledged: stamps(p.not_acknowledged_by),
            id: p.id,
            author: p.author_name,
            profession: p.author_profession,
            office: p.author_office,
            category: p.category,
            urgent: p.urgent,
            body: p.body,
            readers_total: p.readers_total,
            read_by_me: p.read_by_actor,
            acknowledged_by_me: p.acknowledged_by_actor,
            replies: p
                .replies
                .into_iter()
                .map(|r| PostCard::new(r, me))
                .collect(),
            edited: !p.edited_at.is_empty(),
            withdrawn: p.withdrawn,
            correctable: p.correctable,
            files: p.files.into_iter().map(FileView::new).collect(),
            reply: None,
        }
    }
}

#[derive(Template)]
#[template(path = "board.html")]
pub struct BoardPage<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub care_level: &'a str,
    pub closed: bool,
    pub posts: Vec<PostCard>,
    pub next_cursor: &'a str,
    pub older: bool,
    pub categories: &'a [String],
    /// The category the timeline is narrowed to (empty: every post).
    pub category: &'a str,
    pub limit: u32,
    /// What was typed when the post was refused: shown again, not lost.
    pub draft: &'a str,
    pub draft_category: &'a str,
    pub draft_urgent: bool,
    /// Files uploaded for a post that was refused, kept for the next try.
    pub draft_files: &'a str,
    pub draft_file_count: usize,
    /// A refusal that belongs to no form shown (a reply to a post that is not on this board).
    pub error: Option<&'a str>,
    /// The composer's refusal, tied to its text as `post` (the box is `post-body`, which its
    /// script knows it by); a reply's is on its own card.
    pub errors: Vec<FieldError>,
    /// What waits for this reader: unread posts, pinned urgent ones, the post a link led to.
    pub reading: super::board_reads::Reading,
}

/// One post alone, for live updates.
#[derive(Template)]
#[template(path = "board_post_fragment.html")]
pub struct PostFragment<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub closed: bool,
    pub p: PostCard,
}
