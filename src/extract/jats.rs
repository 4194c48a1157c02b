//! placeholder
use crate::model::{Document, Format};
use crate::source::SourceFile;
pub fn extract(source: &SourceFile) -> Result<Document, super::ExtractError> {
    let mut d = super::text::extract(source);
    d.format = Format::Jats;
    Ok(d)
}
