//! Bringing a user's subscriptions, articles and their state over from another reader.

pub mod newsboat;
