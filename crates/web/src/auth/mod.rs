//! Sessions for the signed-in (a token in a cookie, its hash in the database). Signing in and
//! changing one's password are use cases (`kehoach_app::auth`): the web opens the session.

pub use kehoach_app::auth::hash_blocking;
pub use kehoach_app::password;
pub mod session;
