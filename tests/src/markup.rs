//! What a refused form's page must show, read from its HTML as a screen reader would find it:
//! the wrong field marked invalid and described by its own error, the summary linking to it.

/// The tag (`<input …>`, `<textarea …>`) that holds `attr`, from its `<` to its `>`.
fn tag_with<'a>(html: &'a str, attr: &str) -> Option<&'a str> {
    let at = html.find(attr)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    Some(&html[start..=end])
}

/// The error of the field `key` (its box is `f-KEY`), as the page ties it to the box.
///
/// # Errors
/// What is missing: the box, its `aria-invalid`, its `aria-describedby`, the error, or the
/// summary's link to the box.
pub fn field_error(html: &str, key: &str) -> Result<String, String> {
    error_of(html, &format!("f-{key}"), key)
}

/// The error `e-KEY` of the box whose id is `box_id` (the board's composer is `post-body`).
///
/// # Errors
/// As [`field_error`].
pub fn error_of(html: &str, box_id: &str, key: &str) -> Result<String, String> {
    let field = tag_with(html, &format!("id=\"{box_id}\""))
        .ok_or_else(|| format!("no field {box_id} on the page"))?;
    if !field.contains("aria-invalid=\"true\"") {
        return Err(format!("{box_id} is not marked invalid: {field}"));
    }
    let described = field
        .split("aria-describedby=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("");
    if !described.split(' ').any(|id| id == format!("e-{key}")) {
        return Err(format!("{box_id} is not described by e-{key}: {field}"));
    }
    let error_at = html
        .find(&format!("id=\"e-{key}\""))
        .ok_or_else(|| format!("no error e-{key}"))?;
    let text_at = error_at + html[error_at..].find('>').unwrap_or(0) + 1;
    let message = html[text_at..]
        .split('<')
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    if message.is_empty() {
        return Err(format!("e-{key} says nothing"));
    }
    let summary = summary(html).ok_or("no error summary")?;
    if !summary.contains(&format!("href=\"#{box_id}\"")) {
        return Err(format!("the summary does not link to {box_id}: {summary}"));
    }
    Ok(message)
}

/// The error summary (`#error-summary`), if the page has one.
#[must_use]
pub fn summary(html: &str) -> Option<&str> {
    let start = html.find("id=\"error-summary\"")?;
    let end = start + html[start..].find("</div>")?;
    Some(&html[start..end])
}

/// Whether any field of the page is marked invalid.
#[must_use]
pub fn any_field_invalid(html: &str) -> bool {
    html.contains("aria-invalid=\"true\"") || html.contains("class=\"field-error\"")
}
