//! The public pages: the portal with the city's announcements and the map of offices.

use crate::kit::pieces::AnnouncementLine;
use askama::Template;

#[derive(Template)]
#[template(path = "portal.html")]
pub struct Portal<'a> {
    pub announcements: Vec<AnnouncementLine>,
    pub contact_lines: &'a [String],
}

pub struct MapOffice {
    pub name: String,
    pub kind: String,
    pub address: String,
    pub phone: String,
    pub latitude: f64,
    pub longitude: f64,
}

impl From<proto::offices::Office> for MapOffice {
    fn from(o: proto::offices::Office) -> Self {
        Self {
            name: o.name,
            kind: o.kind,
            address: o.address,
            phone: o.phone,
            latitude: o.latitude,
            longitude: o.longitude,
        }
    }
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage<'a> {
    pub kinds: &'a [String],
    pub kind: &'a str,
    pub tiles: &'a str,
    pub offices: Vec<MapOffice>,
}
