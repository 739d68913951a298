//! Processes as a transition system. (Written below.)
