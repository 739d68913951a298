//! The student's files, `labs/NAME.rs` at the root of the repository: each compiled only
//! when its feature `student-NAME` is on, which `cargo xtask lab NAME` does and nothing
//! else does, so that unfinished work never breaks the build or the tests.

macro_rules! student_files {
    ($($name:tt $module:ident $feature:tt,)*) => {$(
        #[doc = concat!("The student's file of `cargo xtask lab ", $name, "`.")]
        #[cfg(feature = $feature)]
        #[allow(missing_docs)]
        pub mod $module {
            include!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../labs/",
                stringify!($module),
                ".rs"
            ));
        }
    )*};
}

crate::for_each_entry!(student_files);
