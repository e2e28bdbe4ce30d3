use super::Email;
use common::ids::{PostId, RecipientId};

/// A date as a letter in Japan writes it, in Japan's time zone.
#[must_use]
pub fn japanese_date(t: chrono::DateTime<chrono::Utc>) -> String {
    common::japan::in_japan(t)
        .format("%Y年%m月%d日 %H:%M")
        .to_string()
}

const SIGNATURE: &str = "\n--\n高萩市 電子@連絡帳\n高萩市高齢福祉課 地域包括支援グループ\nTEL: 0293-22-0080 / FAX: 0293-22-0700\n※このメールは送信専用です。返信いただいてもお答えできません。\n";

/// Sent to an office's admin address when the city registers the office.
#[must_use]
pub fn office_welcome(to: &str, office_name: &str, portal_url: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "【電子@連絡帳】事業所の登録が完了しました".into(),
        body: format!(
            "{office_name} 事業所管理者 様\n\n\
             高萩市 電子@連絡帳への事業所の登録が完了しました。\n\n\
             次に、利用するパソコン等で「初回の証明書設定」を行い、電子証明書を取得してください。\n\
             証明書取得用No/パスワードは、別のメールでお知らせします。\n\n\
             ポータルサイト: {portal_url}/\n\n\
             登録等で不安なことや分からないことがあれば、下記までご相談ください。\n{SIGNATURE}"
        ),
    }
}

/// The applicant's receipt for 事業所登録申請.
#[must_use]
pub fn application_receipt(to: &str, office_name: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "【電子@連絡帳】事業所登録申請を受け付けました".into(),
        body: format!(
            "{office_name} 事業所管理者 様\n\n\
             電子@連絡帳の事業所登録申請を受け付けました。市で内容を確認し、登録が済みましたら\n\
             「証明書取得用No/パスワード」をこのメールアドレスにお送りします。\n{SIGNATURE}"
        ),
    }
}

/// The city's notice of a new application: the office name, nothing about people.
#[must_use]
pub fn application_notice(to: &str, office_name: &str, portal_url: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: format!("【電子@連絡帳】事業所登録申請: {office_name}"),
        body: format!(
            "新しい事業所登録申請があります。市の管理メニューの「事業所登録申請」から確認してください。\n{portal_url}/operator/applications\n"
        ),
    }
}

/// The city did not register the office, and says why.
#[must_use]
pub fn application_rejected(to: &str, office_name: &str, reason: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "【電子@連絡帳】事業所登録申請について".into(),
        body: format!(
            "{office_name} 事業所管理者 様\n\n\
             申請いただいた事業所登録は、次の理由により登録できませんでした。\n\n{reason}\n\n\
             内容を確認のうえ、あらためて申請いただくか、下記までご相談ください。\n{SIGNATURE}"
        ),
    }
}

/// 証明書取得用No/パスワード for an office admin, with the way to 初回の証明書設定.
#[must_use]
pub fn enrollment_code(
    to: &str,
    office_name: &str,
    number: &str,
    secret: &str,
    expires: &str,
    portal_url: &str,
) -> Email {
    Email {
        to: to.to_owned(),
        subject: "【電子@連絡帳】証明書取得用No/パスワードのお知らせ".into(),
        body: format!(
            "{office_name} 事業所管理者 様\n\n\
             電子証明書を取得するための「証明書取得用No/パスワード」をお知らせします。\n\n\
             ・証明書取得用No: {number}\n\
             ・証明書取得用パスワード: {secret}\n\
             ・有効期限: {expires}\n\n\
             利用するパソコン等から、次のページ（初回の証明書設定）を開いて入力してください。\n\
             {portal_url}/enroll\n\n\
             このNo/パスワードは1台分です。1回使うと使えなくなります。パソコン等を追加する場合は、\n\
             事業所管理者メニューから追加発行を申請してください。\n\
             心当たりのない場合は、このメールを破棄し、下記までご連絡ください。\n{SIGNATURE}"
        ),
    }
}

/// The urgent mail's subject, as the city worded it.
pub const URGENT_SUBJECT: &str = "【高萩市 電子連絡帳】緊急（重要）の連絡があります";

/// An urgent post (緊急（重要）) is waiting on a board of a team the reader belongs to. Only that
/// and the link: email leaves the city's systems, so it never names the person cared for, the
/// post's text, its author or anything about health. The link leads to a page that asks for a
/// registered device and a sign-in first, then to the post itself.
#[must_use]
pub fn urgent_post(
    to: &str,
    portal_url: &str,
    recipient_id: RecipientId,
    post_id: Option<PostId>,
) -> Email {
    let link = match post_id {
        Some(post) => format!("{portal_url}/boards/{recipient_id}/posts/{post}"),
        None => format!("{portal_url}/boards/{recipient_id}"),
    };
    Email {
        to: to.to_owned(),
        subject: URGENT_SUBJECT.into(),
        body: format!(
            "電子@連絡帳 ご利用者 様\n\n\
             あなたが参加している支援チームの連絡帳に、緊急（重要）の連絡があります。\n\
             登録済みのパソコン等からログインし、内容を確認してください。\n\n\
             {link}\n\n\
             ※このメールには、個人情報保護のため支援対象者の氏名や連絡の内容は記載していません。\n{SIGNATURE}"
        ),
    }
}

/// An incident report was filed by the reader's office (or, for the city, by an office). What
/// happened stays behind the link, for signed-in readers only.
#[must_use]
pub fn incident_filed(to: &str, office_name: &str, link: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "【電子@連絡帳】事故・インシデントの報告がありました".into(),
        body: format!(
            "{office_name} から、電子@連絡帳の利用に関する事故・インシデントの報告がありました。\n\
             登録済みのパソコン等からログインし、内容と対応状況を確認してください。\n\n{link}\n{SIGNATURE}"
        ),
    }
}

/// A device certificate of the office expires soon: the admin asks the city for another one
/// (a new 証明書取得用No/パスワード) and sets it up before the date.
#[must_use]
pub fn certificate_expiring(
    to: &str,
    office_name: &str,
    device_label: &str,
    expires: &str,
    portal_url: &str,
) -> Email {
    Email {
        to: to.to_owned(),
        subject: "【電子@連絡帳】電子証明書の有効期限が近づいています".into(),
        body: format!(
            "{office_name} 事業所管理者 様\n\n\
             次の端末の電子証明書は {expires} に有効期限が切れます。期限を過ぎるとその端末からは利用できません。\n\n\
             端末名: {device_label}\n\n\
             事業所管理者メニューの「電子証明書の管理」から追加発行を申請し、届いた証明書取得用No/パスワードで\n\
             期限までに「初回の証明書設定」を行ってください。\n{portal_url}/admin/certificates\n{SIGNATURE}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id<T: From<uuid::Uuid>>(n: u128) -> T {
        T::from(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn enrollment_code_mail_carries_the_code_and_the_enroll_link() {
        let mail = enrollment_code(
            "a@example.jp",
            "高萩クリニック",
            "0123456789",
            "ABCD-EFGH-JKLM-NPQR",
            "2026年12月8日",
            "https://r.example.jp",
        );
        assert!(mail.body.contains("0123456789"));
        assert!(mail.body.contains("ABCD-EFGH-JKLM-NPQR"));
        assert!(mail.body.contains("https://r.example.jp/enroll"));
    }

    #[test]
    fn welcome_names_the_office_and_links_the_portal() {
        let mail = office_welcome(
            "kanri@example.jp",
            "高萩訪問看護ステーション",
            "https://renrakucho.example.jp",
        );
        assert!(mail.body.contains("高萩訪問看護ステーション"));
        assert!(mail.body.contains("https://renrakucho.example.jp/"));
        assert!(mail.subject.contains("電子@連絡帳"));
    }

    #[test]
    fn the_urgent_mail_is_only_a_signal_and_a_link() {
        let board = id(0x0190_abcd_0000_7000_8000_1234_5678_9abc);
        let other_board = id(0x0190_ffff_0000_7000_8000_0000_0000_0001);
        let post = id(0x0190_abcd_0001_7000_8000_1234_5678_9abc);
        let mail = urgent_post("ns@example.jp", "https://r.example.jp", board, Some(post));
        let link = format!("https://r.example.jp/boards/{board}/posts/{post}");
        assert_eq!(
            mail.subject,
            "【高萩市 電子連絡帳】緊急（重要）の連絡があります"
        );
        assert_eq!(mail.body.matches(&link).count(), 1, "the link, once");
        assert!(mail.body.contains("緊急（重要）の連絡"));
        assert!(mail.body.contains("登録済みのパソコン等からログイン"));
        // Everything but the link is fixed wording: with the link taken out, a mail about another
        // board to another person reads the same, so nothing of the event can reach the text.
        let other_post = id(0x0190_ffff_0001_7000_8000_0000_0000_0001);
        let other = urgent_post(
            "cm@example.jp",
            "https://r.example.jp",
            other_board,
            Some(other_post),
        );
        let other_link = format!("https://r.example.jp/boards/{other_board}/posts/{other_post}");
        assert_eq!(
            mail.body.replace(&link, "<link>"),
            other.body.replace(&other_link, "<link>")
        );
        assert_eq!(mail.subject, other.subject);
        // The address is the envelope's, not the text's; the board's id only inside the link.
        assert!(!mail.body.contains("ns@example.jp"));
        assert!(
            !mail
                .body
                .replace(&link, "")
                .contains(&board.to_string()[..8])
        );
        assert!(!mail.subject.contains(&board.to_string()[..8]));
    }
}
