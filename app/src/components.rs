//! Components shared by pages.

pub mod after_change;
pub mod device_push;
pub mod field;
pub mod progress_chart;
pub mod progressive;
#[cfg(feature = "editor")]
pub mod reorder;
pub mod save_status;
#[cfg(feature = "editor")]
pub mod second_chance;
pub mod text_field;
