//! The starting points, frozen: what `labs/NAME.rs` holds before a student's first edit.
//! Each file is included as it is copied (so it uses only line comments at its top, and
//! names this crate `labs`), and each is judged by the tests, which require it to fail.

macro_rules! starting_points {
    ($($name:tt $module:ident $feature:tt,)*) => {$(
        #[doc = concat!("The starting point of `cargo xtask lab ", $name, "`.")]
        pub mod $module {
            include!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/start/",
                stringify!($module),
                ".rs"
            ));
        }
    )*};
}

crate::for_each_entry!(starting_points);
