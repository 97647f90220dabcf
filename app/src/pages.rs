//! One module per page.

pub mod home;
pub mod plan;
pub mod sign_in;
