//! The sample city's offices, people, the people they care for and what they write.

pub struct OfficeSeed {
    pub key: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
}

pub const OFFICES: [OfficeSeed; 3] = [
    OfficeSeed {
        key: "care",
        name: "高萩みらいケアプランセンター",
        kind: "居宅介護支援事業所",
    },
    OfficeSeed {
        key: "nursing",
        name: "高萩さくら訪問看護ステーション",
        kind: "訪問看護ステーション",
    },
    OfficeSeed {
        key: "clinic",
        name: "はまなす在宅クリニック",
        kind: "診療所",
    },
];

/// (office, login ID, name, kana, profession, office admin); each office's admin comes first.
pub type PersonSeed = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
);
pub const PEOPLE: [PersonSeed; 9] = [
    (
        0,
        "demo.tanaka",
        "田中 恵子",
        "タナカ ケイコ",
        "ケアマネジャー",
        true,
    ),
    (
        0,
        "demo.kimura",
        "木村 誠",
        "キムラ マコト",
        "ケアマネジャー",
        false,
    ),
    (
        0,
        "demo.inoue",
        "井上 さち",
        "イノウエ サチ",
        "介護福祉士",
        false,
    ),
    (
        1,
        "demo.kobayashi",
        "小林 真理",
        "コバヤシ マリ",
        "看護師",
        true,
    ),
    (
        1,
        "demo.yamada",
        "山田 陽子",
        "ヤマダ ヨウコ",
        "看護師",
        false,
    ),
    (1, "demo.saito", "斎藤 健", "サイトウ ケン", "PT", false),
    (
        2,
        "demo.matsumoto",
        "松本 修",
        "マツモト オサム",
        "医師",
        true,
    ),
    (
        2,
        "demo.ito",
        "伊藤 美咲",
        "イトウ ミサキ",
        "准看護師",
        false,
    ),
    (
        2,
        "demo.kato",
        "加藤 裕子",
        "カトウ ユウコ",
        "薬剤師",
        false,
    ),
];

/// (name, kana, birth date, sex, address, care level, representative, other members).
pub type RecipientSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static [usize],
);
pub const RECIPIENTS: [RecipientSeed; 5] = [
    (
        "高萩 ハル",
        "タカハギ ハル",
        "1934-03-12",
        "女性",
        "茨城県高萩市本町2-10",
        "要介護3",
        1,
        &[4, 6, 2],
    ),
    (
        "赤浜 正男",
        "アカハマ マサオ",
        "1940-07-01",
        "男性",
        "茨城県高萩市赤浜1-5",
        "要介護2",
        1,
        &[5, 7],
    ),
    (
        "秋山 トミ",
        "アキヤマ トミ",
        "1931-11-23",
        "女性",
        "茨城県高萩市秋山300",
        "要介護4",
        0,
        &[4, 6, 8],
    ),
    (
        "島名 一夫",
        "シマナ カズオ",
        "1945-01-30",
        "男性",
        "茨城県高萩市島名720",
        "要支援2",
        0,
        &[5],
    ),
    (
        "上手綱 キヨ",
        "カミテヅナ キヨ",
        "1938-05-05",
        "女性",
        "茨城県高萩市上手綱2200",
        "要介護1",
        1,
        &[4, 2, 8],
    ),
];

/// (author, text, category, urgent) on every board; a care manager's line is written by the
/// board's own care manager, the others' only where they are on the team (not every team has a
/// helper or a pharmacist).
pub const POSTS: [(usize, &str, &str, bool); 9] = [
    (
        1,
        "サービス担当者会議の日程を調整中です。ご都合を今週中にお知らせください。",
        "連絡",
        false,
    ),
    (
        4,
        "訪問。血圧132/78、体温36.5℃。食事は8割摂取。",
        "バイタル",
        false,
    ),
    (
        6,
        "往診。内服は変更なし。次回は2週間後です。",
        "治療",
        false,
    ),
    (
        2,
        "入浴介助を実施。背中に発赤あり、看護師さんに確認をお願いします。",
        "生活・食事",
        false,
    ),
    (
        8,
        "お薬カレンダーをセット。飲み忘れが2回ありました。",
        "服薬",
        false,
    ),
    (
        5,
        "歩行訓練。杖歩行で屋内は安定しています。",
        "リハビリ",
        false,
    ),
    (
        4,
        "37.8℃の発熱と咳あり。主治医に連絡済み、夕方に往診予定です。",
        "バイタル",
        true,
    ),
    (
        1,
        "ショートステイの空きが出ました。ご家族が来週の利用を希望されています。",
        "連絡",
        false,
    ),
    (
        5,
        "自主トレーニングの表を自宅に貼りました。ご家族にも見守りをお願いしています。",
        "リハビリ",
        false,
    ),
];
