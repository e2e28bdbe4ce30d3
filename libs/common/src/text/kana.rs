/// A name in katakana (カナ): full-width katakana, the long-vowel mark and single spaces.
/// Half-width katakana (ｶﾅ) and hiragana are converted; anything else is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kana(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not katakana")]
pub struct InvalidKana;

/// Full-width ASCII (！ to ～) and the ideographic space become their ASCII forms.
#[must_use]
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

const HALF: &str = "ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
const FULL: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

fn voiced(c: char) -> Option<char> {
    // Katakana that take a dakuten sit one code point after their unvoiced form.
    let ok = "カキクケコサシスセソタチツテトハヒフヘホウ".contains(c);
    if c == 'ウ' {
        return Some('ヴ');
    }
    ok.then(|| char::from_u32(c as u32 + 1)).flatten()
}

fn semi_voiced(c: char) -> Option<char> {
    "ハヒフヘホ"
        .contains(c)
        .then(|| char::from_u32(c as u32 + 2))
        .flatten()
}

fn half_to_full(input: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(input.len());
    for c in input.chars() {
        match c {
            'ﾞ' => match out.last().copied().and_then(voiced) {
                Some(v) => {
                    out.pop();
                    out.push(v);
                }
                None => out.push('゛'),
            },
            'ﾟ' => match out.last().copied().and_then(semi_voiced) {
                Some(v) => {
                    out.pop();
                    out.push(v);
                }
                None => out.push('゜'),
            },
            _ => match HALF.chars().position(|h| h == c) {
                Some(i) => out.push(FULL.chars().nth(i).unwrap_or(c)),
                None => out.push(c),
            },
        }
    }
    out.into_iter().collect()
}

impl Kana {
    pub fn parse(raw: &str) -> Result<Self, InvalidKana> {
        let full = half_to_full(&fold_width(raw));
        let katakana: String = full
            .chars()
            .map(|c| match c {
                // Hiragana ぁ..ゖ sit 0x60 below their katakana.
                '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                c => c,
            })
            .collect();
        let words: Vec<&str> = katakana.split_whitespace().collect();
        let joined = words.join(" ");
        let len = joined.chars().count();
        let valid = (1..=100).contains(&len)
            && joined.chars().all(|c| {
                c == ' ' || c == 'ー' || c == '・' || ('\u{30A1}'..='\u{30FA}').contains(&c)
            });
        if valid {
            Ok(Self(joined))
        } else {
            Err(InvalidKana)
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_and_hiragana_become_full_width_katakana() {
        assert_eq!(Kana::parse("ﾀｶﾊｷﾞ ﾊﾅｺ").unwrap().as_str(), "タカハギ ハナコ");
        assert_eq!(Kana::parse("ﾎﾟﾝﾎﾟｺ").unwrap().as_str(), "ポンポコ");
        assert_eq!(
            Kana::parse("たかはぎ　はなこ").unwrap().as_str(),
            "タカハギ ハナコ"
        );
        assert_eq!(
            Kana::parse("  サトウ   タロウ ").unwrap().as_str(),
            "サトウ タロウ"
        );
        assert_eq!(Kana::parse("ｳﾞｨｰﾅｽ").unwrap().as_str(), "ヴィーナス");
    }

    #[test]
    fn anything_but_kana_is_refused() {
        for bad in ["", "   ", "高萩", "Takahagi", "サトウ1", "サトウ!"] {
            assert!(Kana::parse(bad).is_err(), "{bad}");
        }
        assert!(Kana::parse(&"ア".repeat(101)).is_err());
    }

    #[test]
    fn fold_width_turns_full_width_digits_into_ascii() {
        assert_eq!(fold_width("０２９３－２２"), "0293-22");
    }
}
