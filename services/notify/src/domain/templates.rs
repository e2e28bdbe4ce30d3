use super::Email;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
