//! Shared by the test files: sample orders, a PDF reader for what the crate
//! draws, and independent decoders for the codes.

#![allow(dead_code)]

pub mod codes;
pub mod data;
pub mod pdf;
