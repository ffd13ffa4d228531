//! Commands that act on the data rather than serve it.

pub mod catalog;
pub mod flash;
pub mod mail;
pub mod orders;
pub mod serve;
pub mod shop;
