//! One module per page.

pub mod home;
pub mod log_review;
pub mod plan;
pub mod sign_in;
