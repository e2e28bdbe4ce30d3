//! An office admin's pages: the menu, the office's users and one user's form.

use crate::kit::pieces::{FieldError, UserLine};
use askama::Template;

#[derive(Template)]
#[template(path = "admin_menu.html")]
pub struct AdminMenu<'a> {
    pub office: &'a str,
}

pub struct UserForm<'a> {
    pub login_id: &'a str,
    pub name: &'a str,
    pub kana: &'a str,
    pub profession: &'a str,
    pub email: &'a str,
    pub office_admin: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct Users<'a> {
    pub csrf: &'a str,
    pub office: &'a str,
    pub people: Vec<UserLine>,
    pub professions: &'a [String],
    pub form: UserForm<'a>,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

impl Users<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        FieldError::hint(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "user_edit.html")]
pub struct UserEdit<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub status: &'a str,
    pub active: bool,
    pub professions: &'a [String],
    pub form: UserForm<'a>,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

impl UserEdit<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        FieldError::hint(&self.errors, field)
    }
}
