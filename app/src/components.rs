//! Components shared by pages.

pub mod save_status;
pub mod text_field;
