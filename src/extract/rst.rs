//! placeholder
use crate::model::{Document, Format};
use crate::source::SourceFile;
pub fn extract(source: &SourceFile) -> Document {
    let mut d = super::text::extract(source);
    d.format = Format::Rst;
    d
}
