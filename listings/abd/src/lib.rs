//! A linearizable register over a faulty network: the ABD register (Attiya, Bar-Noy &
//! Dolev, JACM 42(1), 1995), with several writers (Lynch & Shvartsman, FTCS 1997).
//!
//! [`register`] is the protocol, written once as processes.

pub mod check;
pub mod exercises;
pub mod measure;
pub mod programs;
pub mod register;
pub mod simulate;
