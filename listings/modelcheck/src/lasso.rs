//! Liveness: lassos. (Written below.)
