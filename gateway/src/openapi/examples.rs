//! The document's examples: one small 高萩市 world (three offices, their staff, one recipient and
//! her board), so that the ids of one answer are the ids the next call is made with. Each value
//! is what the services would accept or answer (the lists of kinds, professions and categories
//! as the code defines them).

pub mod board;
pub mod failures;
pub mod people;

pub use failures::error;

use serde_json::{Value, json};

pub const OFFICE_NURSING: &str = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01";
pub const OFFICE_CARE: &str = "019d4657-3e22-7b14-9c53-6a3e0d1f2b02";
pub const OFFICE_PHARMACY: &str = "019d4657-4f35-7c25-a064-7b4f1e203c03";
pub const USER_SATO: &str = "019d4a1c-7b20-7d36-b175-8c50f2314d11";
pub const USER_SUZUKI: &str = "019d4a1c-8c31-7e47-8286-9d6103425e12";
pub const USER_TANAKA: &str = "019d4a1c-9d42-7f58-9397-ae7214536f13";
pub const RECIPIENT: &str = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21";
pub const POST: &str = "01a22a04-fe20-7a31-9c42-5d63e7f80931";
pub const REPLY: &str = "01a22a1b-4c10-7b42-8d53-6e74f8091a32";
pub const FILE: &str = "01a22a04-f100-7c53-9e64-7f8509102b41";
pub const ANNOUNCEMENT: &str = "019f3c4d-5e6f-7081-9a2b-3c4d5e6f7a51";
pub const APPLICATION: &str = "019d3f10-2a3b-7c4d-8e5f-6a7b8c9d0e61";
pub const INCIDENT: &str = "01a22ee8-1a2b-7c3d-9e4f-5a6b7c8d9e71";
pub const CERTIFICATE_REQUEST: &str = "01a22ef0-3b4c-7d5e-8f6a-7b8c9d0e1f81";
/// A device certificate's serial as the CA writes it: 16 bytes in lower-case hex.
pub const SERIAL: &str = "3f9a1c0e5b7d42a8b6c1e0f29d4a7b35";
pub const NURSING_NAME: &str = "高萩訪問看護ステーション";
pub const CARE_NAME: &str = "高萩中央居宅介護支援事業所";
pub const PHARMACY_NAME: &str = "本町さくら薬局";

/// The board's monthly report, April to November 2026.
#[must_use]
pub fn report() -> Value {
    let months = [
        "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ];
    let row = |label: &str, values: [u64; 8]| json!({"label": label, "values": values});
    json!({
        "months": months,
        "recipients_active": 42,
        "recipients_closed": 3,
        "monthly": [
            row("事業所の登録", [6, 3, 2, 1, 2, 0, 1, 1]),
            row("支援対象者の登録", [8, 7, 6, 5, 6, 4, 5, 4]),
            row("共有の終了", [0, 0, 1, 0, 0, 1, 0, 1]),
            row("連絡帳の書き込み", [96, 188, 240, 265, 281, 302, 320, 334]),
            row("うち緊急（重要）", [3, 5, 4, 6, 8, 5, 7, 6]),
        ],
        "month_end": [
            row("支援対象者（共有中）", [8, 15, 20, 25, 31, 34, 39, 42]),
            row("支援対象者（共有終了・累計）", [0, 0, 1, 1, 1, 2, 2, 3]),
        ],
        "offices_by_kind": [
            {"label": "訪問看護ステーション", "value": 4},
            {"label": "居宅介護支援事業所", "value": 7},
            {"label": "薬局", "value": 3},
        ],
        "staff_by_profession": [
            {"label": "看護師", "value": 18},
            {"label": "ケアマネジャー", "value": 11},
            {"label": "薬剤師", "value": 5},
        ],
        "offices_by_kind_monthly": [row("訪問看護ステーション", [2, 3, 3, 3, 4, 4, 4, 4])],
        "staff_by_profession_monthly": [row("看護師", [7, 10, 12, 13, 15, 16, 17, 18])],
    })
}
