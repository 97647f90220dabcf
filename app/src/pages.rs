//! One module per page.

pub mod home;
pub mod invitation;
pub mod plan;
pub mod sign_in;
