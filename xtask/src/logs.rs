//! Logging: what mdBook and mdbook-katex report, printed and also kept.
//!
//! mdBook only *logs* a missing include, and mdbook-katex only *warns* when KaTeX cannot
//! render an expression, leaving the raw LaTeX in the page; both builds still succeed. So
//! every warning and error logged during a build is kept, and the checks treat each one
//! as a failure.

use std::fmt::Write;
use std::sync::{Mutex, OnceLock};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, SubscriberExt};

static KEPT: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Installs the process-wide logger once: events at `print_level` and above go to
/// standard error, and every warning and error is also kept for [`take_warnings`].
pub fn init(print_level: Level) {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let print = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .without_time()
            .with_filter(LevelFilter::from_level(print_level));
        let subscriber = tracing_subscriber::registry().with(print).with(Keep);
        // Another logger may already be installed (by a test harness): then nothing is
        // kept, and the HTML checks still see what a failed include or formula left in
        // the page.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// The warnings and errors logged since the last call, oldest first.
pub fn take_warnings() -> Vec<String> {
    std::mem::take(&mut *KEPT.lock().unwrap_or_else(|e| e.into_inner()))
}

/// The layer that keeps warnings and errors.
struct Keep;

impl<S: Subscriber> Layer<S> for Keep {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let level = *event.metadata().level();
        if level > Level::WARN {
            return; // INFO, DEBUG and TRACE are more verbose than WARN
        }
        let mut text = Fields(String::new());
        event.record(&mut text);
        let line = format!("{level} {}:{}", event.metadata().target(), text.0);
        KEPT.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }
}

/// Formats an event's fields as ` message key=value ...`.
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}
